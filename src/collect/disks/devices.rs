//! Which block devices exist now: `/proc/partitions` and `/sys/dev/block/MAJ:MIN`.
//! A filesystem still mounted on a device missing from both has lost its disk (an
//! iSCSI LUN gone, a pulled drive).

use crate::source::Source;
use std::collections::HashSet;
use std::path::PathBuf;

/// The kernel's view of block devices, each source `None` when it cannot be read
/// (no /sys in a chroot, a sandbox hiding /proc/partitions): an unreadable source is
/// no evidence of a missing device.
pub(super) struct BlockDevices {
    partitions: Option<HashSet<(u32, u32)>>,
    sys_dev_block: Option<PathBuf>,
}

impl BlockDevices {
    pub fn read(source: &Source) -> Self {
        let partitions = source.read("/proc/partitions").ok().and_then(|text| parse_partitions(&text));
        let sys = source.path("/sys/dev/block");
        Self { partitions, sys_dev_block: sys.is_dir().then_some(sys) }
    }

    /// Whether the filesystem's device number names a block device that no longer
    /// exists. Major 0 is the kernel's "anonymous" device (tmpfs, overlay, NFS, FUSE,
    /// btrfs, ZFS): there is no block device to lose.
    pub fn is_missing(&self, dev: Option<(u32, u32)>) -> bool {
        let Some((major, minor)) = dev.filter(|&(major, _)| major != 0) else {
            return false;
        };
        let in_partitions = self.partitions.as_ref().map(|set| set.contains(&(major, minor)));
        // The /sys entry is a symlink into /sys/devices; asking for the link itself
        // keeps a fixture's dangling link as good as the real thing.
        let in_sys =
            self.sys_dev_block.as_ref().map(|dir| dir.join(format!("{major}:{minor}")).symlink_metadata().is_ok());
        match (in_partitions, in_sys) {
            (None, None) => false,
            (p, s) => p != Some(true) && s != Some(true),
        }
    }
}

/// `/proc/partitions`: a `major minor #blocks name` header, then one device per line.
/// `None` when the header is missing: a file that is not what we expect proves nothing.
fn parse_partitions(text: &str) -> Option<HashSet<(u32, u32)>> {
    let mut lines = text.lines();
    if !lines.next()?.split_whitespace().eq(["major", "minor", "#blocks", "name"]) {
        return None;
    }
    Some(
        lines
            .filter_map(|line| {
                let mut fields = line.split_whitespace();
                Some((fields.next()?.parse().ok()?, fields.next()?.parse().ok()?))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn devices(partitions: Option<&str>, sys: Option<&[(u32, u32)]>) -> (tempfile::TempDir, BlockDevices) {
        let dir = tempfile::tempdir().unwrap();
        if let Some(text) = partitions {
            std::fs::create_dir_all(dir.path().join("proc")).unwrap();
            std::fs::write(dir.path().join("proc/partitions"), text).unwrap();
        }
        if let Some(devs) = sys {
            let block = dir.path().join("sys/dev/block");
            std::fs::create_dir_all(&block).unwrap();
            for (major, minor) in devs {
                std::os::unix::fs::symlink("../../devices/gone", block.join(format!("{major}:{minor}"))).unwrap();
            }
        }
        let source = crate::source::Source::new(dir.path(), std::sync::Arc::new(crate::source::FixedSystem::default()));
        let found = BlockDevices::read(&source);
        (dir, found)
    }

    const PARTITIONS: &str =
        "major minor  #blocks  name\n\n   8        0  104857600 sda\n   8        1  104856576 sda1\n";

    #[test]
    fn present_anywhere_is_present() {
        let (_dir, d) = devices(Some(PARTITIONS), Some(&[(8, 0)]));
        assert!(!d.is_missing(Some((8, 1))));
        assert!(!d.is_missing(Some((8, 0))));
        assert!(d.is_missing(Some((8, 161))));
    }

    #[test]
    fn anonymous_devices_and_unknown_numbers_are_never_missing() {
        let (_dir, d) = devices(Some(PARTITIONS), Some(&[]));
        assert!(!d.is_missing(Some((0, 45))));
        assert!(!d.is_missing(None));
    }

    #[test]
    fn no_evidence_is_not_missing() {
        let (_dir, d) = devices(None, None);
        assert!(!d.is_missing(Some((8, 161))));
        let (_dir, d) = devices(Some("garbage\n8 161 100 sdk1\n"), None);
        assert!(!d.is_missing(Some((8, 161))));
    }

    #[test]
    fn one_readable_source_is_enough() {
        let (_dir, d) = devices(None, Some(&[(8, 1)]));
        assert!(d.is_missing(Some((8, 161))));
        assert!(!d.is_missing(Some((8, 1))));
        let (_dir, d) = devices(Some(PARTITIONS), None);
        assert!(d.is_missing(Some((8, 161))));
    }
}

#[cfg(test)]
mod fuzz {
    use crate::fuzz_input::{config, fixture, text_from};

    const SEEDS: &[&str] = &[fixture!("disks/debian-vm/proc/partitions")];

    proptest::proptest! {
        #![proptest_config(config())]
        #[test]
        fn partitions_never_panic(text in text_from(SEEDS)) {
            let _ = super::parse_partitions(&text);
        }
    }
}
