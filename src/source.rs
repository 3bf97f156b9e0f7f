//! Where ctop reads the machine from: a root directory for the files (`/` on a live
//! machine, a fixture tree in tests, a mounted disk image with `--root`), and the few
//! facts that only a syscall gives (filesystem sizes, interface addresses, the clock,
//! uname, CPUID) behind the [`Syscalls`] trait, so tests can stand in for them.

mod tree;

pub use tree::TreeSystem;
mod statvfs_child;

use std::io;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// Sizes and inode counts of one mounted filesystem, as statvfs(2) gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FsStats {
    pub block_size: u64,
    pub blocks: u64,
    pub blocks_free: u64,
    pub blocks_avail: u64,
    pub inodes: u64,
    pub inodes_free: u64,
    pub read_only: bool,
}

/// One address assigned to an interface, as getifaddrs(3) gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceAddress {
    pub interface: String,
    pub ip: IpAddr,
    pub prefix_len: u8,
}

/// The fields of uname(2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Uname {
    pub sysname: String,
    pub nodename: String,
    pub release: String,
    pub version: String,
    pub machine: String,
}

/// The kernel clock's discipline, as adjtimex(2) reads it with modes 0 (read-only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClockDiscipline {
    /// `maxerror`: the kernel's bound on the clock's error, in µs; it grows by 500 µs
    /// a second until an NTP daemon sets it again, and stops at 16 s.
    pub max_error_us: i64,
    /// `status`: STA_UNSYNC and the other STA_* flags.
    pub status: i32,
}

/// What only a syscall (or an instruction) can tell. `Send + Sync` because collectors
/// run on worker threads.
pub trait Syscalls: Send + Sync {
    /// statvfs(2) of a mount point. Where `may_hang` (a network or FUSE filesystem) it
    /// may block for ever: callers then run it off their thread with a deadline (see
    /// `collect::disks`). It then carries the filesystem's identity (mount point,
    /// device, numbers), which names the one check the whole machine keeps on it.
    fn statvfs(&self, path: &Path, may_hang: Option<&str>) -> io::Result<FsStats>;
    fn interface_addresses(&self) -> io::Result<Vec<InterfaceAddress>>;
    fn uname(&self) -> io::Result<Uname>;
    fn now(&self) -> SystemTime;
    /// The hypervisor vendor signature from CPUID leaf 0x40000000 (`KVMKVMKVM`,
    /// `Microsoft Hv`, …), `None` on bare metal or where the instruction does not exist.
    fn cpuid_hypervisor(&self) -> Option<String>;
    /// The kernel clock's discipline; `None` where it cannot be read (or is not asked).
    fn clock_discipline(&self) -> Option<ClockDiscipline> {
        None
    }
}

/// The running kernel, asked directly.
#[derive(Debug, Default, Clone, Copy)]
pub struct LiveSystem;

impl Syscalls for LiveSystem {
    fn statvfs(&self, path: &Path, may_hang: Option<&str>) -> io::Result<FsStats> {
        let st = match may_hang {
            Some(identity) => statvfs_child::statvfs_in_child(path, identity)?,
            None => statvfs_here(path)?,
        };
        let block_size = match st.f_frsize {
            0 => st.f_bsize,
            f => f,
        };
        Ok(FsStats {
            block_size: block_size as u64,
            blocks: st.f_blocks as u64,
            blocks_free: st.f_bfree as u64,
            blocks_avail: st.f_bavail as u64,
            inodes: st.f_files as u64,
            inodes_free: st.f_ffree as u64,
            read_only: st.f_flag & libc::ST_RDONLY != 0,
        })
    }

    fn interface_addresses(&self) -> io::Result<Vec<InterfaceAddress>> {
        let mut out = Vec::new();
        for ifa in nix::ifaddrs::getifaddrs().map_err(io::Error::from)? {
            let (Some(addr), Some(mask)) = (ifa.address, ifa.netmask) else {
                continue;
            };
            let (ip, prefix_len) = if let (Some(a), Some(m)) = (addr.as_sockaddr_in(), mask.as_sockaddr_in()) {
                (IpAddr::V4(a.ip()), m.ip().to_bits().count_ones() as u8)
            } else if let (Some(a), Some(m)) = (addr.as_sockaddr_in6(), mask.as_sockaddr_in6()) {
                (IpAddr::V6(a.ip()), m.ip().to_bits().count_ones() as u8)
            } else {
                continue;
            };
            out.push(InterfaceAddress { interface: ifa.interface_name, ip, prefix_len });
        }
        Ok(out)
    }

    fn uname(&self) -> io::Result<Uname> {
        let u = nix::sys::utsname::uname().map_err(io::Error::from)?;
        let s = |o: &std::ffi::OsStr| o.to_string_lossy().into_owned();
        Ok(Uname {
            sysname: s(u.sysname()),
            nodename: s(u.nodename()),
            release: s(u.release()),
            version: s(u.version()),
            machine: s(u.machine()),
        })
    }

    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn cpuid_hypervisor(&self) -> Option<String> {
        cpuid_hypervisor_signature()
    }

    fn clock_discipline(&self) -> Option<ClockDiscipline> {
        // SAFETY: a zeroed timex with modes 0 asks for the state and changes nothing.
        let mut timex: libc::timex = unsafe { std::mem::zeroed() };
        // SAFETY: a valid pointer to a timex this function owns.
        if unsafe { libc::adjtimex(&mut timex) } < 0 {
            return None;
        }
        Some(ClockDiscipline { max_error_us: timex.maxerror as i64, status: timex.status })
    }
}

fn statvfs_here(path: &Path) -> io::Result<libc::statvfs> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes())?;
    // SAFETY: a valid C string and a zeroed struct the call fills in.
    unsafe {
        let mut st: libc::statvfs = std::mem::zeroed();
        if libc::statvfs(c_path.as_ptr(), &mut st) != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(st)
    }
}

/// CPUID is an instruction, not a program: leaf 1 ECX bit 31 says "running under a
/// hypervisor", leaf 0x40000000 carries its 12-byte vendor signature.
#[cfg(target_arch = "x86_64")]
fn cpuid_hypervisor_signature() -> Option<String> {
    use std::arch::x86_64::__cpuid;
    // CPUID exists on every x86_64 processor and has no side effects.
    let leaf1 = __cpuid(1);
    if leaf1.ecx & (1 << 31) == 0 {
        return None;
    }
    // Leaf 0x40000000 is reserved for hypervisors and harmless to ask.
    let hv = __cpuid(0x4000_0000);
    let bytes: Vec<u8> = [hv.ebx, hv.ecx, hv.edx].iter().flat_map(|r| r.to_le_bytes()).collect();
    let sig = String::from_utf8_lossy(&bytes).trim_matches(char::from(0)).trim().to_string();
    (!sig.is_empty()).then_some(sig)
}

#[cfg(not(target_arch = "x86_64"))]
fn cpuid_hypervisor_signature() -> Option<String> {
    None
}

/// Canned syscall answers for fixture trees in tests and benchmarks: every field is
/// what the matching [`Syscalls`] method returns.
#[derive(Debug, Clone, Default)]
pub struct FixedSystem {
    /// statvfs answers by mount point; a mount point not listed fails with ENOENT.
    pub statvfs: Vec<(PathBuf, FsStats)>,
    pub addresses: Vec<InterfaceAddress>,
    pub uname: Uname,
    pub now: Option<SystemTime>,
    pub cpuid: Option<String>,
    pub clock: Option<ClockDiscipline>,
}

impl Syscalls for FixedSystem {
    fn statvfs(&self, path: &Path, _may_hang: Option<&str>) -> io::Result<FsStats> {
        self.statvfs
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, s)| *s)
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }
    fn interface_addresses(&self) -> io::Result<Vec<InterfaceAddress>> {
        Ok(self.addresses.clone())
    }
    fn uname(&self) -> io::Result<Uname> {
        Ok(self.uname.clone())
    }
    fn now(&self) -> SystemTime {
        self.now.unwrap_or(SystemTime::UNIX_EPOCH)
    }
    fn cpuid_hypervisor(&self) -> Option<String> {
        self.cpuid.clone()
    }
    fn clock_discipline(&self) -> Option<ClockDiscipline> {
        self.clock
    }
}

/// A machine to read: a root directory plus its syscalls. Cheap to clone.
#[derive(Clone)]
pub struct Source {
    root: PathBuf,
    pub sys: Arc<dyn Syscalls>,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source").field("root", &self.root).finish()
    }
}

impl Source {
    /// The machine ctop runs on.
    pub fn live() -> Self {
        Self::new("/", Arc::new(LiveSystem))
    }

    pub fn new(root: impl Into<PathBuf>, sys: Arc<dyn Syscalls>) -> Self {
        Self { root: root.into(), sys }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether this is `/`, i.e. the files and the syscalls describe the same machine.
    pub fn is_live_root(&self) -> bool {
        self.root == Path::new("/")
    }

    /// `abs` (an absolute path such as `/proc/meminfo`) under the root.
    pub fn path(&self, abs: impl AsRef<Path>) -> PathBuf {
        let abs = abs.as_ref();
        self.root.join(abs.strip_prefix("/").unwrap_or(abs))
    }

    pub fn read(&self, abs: impl AsRef<Path>) -> io::Result<String> {
        std::fs::read_to_string(self.path(abs))
    }

    /// The file's content without surrounding white space; `None` when it is missing,
    /// unreadable, not UTF-8 or empty, because to a collector all of those mean "unknown".
    pub fn read_trimmed(&self, abs: impl AsRef<Path>) -> Option<String> {
        let s = self.read(abs).ok()?;
        let t = s.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    pub fn exists(&self, abs: impl AsRef<Path>) -> bool {
        self.path(abs).exists()
    }
}
