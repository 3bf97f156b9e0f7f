//! The filesystem list reads the mount table again only when it changed: in a mount
//! namespace of its own (so no other test's mounts count), a prober polls
//! `/proc/self/mountinfo` for `POLLPRI`; passes with nothing mounted or unmounted read no
//! table, a mount, a remount read-only and an unmount are each seen at the next pass
//! (and agree with `findmnt`). A filesystem that statvfs says is read-only is shown so
//! even when the mount table says otherwise (an ext4 error's `errors=remount-ro` sets
//! the superblock's flag without touching the table).

mod namespace_support;

use ctop::collect::disks::{DiskProber, Filesystem};
use ctop::source::{FixedSystem, FsStats, Source};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

#[test]
fn the_mount_table_is_read_again_only_when_it_changes() {
    if !is_root() {
        eprintln!("skipped: needs root to mount tmpfs in a mount namespace of its own");
        return;
    }
    // Far more than the second it takes: only a hang fails on time.
    namespace_support::run_inner("inside_a_mount_namespace", libc::CLONE_NEWNS, Duration::from_secs(120));
}

fn mount_tmpfs(dir: &Path, options: &str) {
    let status = Command::new("mount").args(["-t", "tmpfs", "-o", options, "ctopwatch"]).arg(dir).status().unwrap();
    assert!(status.success(), "mount -o {options} {dir:?}");
}

fn find<'a>(list: &'a [Filesystem], dir: &Path) -> Option<&'a Filesystem> {
    list.iter().find(|f| Path::new(&*f.mountpoint) == dir)
}

/// `findmnt`'s options of the mount at `dir`, if it is there.
fn findmnt_options(dir: &Path) -> Option<String> {
    let out = Command::new("findmnt").args(["-n", "-o", "OPTIONS", "--mountpoint"]).arg(dir).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
#[ignore = "run by the_mount_table_is_read_again_only_when_it_changes inside its namespace"]
fn inside_a_mount_namespace() {
    if !namespace_support::inside() {
        return;
    }
    let dir = tempfile::Builder::new().prefix(&format!("ctop-watch-{}-", std::process::id())).tempdir().unwrap();
    let mountpoint = dir.path().to_path_buf();
    let mut prober = DiskProber::new(Source::live());
    assert!(prober.watches_mount_table());

    assert!(find(&prober.collect(), &mountpoint).is_none());
    assert_eq!(prober.mount_table_reads(), 1);
    for _ in 0..3 {
        prober.collect();
    }
    assert_eq!(prober.mount_table_reads(), 1, "nothing changed: the table is not read again");

    mount_tmpfs(&mountpoint, "size=1m");
    let list = prober.collect();
    assert_eq!(prober.mount_table_reads(), 2);
    let fs = find(&list, &mountpoint).expect("the new mount is listed at the next pass");
    assert!(!fs.read_only && findmnt_options(&mountpoint).is_some_and(|o| o.starts_with("rw")));
    prober.collect();
    assert_eq!(prober.mount_table_reads(), 2);

    mount_tmpfs(&mountpoint, "remount,ro,size=1m");
    let list = prober.collect();
    assert_eq!(prober.mount_table_reads(), 3);
    assert!(find(&list, &mountpoint).expect("still listed").read_only);
    assert!(findmnt_options(&mountpoint).is_some_and(|o| o.starts_with("ro")));

    assert!(Command::new("umount").arg(&mountpoint).status().unwrap().success());
    assert!(find(&prober.collect(), &mountpoint).is_none(), "gone at the next pass");
    assert_eq!(prober.mount_table_reads(), 4);
    assert_eq!(findmnt_options(&mountpoint), None);
}

#[test]
fn statvfs_saying_read_only_makes_a_read_write_mount_read_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/disks/debian-vm");
    let stats = |read_only| FsStats {
        block_size: 4096,
        blocks: 1000,
        blocks_free: 500,
        blocks_avail: 400,
        inodes: 100,
        inodes_free: 50,
        read_only,
    };
    let sys = FixedSystem {
        statvfs: vec![(PathBuf::from("/"), stats(true)), (PathBuf::from("/boot"), stats(false))],
        ..FixedSystem::default()
    };
    let mut prober = DiskProber::new(Source::new(&root, Arc::new(sys)));
    assert!(!prober.watches_mount_table(), "a tree under --root is read every pass");
    let list = prober.collect();
    let slash = list.iter().find(|f| &*f.mountpoint == "/").unwrap();
    // fstab has `/` read-write (errors=remount-ro): read-only now is a remount.
    assert!(slash.read_only && slash.remounted_read_only, "{slash:?}");
    let boot = list.iter().find(|f| &*f.mountpoint == "/boot").unwrap();
    assert!(!boot.read_only && !boot.remounted_read_only, "{boot:?}");
    prober.collect();
    assert_eq!(prober.mount_table_reads(), 2);
}
