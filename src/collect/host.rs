//! Identity: hostname, kernel (the `uname -a` fields) and distribution.
//!
//! On the live root these come from uname(2); under `--root` from the files that
//! hold the same facts (`/proc/sys/kernel/*`, `/etc/hostname`), so a mounted disk
//! image shows its own identity, not the rescuing machine's.

use crate::collect::distro::{self, Distro};
use crate::source::Source;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Host {
    pub hostname: Option<String>,
    /// `Linux`.
    pub kernel_name: Option<String>,
    /// `6.1.0-18-amd64`, as `uname -r`.
    pub kernel_release: Option<String>,
    /// `#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)`, as `uname -v`.
    pub kernel_version: Option<String>,
    /// `x86_64`, `aarch64` …, as `uname -m`.
    pub arch: Option<String>,
    pub distro: Distro,
}

pub fn collect(source: &Source) -> Host {
    let distro = distro::collect(source);
    let uname = source.sys.uname().ok();
    if source.is_live_root()
        && let Some(u) = uname
    {
        let some = |s: String| (!s.is_empty()).then_some(s);
        return Host {
            hostname: some(u.nodename),
            kernel_name: some(u.sysname),
            kernel_release: some(u.release),
            kernel_version: some(u.version),
            arch: some(u.machine),
            distro,
        };
    }
    Host {
        hostname: source.read_trimmed("/proc/sys/kernel/hostname").or_else(|| source.read_trimmed("/etc/hostname")),
        kernel_name: source.read_trimmed("/proc/sys/kernel/ostype"),
        kernel_release: source.read_trimmed("/proc/sys/kernel/osrelease"),
        kernel_version: source.read_trimmed("/proc/sys/kernel/version"),
        // Only newer kernels expose the architecture as a file.
        arch: source.read_trimmed("/proc/sys/kernel/arch"),
        distro,
    }
}
