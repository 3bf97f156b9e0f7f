//! `/etc/fstab`: which mount points are meant to be writable, so a filesystem the
//! kernel has remounted read-only after an error (`errors=remount-ro`) stands out.

use super::mounts::unescape;
use crate::source::Source;
use std::collections::HashSet;

/// Mount points that `/etc/fstab` mounts without `ro`. Empty when there is no fstab
/// (containers): nothing is then expected to be writable.
pub(super) fn writable_mountpoints(source: &Source) -> HashSet<String> {
    source.read("/etc/fstab").map(|text| parse(&text)).unwrap_or_default()
}

/// `spec file vfstype options freq passno`, white-space separated, `#` comments,
/// octal escapes in fields (`\040`); the options default to `defaults` (read-write).
/// The source (`UUID=…`, `LABEL=…`, a device) does not matter: mounts are matched by
/// mount point. A later line for the same mount point overrides an earlier one.
fn parse(text: &str) -> HashSet<String> {
    let mut writable = HashSet::new();
    for line in text.lines().map(str::trim_start).filter(|l| !l.starts_with('#')) {
        let mut fields = line.split_whitespace();
        let (Some(_spec), Some(file)) = (fields.next(), fields.next()) else {
            continue;
        };
        let fstype = fields.next().unwrap_or("auto");
        let options = fields.next().unwrap_or("defaults");
        if fstype == "swap" || !file.starts_with('/') {
            continue; // swap areas ("none", "swap") are not mounted anywhere
        }
        let mountpoint = normalize(&unescape(file));
        if options.split(',').any(|o| o == "ro") {
            writable.remove(&mountpoint);
        } else {
            writable.insert(mountpoint);
        }
    }
    writable
}

/// `/srv/data/` and `/srv/data` are the same mount point.
fn normalize(path: &str) -> String {
    match path.trim_end_matches('/') {
        "" => "/".to_string(),
        trimmed => trimmed.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_real_world_fstab() {
        let text = "\
# /etc/fstab: static file system information.
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
UUID=0a1b2c3d-1111-2222-3333-444455556666 /               ext4    errors=remount-ro 0       1
UUID=5e6f-7a8b  /boot/efi       vfat    umask=0077      0       1
LABEL=data      /srv/data/      xfs     defaults,noatime 0 2
/dev/sr0        /media/cdrom0   udf,iso9660 user,noauto,ro 0 0
/swapfile       none            swap    sw              0       0
UUID=aaaa       swap            swap    defaults        0       0
server:/export  /mnt/backup\\040disk nfs4 rw,hard 0 0
\t# indented comment
tmpfs /tmp tmpfs
/dev/sdb1 relative/path ext4 defaults 0 0

/dev/vg/old /old ext4 defaults 0 0
/dev/vg/old /old ext4 ro 0 0
";
        let mut found: Vec<_> = parse(text).into_iter().collect();
        found.sort();
        assert_eq!(found, ["/", "/boot/efi", "/mnt/backup disk", "/srv/data", "/tmp"]);
    }

    #[test]
    fn garbage_is_ignored() {
        assert!(parse("\0\0\nonlyonefield\n").is_empty());
    }
}

#[cfg(test)]
mod fuzz {
    use crate::fuzz_input::{config, fixture, text_from};

    const SEEDS: &[&str] = &[fixture!("disks/debian-vm/etc/fstab")];

    proptest::proptest! {
        #![proptest_config(config())]
        #[test]
        fn fstab_never_panics(text in text_from(SEEDS)) {
            let _ = super::parse(&text);
        }
    }
}
