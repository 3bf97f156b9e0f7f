//! Where this Linux runs: the hypervisor (DMI, `/sys/hypervisor`, `/proc/xen`, the
//! device tree, `/proc/sysinfo`, `/proc/cpuinfo`, the CPUID seam), the container
//! (marker files, PID 1's `$container`, cgroups) and the public cloud (DMI strings,
//! never the network). Read once at start: none of it changes while ctop runs.

mod cloud;
mod container;
mod dmi;
mod hypervisor;

use crate::source::Source;
use cloud::Cloud;
use container::Container;
use dmi::Dmi;
use hypervisor::Hypervisor;
use serde::{Deserialize, Serialize};

/// Where this Linux runs. Ids are stable machine-friendly names (documented in the
/// README); `None` means "none detected" (bare metal, not in a container, no cloud).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Platform {
    /// systemd-detect-virt's ids where it has one: `kvm`, `qemu`, `amazon`, `google`,
    /// `xen`, `vmware`, `microsoft`, `oracle` (VirtualBox), `parallels`, `bhyve`,
    /// `bochs`, `zvm`, `powervm`, `apple`, `uml`, `acrn`, `qnx`, `sre`; beyond it `vmm`
    /// (OpenBSD) and `ldoms` (SPARC); `vm-other` for a VM of unknown kind.
    pub virtualization: Option<String>,
    /// `docker`, `podman`, `lxc`, `lxc-libvirt`, `systemd-nspawn`, `kubernetes`,
    /// `containerd`, `cri-o`, `openvz`, `wsl`, `rkt`, `pouch`, `proot`, `illumos-lx`,
    /// `linux-vserver`, `container-other`.
    pub container: Option<String>,
    /// `aws`, `gcp`, `azure`, `oracle`, `alibaba`, `digitalocean`, `hetzner`, `linode`,
    /// `vultr`, `scaleway`, `upcloud`, `exoscale`, `cloudsigma`, `openstack`, `huawei`,
    /// `otc`.
    pub cloud: Option<String>,
    /// The instance type where DMI gives it (AWS `c5.large`).
    pub instance_type: Option<String>,
    /// The kind of guest, in words, where the hypervisor has kinds: Xen `dom0`,
    /// `PV domU`, `HVM domU`; PowerVM `shared LPAR`, `dedicated LPAR`; LDoms
    /// `guest domain`, `control domain`; or the product on KVM (`Nutanix AHV`, `RHEV`,
    /// `kvmtool`).
    pub virtualization_detail: Option<String>,
    /// A few words more about the container: the WSL generation (`WSL 1`, `WSL 2`),
    /// the runtime under a Kubernetes pod (`CRI-O`, `containerd`, `Docker`).
    pub container_detail: Option<String>,
    /// What was seen, one fact a line (`DMI sys_vendor "Amazon EC2"`,
    /// `/.dockerenv exists`): the reasons for the verdict, for a person to check.
    pub evidence: Vec<String>,
}

impl Platform {
    /// Words a person uses: "AWS EC2 c5.large (KVM)", "Docker container on KVM",
    /// "Xen PV domU", "bare metal".
    pub fn describe(&self) -> String {
        let hypervisor = self.virtualization.as_deref().map(|id| (Hypervisor::from_id(id), id));
        let detail = self.virtualization_detail.as_deref();
        // "KVM", "Xen PV domU": the hypervisor as the object of "on" or "(…)".
        let hypervisor_words = hypervisor.map(|(h, id)| match (h, detail) {
            (Some(h), Some(d)) if h.detail_is_guest_kind() => format!("{} {d}", h.name()),
            (Some(h), _) => h.name().to_string(),
            (None, _) => id.to_string(),
        });
        let cloud_words = self.cloud.as_deref().map(|id| {
            let name = Cloud::from_id(id).map_or(id, |c| c.name());
            let instance = self.instance_type.as_deref().map(|t| format!(" {t}")).unwrap_or_default();
            let under = hypervisor_words.as_deref().unwrap_or("bare metal");
            format!("{name}{instance} ({under})")
        });
        let unknown = hypervisor.is_some_and(|(h, _)| h == Some(Hypervisor::Other));
        if let Some(id) = self.container.as_deref() {
            let kind = Container::from_id(id);
            let noun = match (kind, self.container_detail.as_deref()) {
                (Some(Container::Wsl), Some(generation)) => generation.to_string(),
                (Some(Container::Kubernetes), Some(runtime)) => format!("Kubernetes pod ({runtime})"),
                (Some(c), _) => c.noun().to_string(),
                (None, _) => format!("{id} container"),
            };
            let host = cloud_words
                .or_else(|| if unknown { Some("a VM (unknown hypervisor)".to_string()) } else { hypervisor_words });
            return match host {
                Some(host) => format!("{noun} on {host}"),
                None => noun,
            };
        }
        if let Some(words) = cloud_words {
            return words;
        }
        let Some((kind, id)) = hypervisor else { return "bare metal".to_string() };
        match (kind, detail) {
            (Some(Hypervisor::Other), _) => "VM (unknown hypervisor)".to_string(),
            (Some(h), Some(_)) if h.detail_is_guest_kind() => hypervisor_words.unwrap_or_default(),
            (Some(h), Some(d)) => format!("{} VM ({d})", h.name()),
            (Some(Hypervisor::Zvm), None) => "z/VM guest".to_string(),
            (Some(h), None) => format!("{} VM", h.name()),
            (None, _) => format!("{id} VM"),
        }
    }
}

pub fn collect(source: &Source) -> Platform {
    let mut evidence = Vec::new();
    let dmi = Dmi::read(source);
    let arch = source.sys.uname().map(|u| u.machine).unwrap_or_default();
    let cloud = cloud::detect(&dmi, &mut evidence);
    let inputs = hypervisor::Inputs { source, arch: &arch, dmi: &dmi, cloud, cpuid: source.sys.cpuid_hypervisor() };
    let guest = hypervisor::detect(&inputs, &mut evidence);
    let contained = container::detect(source, &mut evidence);
    // The cloud and the hypervisor may rest on the same DMI string.
    let mut seen = std::collections::HashSet::new();
    evidence.retain(|e| seen.insert(e.clone()));
    Platform {
        virtualization: guest.as_ref().map(|g| g.hypervisor.id().to_string()),
        virtualization_detail: guest.and_then(|g| g.detail),
        container: contained.as_ref().map(|c| c.container.id().to_string()),
        container_detail: contained.and_then(|c| c.detail),
        cloud: cloud.map(|c| c.id().to_string()),
        instance_type: cloud::instance_type(cloud, &dmi),
        evidence,
    }
}
