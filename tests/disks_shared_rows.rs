//! The filesystem rows share their device, mount point and type strings with the
//! prober's mount table (one copy of a node's 1,000 mounts, not one per list): in a mount
//! namespace of its own, two passes over an unchanged table give rows holding the very
//! same strings, and after an unmount, a new filesystem mounted read-only in the same
//! place and another unmounted, the next pass shows the new device, type and flags
//! (agreeing with `findmnt`) while the rows of earlier passes keep what they showed.

mod namespace_support;

use ctop::collect::disks::{DiskProber, Filesystem};
use ctop::source::Source;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

#[test]
fn rows_share_the_mount_tables_strings_and_follow_remounts() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("skipped: needs root to mount tmpfs in a mount namespace of its own");
        return;
    }
    // Far more than the second it takes: only a hang fails on time.
    namespace_support::run_inner("inside_a_mount_namespace", libc::CLONE_NEWNS, Duration::from_secs(120));
}

fn mount(source: &str, fstype: &str, options: &str, dir: &Path) {
    let status = Command::new("mount").args(["-t", fstype, "-o", options, source]).arg(dir).status().unwrap();
    assert!(status.success(), "mount -t {fstype} -o {options} {source} {dir:?}");
}

fn umount(dir: &Path) {
    assert!(Command::new("umount").arg(dir).status().unwrap().success(), "umount {dir:?}");
}

fn find<'a>(list: &'a [Filesystem], dir: &Path) -> Option<&'a Filesystem> {
    list.iter().find(|f| Path::new(&*f.mountpoint) == dir)
}

/// `findmnt`'s source and type of the mount at `dir`.
fn findmnt(dir: &Path) -> (String, String) {
    let out = Command::new("findmnt").args(["-n", "-o", "SOURCE,FSTYPE", "--mountpoint"]).arg(dir).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace().map(str::to_string);
    (fields.next().unwrap_or_default(), fields.next().unwrap_or_default())
}

#[test]
#[ignore = "run by rows_share_the_mount_tables_strings_and_follow_remounts inside its namespace"]
fn inside_a_mount_namespace() {
    if !namespace_support::inside() {
        return;
    }
    let pid = std::process::id();
    let tmp = tempfile::Builder::new().prefix(&format!("ctop-shared-{pid}-")).tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    std::fs::create_dir(&a).unwrap();
    std::fs::create_dir(&b).unwrap();
    let (first_source, other_source, new_source) =
        (format!("ctopshare{pid}a"), format!("ctopshare{pid}b"), format!("ctopshare{pid}c"));
    mount(&first_source, "tmpfs", "size=1m", &a);
    mount(&other_source, "tmpfs", "size=2m", &b);
    let mut prober = DiskProber::new(Source::live());

    let first = prober.collect();
    let again = prober.collect();
    for dir in [&a, &b] {
        let (one, two) = (find(&first, dir).expect("listed"), find(&again, dir).expect("listed"));
        assert_eq!(one, two);
        assert_eq!((one.device.to_string(), one.fstype.to_string()), findmnt(dir));
        for (x, y) in [(&one.device, &two.device), (&one.mountpoint, &two.mountpoint), (&one.fstype, &two.fstype)] {
            assert!(Arc::ptr_eq(x, y), "{x} held twice");
        }
    }

    // Another filesystem where the first was, read-only; the other one left alone.
    umount(&a);
    mount(&new_source, "tmpfs", "ro,size=1m", &a);
    let remounted = prober.collect();
    let now = find(&remounted, &a).expect("the new filesystem is listed");
    assert_eq!((&*now.device, &*now.fstype, now.read_only), (new_source.as_str(), "tmpfs", true));
    assert_eq!((now.device.to_string(), now.fstype.to_string()), findmnt(&a));
    let other = find(&remounted, &b).expect("the other is still listed");
    assert_eq!((&*other.device, other.read_only), (other_source.as_str(), false));
    // What an earlier pass showed (a snapshot, history) is left as it was.
    let before = find(&first, &a).unwrap();
    assert_eq!((&*before.device, before.read_only), (first_source.as_str(), false));

    umount(&b);
    let last = prober.collect();
    assert!(find(&last, &b).is_none(), "gone at the next pass");
    assert_eq!(&*find(&last, &a).expect("still listed").device, new_source.as_str());
    assert_eq!(&*find(&again, &b).unwrap().device, other_source.as_str());
    umount(&a);
}
