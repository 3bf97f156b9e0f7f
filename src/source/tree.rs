//! The syscall seam for another machine's files (`--root DIR`: a mounted disk image, a
//! fixture tree). What describes that machine — its kernel's uname fields and its
//! CPU's hypervisor signature — is read from the tree, never asked of the running
//! kernel and CPU, so a bare-metal tree read on a KVM guest is not called `kvm`. What
//! only a live kernel can answer still comes from this one: filesystem sizes
//! (statvfs of the tree's mount points), interface addresses and the clock.
//!
//! The tree may declare what no file in a real root holds, in the two files of
//! virt-what's test corpus (and `fixtures/virt/`) at its top:
//! - `cpuid.signature`: the CPUID leaf 0x40000000 vendor signature (`KVMKVMKVM`,
//!   `Microsoft Hv`; one trailing newline ignored; empty means no hypervisor leaf);
//!   without it the signature is unknown;
//! - `uname.machine`: the architecture (`x86_64`), else `/proc/sys/kernel/arch`.

use super::{FsStats, InterfaceAddress, LiveSystem, Syscalls, Uname};
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Syscall answers for the tree at `root`.
#[derive(Debug, Clone)]
pub struct TreeSystem {
    root: PathBuf,
}

impl TreeSystem {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// A file of the tree without its trailing newline; `None` when missing or unreadable.
    fn read(&self, relative: &str) -> Option<String> {
        let text = std::fs::read_to_string(self.root.join(relative)).ok()?;
        Some(text.strip_suffix('\n').unwrap_or(&text).to_string())
    }
}

impl Syscalls for TreeSystem {
    fn statvfs(&self, path: &Path, may_hang: Option<&str>) -> io::Result<FsStats> {
        LiveSystem.statvfs(path, may_hang)
    }

    fn interface_addresses(&self) -> io::Result<Vec<InterfaceAddress>> {
        LiveSystem.interface_addresses()
    }

    fn uname(&self) -> io::Result<Uname> {
        let kernel = |name: &str| self.read(&format!("proc/sys/kernel/{name}")).unwrap_or_default();
        Ok(Uname {
            sysname: kernel("ostype"),
            nodename: kernel("hostname"),
            release: kernel("osrelease"),
            version: kernel("version"),
            machine: self.read("uname.machine").map(|m| m.trim().to_string()).unwrap_or_else(|| kernel("arch")),
        })
    }

    fn now(&self) -> SystemTime {
        LiveSystem.now()
    }

    fn cpuid_hypervisor(&self) -> Option<String> {
        self.read("cpuid.signature").filter(|s| !s.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_declares_its_cpuid_and_architecture_or_they_are_unknown() {
        let dir = tempfile::tempdir().unwrap();
        let tree = TreeSystem::new(dir.path());
        assert_eq!(tree.cpuid_hypervisor(), None);
        assert_eq!(tree.uname().unwrap(), Uname::default());
        std::fs::write(dir.path().join("cpuid.signature"), "bhyve bhyve \n").unwrap();
        std::fs::write(dir.path().join("uname.machine"), "aarch64\n").unwrap();
        assert_eq!(tree.cpuid_hypervisor().as_deref(), Some("bhyve bhyve "));
        assert_eq!(tree.uname().unwrap().machine, "aarch64");
        std::fs::write(dir.path().join("cpuid.signature"), "\n").unwrap();
        assert_eq!(tree.cpuid_hypervisor(), None);
    }

    #[test]
    fn the_architecture_falls_back_to_the_kernel_s_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("proc/sys/kernel")).unwrap();
        std::fs::write(dir.path().join("proc/sys/kernel/arch"), "riscv64\n").unwrap();
        std::fs::write(dir.path().join("proc/sys/kernel/osrelease"), "6.1.0\n").unwrap();
        let uname = TreeSystem::new(dir.path()).uname().unwrap();
        assert_eq!((uname.machine.as_str(), uname.release.as_str()), ("riscv64", "6.1.0"));
    }
}
