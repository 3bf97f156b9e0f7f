//! Which hypervisor, if any, this kernel runs under: DMI strings, `/proc/xen`, the
//! CPUID hypervisor leaf, `/sys/hypervisor/type`, the device tree (arm, POWER),
//! `/proc/sysinfo` (s390), `/proc/cpuinfo` (UML, POWER LPARs, PowerVM Lx86) and
//! `/dev/mdesc` (SPARC LDoms).
//!
//! The order follows systemd-detect-virt, so the two agree: DMI first where it names
//! a product CPUID would hide (VirtualBox, Amazon Nitro, Parallels, Google, Xen all
//! expose a KVM or Hyper-V CPUID signature), then UML and Xen PV, then CPUID, then the
//! rest of DMI, then the architecture-specific files. The last few steps go beyond
//! systemd (POWER LPARs without a device tree, LDoms, kvmtool, Lx86) to name what
//! virt-what names.

use super::cloud::{self, Cloud};
use super::dmi::Dmi;
use crate::source::Source;

/// A hypervisor ctop can name. Ids follow systemd-detect-virt where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Hypervisor {
    Kvm,
    Qemu,
    Amazon,
    Google,
    Xen,
    Vmware,
    Microsoft,
    Oracle,
    Parallels,
    Bhyve,
    Bochs,
    Zvm,
    PowerVm,
    Apple,
    Uml,
    Acrn,
    Qnx,
    Sre,
    OpenBsdVmm,
    Ldoms,
    Other,
}

impl Hypervisor {
    pub const ALL: [Hypervisor; 21] = [
        Hypervisor::Kvm,
        Hypervisor::Qemu,
        Hypervisor::Amazon,
        Hypervisor::Google,
        Hypervisor::Xen,
        Hypervisor::Vmware,
        Hypervisor::Microsoft,
        Hypervisor::Oracle,
        Hypervisor::Parallels,
        Hypervisor::Bhyve,
        Hypervisor::Bochs,
        Hypervisor::Zvm,
        Hypervisor::PowerVm,
        Hypervisor::Apple,
        Hypervisor::Uml,
        Hypervisor::Acrn,
        Hypervisor::Qnx,
        Hypervisor::Sre,
        Hypervisor::OpenBsdVmm,
        Hypervisor::Ldoms,
        Hypervisor::Other,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Hypervisor::Kvm => "kvm",
            Hypervisor::Qemu => "qemu",
            Hypervisor::Amazon => "amazon",
            Hypervisor::Google => "google",
            Hypervisor::Xen => "xen",
            Hypervisor::Vmware => "vmware",
            Hypervisor::Microsoft => "microsoft",
            Hypervisor::Oracle => "oracle",
            Hypervisor::Parallels => "parallels",
            Hypervisor::Bhyve => "bhyve",
            Hypervisor::Bochs => "bochs",
            Hypervisor::Zvm => "zvm",
            Hypervisor::PowerVm => "powervm",
            Hypervisor::Apple => "apple",
            Hypervisor::Uml => "uml",
            Hypervisor::Acrn => "acrn",
            Hypervisor::Qnx => "qnx",
            Hypervisor::Sre => "sre",
            Hypervisor::OpenBsdVmm => "vmm",
            Hypervisor::Ldoms => "ldoms",
            Hypervisor::Other => "vm-other",
        }
    }

    /// The name a person uses. Amazon's Nitro and Google's hypervisor are KVM.
    pub fn name(self) -> &'static str {
        match self {
            Hypervisor::Kvm | Hypervisor::Amazon | Hypervisor::Google => "KVM",
            Hypervisor::Qemu => "QEMU",
            Hypervisor::Xen => "Xen",
            Hypervisor::Vmware => "VMware",
            Hypervisor::Microsoft => "Hyper-V",
            Hypervisor::Oracle => "VirtualBox",
            Hypervisor::Parallels => "Parallels",
            Hypervisor::Bhyve => "bhyve",
            Hypervisor::Bochs => "Bochs",
            Hypervisor::Zvm => "z/VM",
            Hypervisor::PowerVm => "PowerVM",
            Hypervisor::Apple => "Apple Virtualization",
            Hypervisor::Uml => "User-Mode Linux",
            Hypervisor::Acrn => "ACRN",
            Hypervisor::Qnx => "QNX hypervisor",
            Hypervisor::Sre => "LMHS SRE",
            Hypervisor::OpenBsdVmm => "OpenBSD vmm",
            Hypervisor::Ldoms => "LDoms",
            Hypervisor::Other => "unknown hypervisor",
        }
    }

    pub fn from_id(id: &str) -> Option<Hypervisor> {
        Hypervisor::ALL.into_iter().find(|h| h.id() == id)
    }

    /// Whether this hypervisor's detail is the kind of guest, read after the name
    /// ("Xen PV domU", "PowerVM shared LPAR"), rather than a product note ("KVM (RHEV)").
    pub fn detail_is_guest_kind(self) -> bool {
        matches!(self, Hypervisor::Xen | Hypervisor::PowerVm | Hypervisor::Ldoms)
    }
}

/// The verdict: which hypervisor, and where it has kinds of guest, which kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Guest {
    pub hypervisor: Hypervisor,
    pub detail: Option<String>,
}

/// What the machine offers as evidence, read once.
pub(super) struct Inputs<'a> {
    pub source: &'a Source,
    /// `uname -m`.
    pub arch: &'a str,
    pub dmi: &'a Dmi,
    pub cloud: Option<Cloud>,
    /// The CPUID hypervisor vendor signature, as the seam returns it.
    pub cpuid: Option<String>,
}

pub(super) fn detect(inputs: &Inputs, evidence: &mut Vec<String>) -> Option<Guest> {
    let cpuinfo = CpuInfo::read(inputs.source);
    let xen_dom0 = inputs.source.exists("/proc/xen") && is_xen_dom0(inputs.source, evidence);
    let found = find(inputs, &cpuinfo, xen_dom0, evidence)?;
    let detail = detail(found, inputs, &cpuinfo, xen_dom0, evidence);
    Some(Guest { hypervisor: found, detail })
}

fn find(inputs: &Inputs, cpuinfo: &CpuInfo, xen_dom0: bool, evidence: &mut Vec<String>) -> Option<Hypervisor> {
    let source = inputs.source;
    let dmi = from_dmi(inputs, cpuinfo, evidence);
    use Hypervisor::*;
    // These products expose another hypervisor's CPUID signature (KVM, Hyper-V): the
    // firmware strings are the more specific truth.
    if let Some(h @ (Oracle | Xen | Amazon | Parallels | Google)) = dmi {
        return Some(h);
    }
    if cpuinfo.vendor_id.as_deref().is_some_and(|v| v.starts_with("User Mode Linux")) {
        evidence.push("/proc/cpuinfo vendor_id \"User Mode Linux\"".into());
        return Some(Uml);
    }
    // Xen PV guests do not see a Xen CPUID signature; /proc/xen says Xen. A dom0 may
    // itself be nested in another hypervisor, which CPUID would then name.
    if source.exists("/proc/xen") {
        evidence.push("/proc/xen exists".into());
        if !xen_dom0 {
            return Some(Xen);
        }
    }
    let mut hyperv = false;
    let mut other = false;
    match from_cpuid(inputs.cpuid.as_deref(), evidence) {
        CpuidSays::Hypervisor(Microsoft) => hyperv = true,
        CpuidSays::Hypervisor(h) => return Some(h),
        CpuidSays::Unknown => other = true,
        CpuidSays::Nothing => {}
    }
    if xen_dom0 {
        return Some(Xen);
    }
    if let Some(h) = dmi {
        return Some(h);
    }
    if cpuinfo.hypervisor_flag {
        evidence.push("/proc/cpuinfo flags include \"hypervisor\"".into());
        other = true;
    }
    match source.read_trimmed("/sys/hypervisor/type").as_deref() {
        Some("xen") => {
            evidence.push("/sys/hypervisor/type \"xen\"".into());
            return Some(Xen);
        }
        Some(t) => {
            evidence.push(format!("/sys/hypervisor/type \"{t}\""));
            other = true;
        }
        None => {}
    }
    let later = from_device_tree(source, evidence)
        .or_else(|| from_s390_sysinfo(source, evidence))
        .or_else(|| from_power_cpuinfo(cpuinfo, evidence))
        .or_else(|| from_sparc_mdesc(inputs, evidence))
        .or_else(|| from_xen_bus(source, evidence));
    match later {
        Some(Other) => other = true,
        Some(h) => return Some(h),
        None => {}
    }
    if inputs.dmi.vm_bit == Some(true) {
        evidence.push("SMBIOS BIOS characteristics: virtual machine".into());
        other = true;
    }
    if !other
        && !hyperv
        && !has_cpuid(inputs.arch)
        && let Some(c) = inputs.cloud.filter(|c| c.sells_only_kvm_guests())
    {
        evidence.push(format!("{} virtual machines are KVM guests (no CPUID on {})", c.name(), inputs.arch));
        return Some(Kvm);
    }
    if hyperv {
        Some(Microsoft)
    } else if other {
        Some(Other)
    } else {
        None
    }
}

/// The vendor strings that name a hypervisor, tried in systemd-detect-virt's order of
/// files, each by prefix.
const DMI_VENDORS: &[(&str, Hypervisor)] = &[
    ("KVM", Hypervisor::Kvm),
    ("OpenStack", Hypervisor::Kvm),
    ("KubeVirt", Hypervisor::Kvm),
    ("Amazon EC2", Hypervisor::Amazon),
    ("QEMU", Hypervisor::Qemu),
    ("VMware", Hypervisor::Vmware),
    ("VMW", Hypervisor::Vmware),
    ("innotek GmbH", Hypervisor::Oracle),
    ("VirtualBox", Hypervisor::Oracle),
    ("Oracle Corporation", Hypervisor::Oracle),
    ("Xen", Hypervisor::Xen),
    ("Bochs", Hypervisor::Bochs),
    ("Parallels", Hypervisor::Parallels),
    ("BHYVE", Hypervisor::Bhyve),
    ("Hyper-V", Hypervisor::Microsoft),
    ("Apple Virtualization", Hypervisor::Apple),
    ("Google Compute Engine", Hypervisor::Google),
];

fn from_dmi(inputs: &Inputs, cpuinfo: &CpuInfo, evidence: &mut Vec<String>) -> Option<Hypervisor> {
    let dmi = inputs.dmi;
    let (file, value, found) = dmi.vendor_strings().into_iter().find_map(|(file, value)| {
        let value = value?;
        DMI_VENDORS.iter().find(|(prefix, _)| value.starts_with(prefix)).map(|&(_, h)| (file, value, h))
    })?;
    evidence.push(format!("DMI {file} \"{value}\""));
    match found {
        // EC2 bare-metal instances carry the same strings as its VMs.
        Hypervisor::Amazon => match dmi.vm_bit {
            Some(true) => Some(found),
            Some(false) => {
                evidence.push("SMBIOS BIOS characteristics: not a virtual machine".into());
                None
            }
            None => match cloud::instance_type(inputs.cloud, dmi) {
                Some(t) if cloud::is_aws_metal(&t) => {
                    evidence.push(format!("EC2 instance type {t} is bare metal"));
                    None
                }
                _ => Some(found),
            },
        },
        // Old QEMU (without KVM) shipped SeaBIOS with Bochs strings; the CPU model
        // names QEMU.
        Hypervisor::Bochs if cpuinfo.model_name.as_deref().is_some_and(|m| m.contains("QEMU")) => {
            evidence.push(format!("/proc/cpuinfo model name \"{}\"", cpuinfo.model_name.as_deref().unwrap_or("")));
            Some(Hypervisor::Qemu)
        }
        _ => Some(found),
    }
}

enum CpuidSays {
    Hypervisor(Hypervisor),
    /// A hypervisor that signs with a name ctop does not know.
    Unknown,
    Nothing,
}

/// CPUID leaf 0x40000000 vendor signatures.
const CPUID_SIGNATURES: &[(&str, Hypervisor)] = &[
    ("XenVMMXenVMM", Hypervisor::Xen),
    ("KVMKVMKVM", Hypervisor::Kvm),
    // QEMU with KVM and Hyper-V enlightenments.
    ("Linux KVM Hv", Hypervisor::Kvm),
    // kvmtool.
    ("LKVMLKVMLKVM", Hypervisor::Kvm),
    // QEMU without KVM (TCG).
    ("TCGTCGTCGTCG", Hypervisor::Qemu),
    ("VMwareVMware", Hypervisor::Vmware),
    ("Microsoft Hv", Hypervisor::Microsoft),
    ("bhyve bhyve", Hypervisor::Bhyve),
    ("QNXQVMBSQG", Hypervisor::Qnx),
    ("ACRNACRNACRN", Hypervisor::Acrn),
    ("SRESRESRESRE", Hypervisor::Sre),
    ("Apple VZ", Hypervisor::Apple),
    ("VBoxVBoxVBox", Hypervisor::Oracle),
    ("lrpepyh  vr", Hypervisor::Parallels),
    ("prl hyperv", Hypervisor::Parallels),
    ("OpenBSDVMM58", Hypervisor::OpenBsdVmm),
];

fn from_cpuid(signature: Option<&str>, evidence: &mut Vec<String>) -> CpuidSays {
    let Some(raw) = signature else { return CpuidSays::Nothing };
    let sig = raw.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    if let Some(&(_, h)) = CPUID_SIGNATURES.iter().find(|(s, _)| *s == sig) {
        evidence.push(format!("CPUID hypervisor signature \"{sig}\""));
        return CpuidSays::Hypervisor(h);
    }
    // A vendor signature is a dozen printable characters. One or two bytes of
    // something else is what a CPU without a hypervisor leaf returns for it (the data
    // of its highest basic leaf), not a hypervisor.
    let plausible = sig.len() >= 4 && sig.chars().all(|c| c.is_ascii_graphic() || c == ' ');
    if plausible {
        evidence.push(format!("CPUID hypervisor signature \"{sig}\" (unknown vendor)"));
        CpuidSays::Unknown
    } else {
        CpuidSays::Nothing
    }
}

/// `control_d` in /proc/xen/capabilities, or the XENFEAT_dom0 bit (11) in the
/// features Xen publishes in sysfs.
fn is_xen_dom0(source: &Source, evidence: &mut Vec<String>) -> bool {
    const XENFEAT_DOM0: u32 = 11;
    let features = source.read_trimmed("/sys/hypervisor/properties/features");
    if let Some(bits) = features.as_deref().and_then(|f| u64::from_str_radix(f, 16).ok()) {
        let dom0 = bits & (1 << XENFEAT_DOM0) != 0;
        if dom0 {
            evidence.push("/sys/hypervisor/properties/features has XENFEAT_dom0".into());
        }
        return dom0;
    }
    let caps = source.read_trimmed("/proc/xen/capabilities").unwrap_or_default();
    let dom0 = caps.split(',').any(|c| c.trim() == "control_d");
    if dom0 {
        evidence.push("/proc/xen/capabilities \"control_d\"".into());
    }
    dom0
}

fn from_device_tree(source: &Source, evidence: &mut Vec<String>) -> Option<Hypervisor> {
    if let Some(compatible) = read_dt_strings(source, "/proc/device-tree/hypervisor/compatible") {
        evidence.push(format!("/proc/device-tree/hypervisor/compatible \"{}\"", compatible.join(",")));
        return Some(if compatible.iter().any(|c| c == "linux,kvm") {
            Hypervisor::Kvm
        } else if compatible.iter().any(|c| c.contains("xen")) {
            Hypervisor::Xen
        } else if compatible.iter().any(|c| c.contains("vmware")) {
            Hypervisor::Vmware
        } else {
            Hypervisor::Other
        });
    }
    let dt = |p: &str| source.exists(format!("/proc/device-tree/{p}"));
    if dt("ibm,partition-name") && dt("hmc-managed?") && !dt("chosen/qemu,graphic-width") {
        evidence.push("/proc/device-tree: an HMC-managed partition".into());
        return Some(Hypervisor::PowerVm);
    }
    let fw_cfg = std::fs::read_dir(source.path("/proc/device-tree"))
        .ok()?
        .flatten()
        .find(|e| e.file_name().to_string_lossy().contains("fw-cfg"));
    if let Some(entry) = fw_cfg {
        evidence.push(format!("/proc/device-tree/{} exists", entry.file_name().to_string_lossy()));
        return Some(Hypervisor::Qemu);
    }
    let compatible = read_dt_strings(source, "/proc/device-tree/compatible")?;
    let guest = if compatible.iter().any(|c| c == "qemu,pseries") {
        Hypervisor::Qemu
    } else if compatible.iter().any(|c| c == "linux,dummy-virt") {
        // The board kvmtool describes; QEMU's "virt" board says the same but always
        // has a fw-cfg node, checked above.
        Hypervisor::Kvm
    } else {
        return None;
    };
    evidence.push(format!("/proc/device-tree/compatible \"{}\"", compatible.join(",")));
    Some(guest)
}

/// A device-tree string-list property: NUL-separated strings.
fn read_dt_strings(source: &Source, path: &str) -> Option<Vec<String>> {
    let raw = std::fs::read(source.path(path)).ok()?;
    let list: Vec<String> = raw
        .split(|&b| b == 0 || b == b'\n')
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect();
    (!list.is_empty()).then_some(list)
}

/// s390: a guest's /proc/sysinfo names its control program (`z/VM 7.3.0`, `KVM/Linux`).
fn from_s390_sysinfo(source: &Source, evidence: &mut Vec<String>) -> Option<Hypervisor> {
    let sysinfo = source.read("/proc/sysinfo").ok()?;
    let program = sysinfo.lines().find_map(|l| l.strip_prefix("VM00 Control Program:"))?.trim();
    evidence.push(format!("/proc/sysinfo VM00 Control Program \"{program}\""));
    Some(if program.starts_with("z/VM") { Hypervisor::Zvm } else { Hypervisor::Kvm })
}

/// POWER: `platform : pSeries` is a guest (a PowerVM LPAR, or KVM where QEMU says it
/// emulates the machine); `PowerNV` is bare metal. PowerVM Lx86 (x86 Linux binaries
/// translated on a POWER LPAR) names itself as the CPU vendor.
fn from_power_cpuinfo(cpuinfo: &CpuInfo, evidence: &mut Vec<String>) -> Option<Hypervisor> {
    if cpuinfo.vendor_id.as_deref().is_some_and(|v| v.contains("PowerVM Lx86")) {
        evidence.push("/proc/cpuinfo vendor_id \"PowerVM Lx86\"".into());
        return Some(Hypervisor::PowerVm);
    }
    if cpuinfo.platform.as_deref() != Some("pSeries") {
        return None;
    }
    evidence.push("/proc/cpuinfo platform \"pSeries\"".into());
    let model = cpuinfo.model.as_deref().unwrap_or("");
    if model.contains("emulated by qemu") {
        evidence.push(format!("/proc/cpuinfo model \"{model}\""));
        Some(Hypervisor::Kvm)
    } else {
        Some(Hypervisor::PowerVm)
    }
}

/// SPARC Logical Domains: the machine description device exists in every domain.
fn from_sparc_mdesc(inputs: &Inputs, evidence: &mut Vec<String>) -> Option<Hypervisor> {
    if !inputs.arch.starts_with("sparc") || !inputs.source.exists("/dev/mdesc") {
        return None;
    }
    evidence.push("/dev/mdesc exists on sparc".into());
    Some(Hypervisor::Ldoms)
}

/// The Xen bus without the backend bus: a guest with Xen PV drivers (how virt-what
/// tells an ia64 Xen HVM guest, which has no CPUID leaf to ask).
fn from_xen_bus(source: &Source, evidence: &mut Vec<String>) -> Option<Hypervisor> {
    if !source.exists("/sys/bus/xen") || source.exists("/sys/bus/xen-backend") {
        return None;
    }
    evidence.push("/sys/bus/xen exists without /sys/bus/xen-backend".into());
    Some(Hypervisor::Xen)
}

/// The kind of guest where the hypervisor has kinds, or the product built on it.
fn detail(
    found: Hypervisor,
    inputs: &Inputs,
    cpuinfo: &CpuInfo,
    xen_dom0: bool,
    evidence: &mut Vec<String>,
) -> Option<String> {
    let source = inputs.source;
    let dmi = inputs.dmi;
    let x86 = has_cpuid(inputs.arch);
    match found {
        Hypervisor::Xen => {
            if xen_dom0 {
                Some("dom0".into())
            } else if x86 {
                // A PV guest boots without firmware, so without DMI tables; an HVM guest
                // has the BIOS Xen emulates.
                if !dmi.present() {
                    evidence.push("no DMI tables: a paravirtualized guest".into());
                }
                Some(if dmi.present() { "HVM domU" } else { "PV domU" }.into())
            } else if inputs.arch == "ia64" {
                Some("HVM domU".into())
            } else {
                None
            }
        }
        Hypervisor::PowerVm => {
            if cpuinfo.vendor_id.as_deref().is_some_and(|v| v.contains("PowerVM Lx86")) {
                return Some("Lx86 (x86 emulation)".into());
            }
            let lparcfg = source.read("/proc/ppc64/lparcfg").unwrap_or_default();
            let mode = lparcfg.lines().find_map(|l| l.strip_prefix("shared_processor_mode="));
            Some(
                match mode.map(str::trim) {
                    Some("1") => "shared LPAR",
                    Some("0") => "dedicated LPAR",
                    _ => "LPAR",
                }
                .into(),
            )
        }
        Hypervisor::Ldoms => {
            let control = source.exists("/sys/class/vlds/ctrl") && source.exists("/sys/class/vlds/sp");
            Some(if control { "control domain" } else { "guest domain" }.into())
        }
        Hypervisor::Kvm => kvm_product(inputs),
        _ => None,
    }
}

/// Products built on KVM that name themselves in DMI or CPUID.
fn kvm_product(inputs: &Inputs) -> Option<String> {
    let dmi = inputs.dmi;
    let sig = inputs.cpuid.as_deref().map(str::trim);
    let dt_compat = read_dt_strings(inputs.source, "/proc/device-tree/compatible").unwrap_or_default();
    let product = if dmi.sys_vendor.as_deref() == Some("Nutanix") {
        "Nutanix AHV"
    } else if dmi.product_name.as_deref().is_some_and(|p| p.starts_with("RHEV")) {
        "RHEV"
    } else if dmi.sys_vendor.as_deref() == Some("oVirt") {
        "oVirt"
    } else if sig == Some("LKVMLKVMLKVM") || dt_compat.iter().any(|c| c == "linux,dummy-virt") {
        "kvmtool"
    } else {
        return None;
    };
    Some(product.into())
}

/// Only x86 has the CPUID instruction to ask.
fn has_cpuid(arch: &str) -> bool {
    matches!(arch, "x86_64" | "i386" | "i486" | "i586" | "i686" | "x86")
}

/// The few /proc/cpuinfo lines that name a hypervisor. Each is the first occurrence
/// (per-CPU lines repeat; POWER's machine lines come once at the end).
#[derive(Default)]
struct CpuInfo {
    vendor_id: Option<String>,
    model_name: Option<String>,
    model: Option<String>,
    platform: Option<String>,
    hypervisor_flag: bool,
}

impl CpuInfo {
    fn read(source: &Source) -> Self {
        let mut info = CpuInfo::default();
        let Ok(text) = source.read("/proc/cpuinfo") else { return info };
        let mut flags_seen = false;
        for (key, value) in text.lines().filter_map(|l| l.split_once(':')) {
            let value = value.trim();
            let slot = match key.trim() {
                "vendor_id" => &mut info.vendor_id,
                "model name" => &mut info.model_name,
                "model" => &mut info.model,
                "platform" => &mut info.platform,
                "flags" if !flags_seen => {
                    flags_seen = true;
                    info.hypervisor_flag = value.split_whitespace().any(|f| f == "hypervisor");
                    continue;
                }
                _ => continue,
            };
            if slot.is_none() && !value.is_empty() {
                *slot = Some(value.to_string());
            }
        }
        info
    }
}
