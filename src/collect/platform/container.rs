//! Whether this runs in a container, and whose: OpenVZ's `/proc/vz`, WSL's kernel
//! release, the container manager's own word (`/run/host/container-manager`,
//! `/run/systemd/container`, `container=` in PID 1's environment where readable),
//! the marker files Podman and Docker leave (`/run/.containerenv`, `/.dockerenv`),
//! cgroup paths, Linux-VServer's context id, and Kubernetes' service-account mount.
//! The order follows systemd-detect-virt: a manager's explicit word beats a marker
//! file that may have been copied into an image.

use crate::source::Source;

/// A container kind ctop can name. Ids follow systemd-detect-virt where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Container {
    Docker,
    Podman,
    Lxc,
    LxcLibvirt,
    SystemdNspawn,
    Kubernetes,
    Containerd,
    CriO,
    OpenVz,
    Wsl,
    Rkt,
    Pouch,
    Proot,
    IllumosLx,
    LinuxVserver,
    Other,
}

impl Container {
    pub const ALL: [Container; 16] = [
        Container::Docker,
        Container::Podman,
        Container::Lxc,
        Container::LxcLibvirt,
        Container::SystemdNspawn,
        Container::Kubernetes,
        Container::Containerd,
        Container::CriO,
        Container::OpenVz,
        Container::Wsl,
        Container::Rkt,
        Container::Pouch,
        Container::Proot,
        Container::IllumosLx,
        Container::LinuxVserver,
        Container::Other,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Container::Docker => "docker",
            Container::Podman => "podman",
            Container::Lxc => "lxc",
            Container::LxcLibvirt => "lxc-libvirt",
            Container::SystemdNspawn => "systemd-nspawn",
            Container::Kubernetes => "kubernetes",
            Container::Containerd => "containerd",
            Container::CriO => "cri-o",
            Container::OpenVz => "openvz",
            Container::Wsl => "wsl",
            Container::Rkt => "rkt",
            Container::Pouch => "pouch",
            Container::Proot => "proot",
            Container::IllumosLx => "illumos-lx",
            Container::LinuxVserver => "linux-vserver",
            Container::Other => "container-other",
        }
    }

    /// What a person calls one.
    pub fn noun(self) -> &'static str {
        match self {
            Container::Docker => "Docker container",
            Container::Podman => "Podman container",
            Container::Lxc => "LXC container",
            Container::LxcLibvirt => "libvirt LXC container",
            Container::SystemdNspawn => "systemd-nspawn container",
            Container::Kubernetes => "Kubernetes pod",
            Container::Containerd => "containerd container",
            Container::CriO => "CRI-O container",
            Container::OpenVz => "OpenVZ container",
            Container::Wsl => "WSL",
            Container::Rkt => "rkt container",
            Container::Pouch => "PouchContainer container",
            Container::Proot => "proot environment",
            Container::IllumosLx => "illumos LX zone",
            Container::LinuxVserver => "Linux-VServer guest",
            Container::Other => "container (unknown runtime)",
        }
    }

    /// The runtime's own name, as a detail under a Kubernetes pod.
    fn runtime_name(self) -> Option<&'static str> {
        match self {
            Container::Docker => Some("Docker"),
            Container::Containerd => Some("containerd"),
            Container::CriO => Some("CRI-O"),
            Container::Podman => Some("Podman"),
            _ => None,
        }
    }

    pub fn from_id(id: &str) -> Option<Container> {
        Container::ALL.into_iter().find(|c| c.id() == id)
    }
}

/// The verdict: which container, with a few words more where known (the WSL
/// generation, the runtime under a Kubernetes pod).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Contained {
    pub container: Container,
    pub detail: Option<String>,
}

pub(super) fn detect(source: &Source, evidence: &mut Vec<String>) -> Option<Contained> {
    // Readable by root only (and not always then); values need not be UTF-8.
    let pid1_environ =
        std::fs::read(source.path("/proc/1/environ")).ok().map(|b| String::from_utf8_lossy(&b).into_owned());
    let cgroups = Cgroups::read(source);
    let base = find(source, pid1_environ.as_deref(), &cgroups, evidence);
    if kubernetes_pod(source, pid1_environ.as_deref(), &cgroups, evidence) {
        let runtime = base.as_ref().and_then(|c| c.container.runtime_name());
        return Some(Contained { container: Container::Kubernetes, detail: runtime.map(String::from) });
    }
    base
}

fn find(
    source: &Source,
    pid1_environ: Option<&str>,
    cgroups: &Cgroups,
    evidence: &mut Vec<String>,
) -> Option<Contained> {
    let plain = |container| Some(Contained { container, detail: None });
    // /proc/vz exists inside and outside OpenVZ containers, /proc/bc only outside.
    if source.exists("/proc/vz") && !source.exists("/proc/bc") {
        evidence.push("/proc/vz exists without /proc/bc".into());
        return plain(Container::OpenVz);
    }
    if let Some(wsl) = wsl_generation(source, evidence) {
        return Some(Contained { container: Container::Wsl, detail: Some(wsl.into()) });
    }
    let manager_says = [
        ("/run/host/container-manager", source.read("/run/host/container-manager").ok()),
        ("/run/systemd/container", source.read("/run/systemd/container").ok()),
        ("$container of PID 1", pid1_environ.and_then(container_variable).map(String::from)),
    ];
    for (whence, said) in manager_says {
        let Some(name) = said.as_deref().and_then(|s| s.lines().next()).map(str::trim) else { continue };
        // A manager name is one word; anything else there is not what the interface
        // promises, so it is no evidence.
        if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == '/' || c == '#') {
            continue;
        }
        evidence.push(format!("{whence} \"{name}\""));
        let container = match name {
            "oci" => marker_files(source, evidence).or_else(|| cgroups.runtime(evidence)).unwrap_or(Container::Other),
            "zone" if brandz_kernel(source) => Container::IllumosLx,
            _ => from_manager_name(name),
        };
        return plain(container);
    }
    if let Some(container) = marker_files(source, evidence).or_else(|| cgroups.runtime(evidence)) {
        return plain(container);
    }
    if linux_vserver_guest(source, evidence) {
        return plain(Container::LinuxVserver);
    }
    if in_cgroup_namespace(source) {
        evidence.push("inside a cgroup namespace".into());
        return plain(Container::Other);
    }
    None
}

/// The names container managers put in `$container` (systemd's container interface).
fn from_manager_name(name: &str) -> Container {
    match name {
        "crio" | "cri-o" => Container::CriO,
        other => Container::ALL
            .into_iter()
            .find(|c| c.id() == other && *c != Container::Kubernetes)
            .unwrap_or(Container::Other),
    }
}

/// The value of `container=` in a NUL-separated environment block.
fn container_variable(environ: &str) -> Option<&str> {
    environ.split('\0').find_map(|kv| kv.strip_prefix("container="))
}

fn environ_has(environ: Option<&str>, name: &str) -> bool {
    environ.is_some_and(|e| e.split('\0').any(|kv| kv.split_once('=').is_some_and(|(k, _)| k == name)))
}

/// Podman leaves /run/.containerenv, Docker /.dockerenv (and /.dockerinit, long ago).
fn marker_files(source: &Source, evidence: &mut Vec<String>) -> Option<Container> {
    let found = [
        ("/run/.containerenv", Container::Podman),
        ("/.dockerenv", Container::Docker),
        ("/.dockerinit", Container::Docker),
    ]
    .into_iter()
    .find(|(path, _)| source.exists(path))?;
    evidence.push(format!("{} exists", found.0));
    Some(found.1)
}

/// WSL's kernels say so in their release: "4.4.0-19041-Microsoft" (WSL 1, no kernel of
/// its own), "5.15.153.1-microsoft-standard-WSL2" (WSL 2, a Hyper-V VM).
fn wsl_generation(source: &Source, evidence: &mut Vec<String>) -> Option<&'static str> {
    let release = source.read_trimmed("/proc/sys/kernel/osrelease")?;
    let generation = if release.contains("WSL2") || release.contains("microsoft-standard") {
        "WSL 2"
    } else if release.contains("Microsoft") || release.contains("WSL") {
        "WSL 1"
    } else {
        return None;
    };
    evidence.push(format!("/proc/sys/kernel/osrelease \"{release}\""));
    Some(generation)
}

/// illumos LX zones run Linux binaries on an illumos kernel that says so.
fn brandz_kernel(source: &Source) -> bool {
    source.read("/proc/version").is_ok_and(|v| v.contains("BrandZ virtual linux"))
}

/// A non-zero Linux-VServer context id (0 is the host).
fn linux_vserver_guest(source: &Source, evidence: &mut Vec<String>) -> bool {
    let Ok(status) = source.read("/proc/self/status") else { return false };
    let Some(vxid) = status.lines().find_map(|l| l.strip_prefix("VxID:")).map(str::trim) else { return false };
    let guest = vxid != "0";
    if guest {
        evidence.push(format!("/proc/self/status VxID {vxid}"));
    }
    guest
}

/// A pod: the service-account mount, a kubepods cgroup, or the service variables the
/// kubelet gives every container's first process.
fn kubernetes_pod(source: &Source, pid1_environ: Option<&str>, cgroups: &Cgroups, evidence: &mut Vec<String>) -> bool {
    if let Some(dir) =
        ["/var/run/secrets/kubernetes.io", "/run/secrets/kubernetes.io"].into_iter().find(|d| source.exists(d))
    {
        evidence.push(format!("{dir} exists"));
        return true;
    }
    if cgroups.paths.iter().any(|p| p.contains("/kubepods")) {
        evidence.push("a kubepods cgroup".into());
        return true;
    }
    if environ_has(pid1_environ, "KUBERNETES_SERVICE_HOST") {
        evidence.push("KUBERNETES_SERVICE_HOST in PID 1's environment".into());
        return true;
    }
    false
}

/// systemd's test: in a cgroup namespace the root of /sys/fs/cgroup is not the real
/// root. cgroup v2: `cgroup.events` exists only in non-root cgroups (and `cgroup.type`
/// too on kernels that have `/sys/kernel/cgroup/features`); v1: `release_agent` exists
/// only in the root of the systemd hierarchy.
fn in_cgroup_namespace(source: &Source) -> bool {
    if !source.exists("/proc/self/ns/cgroup") {
        return false;
    }
    if source.exists("/sys/fs/cgroup/cgroup.controllers") {
        source.exists("/sys/fs/cgroup/cgroup.events")
            && (source.exists("/sys/fs/cgroup/cgroup.type") || !source.exists("/sys/kernel/cgroup/features"))
    } else {
        source.exists("/sys/fs/cgroup/systemd") && !source.exists("/sys/fs/cgroup/systemd/release_agent")
    }
}

/// The cgroup paths of this process and of PID 1 (v1 lines `N:controllers:/path`,
/// v2 `0::/path`).
struct Cgroups {
    paths: Vec<String>,
}

impl Cgroups {
    fn read(source: &Source) -> Self {
        let mut paths: Vec<String> = Vec::new();
        for file in ["/proc/self/cgroup", "/proc/1/cgroup"] {
            let Ok(text) = source.read(file) else { continue };
            for path in text.lines().filter_map(|l| l.splitn(3, ':').nth(2)) {
                if !paths.iter().any(|p| p == path) {
                    paths.push(path.to_string());
                }
            }
        }
        Cgroups { paths }
    }

    /// The runtime a cgroup path names: `/docker/<id>` or `docker-<id>.scope`,
    /// `libpod-<id>.scope`, `crio-<id>.scope`, `cri-containerd-<id>.scope`, `/lxc/<name>`
    /// or `lxc.payload.<name>`. Service units (`docker.service`) are the daemons on a
    /// host, not containers.
    fn runtime(&self, evidence: &mut Vec<String>) -> Option<Container> {
        let classify = |segment: &str, next: Option<&str>| {
            let scope = |prefix: &str| segment.starts_with(prefix) && segment.ends_with(".scope");
            if (segment == "docker" && next.is_some()) || scope("docker-") {
                Some(Container::Docker)
            } else if scope("libpod-") {
                Some(Container::Podman)
            } else if scope("crio-") {
                Some(Container::CriO)
            } else if scope("cri-containerd-") {
                Some(Container::Containerd)
            } else if (segment == "lxc" && next.is_some()) || segment.starts_with("lxc.payload") {
                Some(Container::Lxc)
            } else {
                None
            }
        };
        self.paths.iter().find_map(|path| {
            let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            let found = segments.iter().enumerate().find_map(|(i, s)| classify(s, segments.get(i + 1).copied()))?;
            evidence.push(format!("cgroup {path}"));
            Some(found)
        })
    }
}
