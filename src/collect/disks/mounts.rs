//! What is mounted: `/proc/self/mountinfo` (or `/proc/mounts` where that is missing),
//! narrowed to the filesystems a sysadmin means by "the disks": the visible mount of
//! each real filesystem, once. Kernel interfaces, container-engine plumbing and
//! over-mounted or bind-mounted duplicates are left out, the way `df` leaves them out.

use crate::source::Source;
use procfs_core::process::MountInfo;
use std::collections::HashMap;

/// One line of the mount table, unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Mount {
    /// Mount and parent mount IDs (`None` when read from `/proc/mounts`).
    id: Option<i32>,
    parent: Option<i32>,
    pub device: String,
    /// `st_dev` of the filesystem as major:minor (`None` from `/proc/mounts`).
    pub dev: Option<(u32, u32)>,
    /// The directory of the filesystem that is mounted here (`/` unless a bind mount).
    root: Option<String>,
    /// The btrfs subvolume (`subvolid=`) holding that directory.
    subvolume: Option<String>,
    pub mountpoint: String,
    pub fstype: String,
    /// Read-only per mount or per superblock (`errors=remount-ro` sets the latter).
    pub read_only: bool,
}

/// Filesystem types that are kernel interfaces or carry no capacity of their own.
/// `devtmpfs` holds device nodes only; `squashfs` images (snap packages) are always
/// 100 % full by design and would drown the real problems.
const PSEUDO_FSTYPES: &[&str] = &[
    "proc",
    "sysfs",
    "cgroup",
    "cgroup2",
    "devpts",
    "devtmpfs",
    "mqueue",
    "debugfs",
    "tracefs",
    "securityfs",
    "pstore",
    "bpf",
    "configfs",
    "fusectl",
    "hugetlbfs",
    "autofs",
    "binfmt_misc",
    "nsfs",
    "rpc_pipefs",
    "nfsd",
    "efivarfs",
    "selinuxfs",
    "rootfs",
    "ramfs",
    "squashfs",
    "fuse.lxcfs",
    "fuse.portal",
    "fuse.gvfsd-fuse",
];

/// Directories whose sub-mounts are per-container or per-service plumbing (Docker's
/// per-container overlays and shm, kubelet's per-pod secrets, systemd credentials):
/// a filesystem mounted exactly on one of them (a separate /var/lib/docker) is shown.
const PLUMBING_DIRS: &[&str] = &[
    "/var/lib/docker/",
    "/var/lib/containers/",
    "/var/lib/containerd/",
    "/var/lib/kubelet/",
    "/var/lib/rancher/",
    "/var/lib/lxcfs/",
    "/run/docker/",
    "/run/containerd/",
    "/run/containers/",
    "/run/k3s/",
    "/run/netns/",
    "/run/credentials/",
    "/run/snapd/",
];

/// Types whose "device" is a server path: two exports of one server may share a
/// superblock, and `df` lists each export anyway.
const REMOTE_FSTYPES: &[&str] =
    &["nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "glusterfs", "afs", "9p", "fuse.sshfs", "fuse.glusterfs"];

/// Types whose statfs the kernel answers from its own memory: it never waits on a
/// server or on a user-space process, so it is asked directly rather than from a forked
/// child on a thread of its own (see [`super::probe`]), which costs a fork each time.
/// Any type not listed is treated as one that may hang.
const ANSWERED_IN_KERNEL_FSTYPES: &[&str] = &[
    "ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "jfs", "reiserfs", "nilfs2", "bcachefs", "vfat", "msdos", "exfat",
    "ntfs", "ntfs3", "hfs", "hfsplus", "iso9660", "udf", "erofs", "romfs", "cramfs", "squashfs", "tmpfs", "ramfs",
    "devtmpfs", "overlay",
];

/// Whether a mount is left out of the filesystem list as noise: a kernel interface,
/// anything mounted below `/proc` or `/sys`, or container/service plumbing.
pub fn is_noise(fstype: &str, mountpoint: &str) -> bool {
    PSEUDO_FSTYPES.contains(&fstype)
        || ["/proc", "/sys"].iter().any(|dir| is_at_or_below(mountpoint, dir))
        || PLUMBING_DIRS.iter().any(|dir| mountpoint.starts_with(dir))
}

fn is_at_or_below(path: &str, dir: &str) -> bool {
    let dir = dir.strip_suffix('/').unwrap_or(dir);
    path.strip_prefix(dir).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Whether the filesystem lives on another machine (`server:/export`, `//server/share`).
pub(super) fn is_remote(fstype: &str, device: &str) -> bool {
    REMOTE_FSTYPES.contains(&fstype) || device.contains(':') || device.starts_with("//")
}

/// For each mount, whether statfs on it can block for ever: its own filesystem is a
/// network one whose server may be gone or a FUSE one whose daemon may be stuck, or the
/// path to it goes through such a filesystem (a local disk mounted under an NFS share,
/// everything on a diskless machine's NFS root), whose lookup can block as well.
pub(super) fn statfs_may_hang(mounts: &[Mount]) -> Vec<bool> {
    let own = |m: &Mount| is_remote(&m.fstype, &m.device) || !ANSWERED_IN_KERNEL_FSTYPES.contains(&m.fstype.as_str());
    let hanging: Vec<&str> = mounts.iter().filter(|m| own(m)).map(|m| m.mountpoint.as_str()).collect();
    mounts
        .iter()
        .map(|m| own(m) || hanging.iter().any(|&dir| dir != m.mountpoint && is_at_or_below(&m.mountpoint, dir)))
        .collect()
}

/// The filesystems worth showing, in mount-table order.
pub(super) fn read(source: &Source) -> Vec<Mount> {
    let mut all = source.read("/proc/self/mountinfo").map(|text| parse_mountinfo(&text)).unwrap_or_default();
    if all.is_empty() {
        all = source.read("/proc/mounts").map(|text| parse_mounts(&text)).unwrap_or_default();
    }
    let shown: Vec<Mount> = visible(all).into_iter().filter(|m| !is_noise(&m.fstype, &m.mountpoint)).collect();
    once_per_filesystem(shown)
}

/// Lines that do not parse are skipped: one garbled line hides one mount, not all.
fn parse_mountinfo(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|line| MountInfo::from_line(line).ok())
        .map(|mi| Mount {
            id: Some(mi.mnt_id),
            parent: Some(mi.pid),
            device: mi.mount_source.as_deref().map_or_else(|| "none".to_string(), unescape),
            dev: parse_major_minor(&mi.majmin),
            root: Some(unescape(&mi.root)),
            subvolume: mi.super_options.get("subvolid").cloned().flatten(),
            mountpoint: unescape(&mi.mount_point.to_string_lossy()),
            read_only: mi.mount_options.contains_key("ro") || mi.super_options.contains_key("ro"),
            fstype: mi.fs_type,
        })
        .collect()
}

/// `/proc/mounts`: `device mountpoint fstype options 0 0`. procfs-core has a parser for
/// it, but it rejects the whole file for one bad line and leaves `\040` escaped.
fn parse_mounts(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split(' ');
            let (device, mountpoint, fstype, options) =
                (fields.next()?, fields.next()?, fields.next()?, fields.next()?);
            Some(Mount {
                id: None,
                parent: None,
                device: unescape(device),
                dev: None,
                root: None,
                subvolume: None,
                mountpoint: unescape(mountpoint),
                fstype: unescape(fstype),
                read_only: options.split(',').any(|o| o == "ro"),
            })
        })
        .collect()
}

fn parse_major_minor(s: &str) -> Option<(u32, u32)> {
    let (major, minor) = s.split_once(':')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// Undoes the kernel's (and fstab's) octal escapes: `\040` space, `\011` tab, `\012`
/// newline, `\134` backslash, `\043` hash. Anything else is kept as written.
pub(super) fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal =
            bytes.get(i + 1..i + 4).filter(|d| bytes[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)));
        match octal {
            Some(d) => {
                let value = d.iter().fold(0u32, |acc, c| acc * 8 + u32::from(c - b'0'));
                out.push(u8::try_from(value).unwrap_or(b'?'));
                i += 4;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Drops mounts that nothing can reach: one mounted over (the same mount point mounted
/// again later) and, with mount IDs, everything below a mounted-over directory.
fn visible(all: Vec<Mount>) -> Vec<Mount> {
    let mut at_mountpoint: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, m) in all.iter().enumerate() {
        at_mountpoint.entry(&m.mountpoint).or_default().push(i);
    }
    let mut mounted_over = vec![false; all.len()];
    for same_place in at_mountpoint.values().filter(|v| v.len() > 1) {
        for (k, &i) in same_place.iter().enumerate() {
            let m = &all[i];
            mounted_over[i] = same_place[k + 1..]
                .iter()
                .map(|&j| &all[j])
                .any(|later| later.id.is_none() || later.parent == m.id || later.parent == m.parent);
        }
    }
    let by_id: HashMap<i32, usize> = all.iter().enumerate().filter_map(|(i, m)| Some((m.id?, i))).collect();
    let reachable = |i: usize| {
        if mounted_over[i] {
            return false;
        }
        // Walk up the parents; a parent at the same mount point is the one this mount
        // covers, so only a parent at another path must itself be uncovered. The step
        // limit guards against a garbled table whose parents form a loop.
        let mut child = i;
        for _ in 0..all.len() {
            let Some(&parent) = all[child].parent.and_then(|p| by_id.get(&p)) else {
                return true;
            };
            if parent == child {
                return true;
            }
            if all[parent].mountpoint != all[child].mountpoint && mounted_over[parent] {
                return false;
            }
            child = parent;
        }
        true
    };
    let keep: Vec<bool> = (0..all.len()).map(reachable).collect();
    all.into_iter().zip(keep).filter_map(|(m, k)| k.then_some(m)).collect()
}

/// What makes two mounts the same filesystem.
#[derive(Debug, PartialEq, Eq, Hash)]
enum FilesystemIdentity<'a> {
    /// Same device number (bind mounts of one disk, Docker's /etc/hosts family).
    Device((u32, u32)),
    /// btrfs subvolumes share one device number, yet each is its own tree that `df`
    /// lists (it sees a distinct `st_dev` per subvolume); bind mounts within one
    /// subvolume are still one filesystem.
    Subvolume((u32, u32), &'a str),
    /// A network export, kept apart per export path as `df` does.
    Export((u32, u32), &'a str),
    /// No device number (`/proc/mounts`): only the same block device is the same.
    Named(&'a str),
    /// Anything else (tmpfs from `/proc/mounts`) is a filesystem of its own.
    Unique(usize),
}

impl<'a> FilesystemIdentity<'a> {
    fn of(index: usize, m: &'a Mount) -> Self {
        match (m.dev, m.root.as_deref()) {
            (Some(dev), _) if is_remote(&m.fstype, &m.device) => Self::Export(dev, &m.device),
            (Some(dev), Some(root)) if m.fstype == "btrfs" => {
                Self::Subvolume(dev, m.subvolume.as_deref().unwrap_or(root))
            }
            (Some(dev), _) => Self::Device(dev),
            (None, _) if m.device.starts_with("/dev/") => Self::Named(&m.device),
            (None, _) => Self::Unique(index),
        }
    }
}

/// Each filesystem once, at the mount nearest its root directory, then with the
/// shortest mount point (`df`'s choice), keeping mount-table order.
fn once_per_filesystem(mounts: Vec<Mount>) -> Vec<Mount> {
    let preference = |m: &Mount| (m.root.as_ref().map_or(0, String::len), m.mountpoint.len());
    let mut best: HashMap<FilesystemIdentity, usize> = HashMap::new();
    for (i, m) in mounts.iter().enumerate() {
        best.entry(FilesystemIdentity::of(i, m))
            .and_modify(|b| {
                if preference(m) < preference(&mounts[*b]) {
                    *b = i;
                }
            })
            .or_insert(i);
    }
    let mut keep = vec![false; mounts.len()];
    for i in best.into_values() {
        keep[i] = true;
    }
    mounts.into_iter().zip(keep).filter_map(|(m, k)| k.then_some(m)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(text: &str) -> Vec<String> {
        once_per_filesystem(
            visible(parse_mountinfo(text)).into_iter().filter(|m| !is_noise(&m.fstype, &m.mountpoint)).collect(),
        )
        .into_iter()
        .map(|m| m.mountpoint)
        .collect()
    }

    #[test]
    fn unescapes_octal_and_keeps_the_rest() {
        assert_eq!(unescape(r"/mnt/my\040disk"), "/mnt/my disk");
        assert_eq!(unescape(r"a\011b\012c\134d\043e"), "a\tb\nc\\d#e");
        assert_eq!(unescape(r"trailing\04"), r"trailing\04");
        assert_eq!(unescape(r"\999"), r"\999");
        assert_eq!(unescape("plain"), "plain");
    }

    #[test]
    fn a_stacked_mount_point_shows_the_top_mount_only() {
        // As on this build machine: /dev/shm mounted twice, the second on the first.
        let text = "24 27 0:6 / /dev rw - tmpfs tmpfs rw\n\
                    25 24 0:23 / /dev/shm rw - tmpfs shm1 rw\n\
                    27 1 254:0 / / rw - ext4 /dev/vda rw\n\
                    30 25 0:27 / /dev/shm rw - tmpfs shm2 rw\n";
        let all = visible(parse_mountinfo(text));
        let shm: Vec<_> = all.iter().filter(|m| m.mountpoint == "/dev/shm").map(|m| m.device.as_str()).collect();
        assert_eq!(shm, ["shm2"]);
    }

    #[test]
    fn mounts_below_a_mounted_over_directory_are_hidden() {
        let text = "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n\
                    2 1 0:30 / /data rw - tmpfs old rw\n\
                    3 2 0:31 / /data/inner rw - tmpfs inner rw\n\
                    4 2 0:32 / /data rw - tmpfs new rw\n";
        assert_eq!(points(text), ["/", "/data"]);
        assert_eq!(visible(parse_mountinfo(text))[1].device, "new");
    }

    #[test]
    fn bind_mounts_collapse_to_the_mount_nearest_the_filesystem_root() {
        let text = "1 0 8:1 /srv/www /var/www rw - ext4 /dev/sda1 rw\n\
                    2 0 8:1 / / rw - ext4 /dev/sda1 rw\n\
                    3 2 8:1 /home /home rw - ext4 /dev/sda1 rw\n";
        assert_eq!(points(text), ["/"]);
    }

    #[test]
    fn btrfs_subvolumes_are_separate_but_two_exports_of_one_server_too() {
        let text = "1 0 0:33 /@ / rw - btrfs /dev/nvme0n1p2 rw,subvolid=256,subvol=/@\n\
                    2 1 0:33 /@home /home rw - btrfs /dev/nvme0n1p2 rw,subvolid=257,subvol=/@home\n\
                    5 1 0:33 /@/srv/www /var/www rw - btrfs /dev/nvme0n1p2 rw,subvolid=256,subvol=/@\n\
                    3 1 0:50 / /mnt/a rw - nfs4 srv:/export/a rw\n\
                    4 1 0:50 / /mnt/b rw - nfs4 srv:/export/b rw\n";
        assert_eq!(points(text), ["/", "/home", "/mnt/a", "/mnt/b"]);
    }

    #[test]
    fn garbled_lines_hide_only_themselves() {
        let text =
            "1 0 8:1 / / rw - ext4 /dev/sda1 rw\nnonsense\n2 1 0:40 / /run rw\n3 1 0:41 / /tmp rw - tmpfs tmpfs rw\n";
        assert_eq!(points(text), ["/", "/tmp"]);
    }

    #[test]
    fn a_parent_loop_in_a_garbled_table_does_not_hang() {
        let text = "5 6 0:40 / /a rw - tmpfs a rw\n6 5 0:41 / /b rw - tmpfs b rw\n";
        assert_eq!(points(text), ["/a", "/b"]);
    }

    #[test]
    fn noise_rules() {
        assert!(is_noise("cgroup2", "/sys/fs/cgroup"));
        assert!(is_noise("tmpfs", "/sys/fs/cgroup"));
        assert!(is_noise("tmpfs", "/proc/kcore"));
        assert!(is_noise("overlay", "/var/lib/docker/overlay2/abc/merged"));
        assert!(is_noise("tmpfs", "/run/credentials/systemd-journald.service"));
        assert!(!is_noise("overlay", "/"));
        assert!(!is_noise("ext4", "/var/lib/docker"));
        assert!(!is_noise("tmpfs", "/dev/shm"));
        assert!(!is_noise("ext4", "/system"));
    }

    #[test]
    fn proc_mounts_fallback_reads_options_and_escapes() {
        let text = "/dev/sda1 / ext4 rw,relatime 0 0\n/dev/sdb1 /mnt/usb\\040key vfat ro,noatime 0 0\nshort line\n";
        let mounts = parse_mounts(text);
        assert_eq!(mounts.len(), 2);
        assert_eq!(mounts[1].mountpoint, "/mnt/usb key");
        assert!(mounts[1].read_only && !mounts[0].read_only);
    }

    #[test]
    fn statfs_may_hang_on_network_and_fuse_mounts_and_on_what_lies_below_them() {
        let mounts = parse_mountinfo(
            "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n\
             2 1 0:50 / /mnt/share rw - nfs4 srv:/export rw\n\
             3 2 8:2 / /mnt/share/scratch rw - xfs /dev/sdb1 rw\n\
             4 1 0:60 / /mnt/sharepoint rw - tmpfs tmpfs rw\n\
             5 1 0:61 / /home/me/remote rw - fuse.sshfs me@host: rw\n\
             6 1 0:62 / /srv/data rw - zfs tank/data rw\n",
        );
        assert_eq!(statfs_may_hang(&mounts), [false, true, true, false, true, true]);
        let nfs_root = parse_mountinfo("1 0 0:20 / / rw - nfs srv:/root rw\n2 1 0:21 / /tmp rw - tmpfs tmpfs rw\n");
        assert_eq!(statfs_may_hang(&nfs_root), [true, true]);
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use crate::fuzz_input::{config, fixture, text_from};

    const SEEDS: &[&str] =
        &[fixture!("disks/debian-vm/proc/self/mountinfo"), fixture!("disks/docker/proc/self/mountinfo")];

    proptest::proptest! {
        #![proptest_config(config())]
        #[test]
        fn mount_tables_never_panic(text in text_from(SEEDS)) {
            let mounts = parse_mountinfo(&text);
            let _ = statfs_may_hang(&mounts);
            let _ = once_per_filesystem(visible(mounts));
            let _ = visible(parse_mounts(&text));
            let _ = unescape(&text);
        }
    }
}
