//! The firmware's (SMBIOS/DMI) description of the machine, from the world-readable
//! files in `/sys/class/dmi/id/`, plus the one root-only bit that says "this is a
//! virtual machine" (`/sys/firmware/dmi/entries/0-0/raw`).

use crate::source::Source;

/// The DMI strings that name a hypervisor or a cloud. Each is `None` where the file is
/// missing, unreadable or empty (containers and most non-x86 machines have none).
#[derive(Debug, Default)]
pub(super) struct Dmi {
    pub sys_vendor: Option<String>,
    pub product_name: Option<String>,
    pub product_version: Option<String>,
    pub board_vendor: Option<String>,
    pub bios_vendor: Option<String>,
    pub bios_version: Option<String>,
    pub chassis_asset_tag: Option<String>,
    /// SMBIOS BIOS characteristics extension byte 2, bit 4 "virtual machine": readable
    /// by root only; `None` when unknown.
    pub vm_bit: Option<bool>,
}

impl Dmi {
    pub fn read(source: &Source) -> Self {
        let field = |name: &str| source.read_trimmed(format!("/sys/class/dmi/id/{name}"));
        Dmi {
            sys_vendor: field("sys_vendor"),
            product_name: field("product_name"),
            product_version: field("product_version"),
            board_vendor: field("board_vendor"),
            bios_vendor: field("bios_vendor"),
            bios_version: field("bios_version"),
            chassis_asset_tag: field("chassis_asset_tag"),
            vm_bit: read_vm_bit(source),
        }
    }

    /// Whether the firmware describes anything at all (a Xen PV guest or a container
    /// on a DMI-less host has no tables).
    pub fn present(&self) -> bool {
        self.sys_vendor.is_some() || self.product_name.is_some() || self.bios_vendor.is_some()
    }

    /// The vendor-ish strings in the order systemd-detect-virt tries them: the product
    /// name first (it tells KVM from the QEMU that sys_vendor names), the Hyper-V
    /// version string last.
    pub fn vendor_strings(&self) -> [(&'static str, Option<&str>); 5] {
        [
            ("product_name", self.product_name.as_deref()),
            ("sys_vendor", self.sys_vendor.as_deref()),
            ("board_vendor", self.board_vendor.as_deref()),
            ("bios_vendor", self.bios_vendor.as_deref()),
            ("product_version", self.product_version.as_deref()),
        ]
    }
}

/// The BIOS information structure (type 0) is 0x12 bytes plus extension bytes; the
/// "virtual machine" flag is bit 4 of the second extension byte (offset 0x13), per
/// DMTF DSP0134 §7.1.2.2. Absent or short tables say nothing.
fn read_vm_bit(source: &Source) -> Option<bool> {
    let raw = std::fs::read(source.path("/sys/firmware/dmi/entries/0-0/raw")).ok()?;
    if raw.len() < 20 || raw[1] < 20 {
        return None;
    }
    Some(raw[19] & (1 << 4) != 0)
}
