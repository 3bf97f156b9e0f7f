//! The filesystem list on this machine against `df -B1` and `df -i`, and real trouble
//! made here as root (each skips with a note when not root or the tool is missing):
//! a nearly full tmpfs, a tmpfs remounted read-only that fstab says is writable, an
//! ext4 image on a loop device, and the collector run as `nobody`.

mod disks_support;

use ctop::collect::disks::{DiskProber, Filesystem, FsUsage, Usage, mounts};
use ctop::source::{LiveSystem, Source};
use disks_support::{Mounted, have, is_root, one_at_a_time, run, run_command, skip};
use std::process::Command;
use std::sync::Arc;

/// One row of `df --output=source,fstype,size,used,avail,itotal,iused,iavail,target`.
#[derive(Debug)]
struct DfRow {
    source: String,
    fstype: String,
    usage: FsUsage,
    target: String,
}

const DF_COLUMNS: &str = "--output=source,fstype,size,used,avail,itotal,iused,iavail,target";

/// `df -B1` with inode columns, for all filesystems or the ones named. `None` where
/// df lacks `--output` (busybox) or does not answer.
fn df(paths: &[&str]) -> Option<Vec<DfRow>> {
    let mut args = vec!["-B1", DF_COLUMNS];
    args.extend(paths);
    let text = run("df", &args)?;
    let rows = text
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let (source, fstype) = (fields.next()?.to_string(), fields.next()?.to_string());
            let mut number = || fields.next()?.parse::<u64>().ok();
            let (size_bytes, used_bytes, avail_bytes) = (number()?, number()?, number()?);
            let (inodes_total, inodes_used, inodes_free) = (number()?, number()?, number()?);
            let usage = FsUsage { size_bytes, used_bytes, avail_bytes, inodes_total, inodes_used, inodes_free };
            Some(DfRow { source, fstype, usage, target: fields.collect::<Vec<_>>().join(" ") })
        })
        .collect();
    Some(rows)
}

fn live_filesystems() -> Vec<Filesystem> {
    DiskProber::new(Source::live()).collect()
}

fn measured(fs: &Filesystem) -> Option<&FsUsage> {
    match &fs.usage {
        Usage::Measured(u) => Some(u),
        _ => None,
    }
}

/// Sizes to the KiB, usage within 0.5 % of the size for a busy filesystem.
fn assert_agrees(what: &str, ours: &FsUsage, df: &FsUsage) {
    let near = |field: &str, a: u64, b: u64, total: u64| {
        let slack = (total / 200).max(1024);
        assert!(a.abs_diff(b) <= slack, "{what} {field}: ctop {a}, df {b}");
    };
    near("size", ours.size_bytes, df.size_bytes, 0);
    near("used", ours.used_bytes, df.used_bytes, df.size_bytes);
    near("avail", ours.avail_bytes, df.avail_bytes, df.size_bytes);
    let near_inodes = |field: &str, a: u64, b: u64| {
        let slack = (df.inodes_total / 200).max(16);
        assert!(a.abs_diff(b) <= slack, "{what} {field}: ctop {a}, df {b}");
    };
    near_inodes("inodes", ours.inodes_total, df.inodes_total);
    near_inodes("inodes used", ours.inodes_used, df.inodes_used);
    near_inodes("inodes free", ours.inodes_free, df.inodes_free);
}

#[test]
fn every_filesystem_agrees_with_df() {
    let _serial = one_at_a_time();
    // df before and after: other work on this machine may mount or unmount meanwhile,
    // so "df shows it" is judged on the mounts both runs saw.
    let Some(df_before) = df(&[]) else {
        return skip("df with --output is not available or did not answer");
    };
    let ours = live_filesystems();
    let df_after = df(&[]).expect("df answered a moment ago");
    assert!(!ours.is_empty(), "no filesystems found; df shows {df_after:?}");
    for fs in &ours {
        let Some(usage) = measured(fs) else {
            eprintln!("not compared: {} is {:?}", fs.mountpoint, fs.usage);
            continue;
        };
        let Some(row) = df_after.iter().chain(&df_before).find(|r| *r.target == *fs.mountpoint) else {
            panic!("ctop lists {} ({}), df does not: {df_after:#?}", fs.mountpoint, fs.fstype);
        };
        assert_eq!((&*fs.fstype, &*fs.device), (row.fstype.as_str(), row.source.as_str()), "{}", fs.mountpoint);
        assert_agrees(&fs.mountpoint, usage, &row.usage);
        assert!(!fs.device_missing, "{fs:?}");
    }
    // What df shows and ctop does not is noise by ctop's rules, or a filesystem ctop
    // shows at another mount point (df and ctop may pick different bind mounts).
    for row in df_before.iter().filter(|r| df_after.iter().any(|a| a.target == r.target)) {
        let shown = ours.iter().any(|fs| *fs.mountpoint == *row.target);
        let shown_elsewhere = ours
            .iter()
            .any(|fs| *fs.device == *row.source && measured(fs).is_some_and(|u| u.size_bytes == row.usage.size_bytes));
        assert!(
            shown || shown_elsewhere || mounts::is_noise(&row.fstype, &row.target),
            "df shows {row:?}, ctop does not: {ours:#?}"
        );
    }
}

#[test]
fn a_nearly_full_tmpfs_is_measured_to_the_byte() {
    let _serial = one_at_a_time();
    if !is_root() {
        return skip("needs root to mount a tmpfs");
    }
    let Some(m) = Mounted::tmpfs("size=1m,nr_inodes=64") else {
        return skip("cannot mount a tmpfs here");
    };
    // 248 of 256 pages and 31 of 64 inodes (the root directory is one more).
    std::fs::write(m.point.join("fill"), vec![0u8; 248 * 4096]).unwrap();
    for i in 0..30 {
        std::fs::write(m.point.join(format!("f{i}")), b"").unwrap();
    }
    let ours = live_filesystems();
    let fs = ours.iter().find(|f| *f.mountpoint == *m.path()).expect("the test tmpfs is listed");
    let expected = FsUsage {
        size_bytes: 1_048_576,
        used_bytes: 1_015_808,
        avail_bytes: 32_768,
        inodes_total: 64,
        inodes_used: 32,
        inodes_free: 32,
    };
    assert_eq!(fs.usage, Usage::Measured(expected));
    assert_eq!((&*fs.fstype, &*fs.device, fs.read_only), ("tmpfs", "ctop-test", false));
    assert_eq!(expected.use_percent().map(f64::ceil), Some(97.0));
    if let Some(rows) = df(&[m.path()]) {
        assert_eq!(rows[0].usage, expected, "df -B1 / df -i on the test tmpfs");
    }
}

#[test]
fn a_tmpfs_remounted_read_only_is_flagged_when_fstab_wants_it_writable() {
    let _serial = one_at_a_time();
    if !is_root() {
        return skip("needs root to mount a tmpfs");
    }
    let Some(m) = Mounted::tmpfs("size=1m") else {
        return skip("cannot mount a tmpfs here");
    };
    // A machine tree whose mount table is this machine's and whose fstab says the
    // test tmpfs is read-write; statvfs asks the live kernel.
    let tree = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tree.path().join("proc/self")).unwrap();
    std::fs::create_dir_all(tree.path().join("etc")).unwrap();
    let escaped = m.path().replace(' ', "\\040");
    std::fs::write(
        tree.path().join("etc/fstab"),
        format!("# test fstab\nUUID=0000-1111 / ext4 defaults 0 1\nctop-test {escaped} tmpfs rw,size=1m 0 0\n"),
    )
    .unwrap();
    let snapshot_of_mounts = || {
        std::fs::copy("/proc/self/mountinfo", tree.path().join("proc/self/mountinfo")).unwrap();
        let source = Source::new(tree.path(), Arc::new(LiveSystem));
        DiskProber::new(source).collect().into_iter().find(|f| *f.mountpoint == *m.path()).expect("the test tmpfs")
    };

    let writable = snapshot_of_mounts();
    assert!(!writable.read_only && !writable.remounted_read_only, "{writable:?}");

    run("mount", &["-o", "remount,ro", m.path()]).expect("remount read-only");
    let remounted = snapshot_of_mounts();
    assert!(remounted.read_only && remounted.remounted_read_only, "{remounted:?}");
    assert!(matches!(remounted.usage, Usage::Measured(_)), "{remounted:?}");

    // Against the real /etc/fstab, which does not list it, read-only is no finding.
    let live = live_filesystems().into_iter().find(|f| *f.mountpoint == *m.path()).unwrap();
    assert!(live.read_only && !live.remounted_read_only, "{live:?}");
}

/// A loop device attached to an image file, detached when dropped.
struct LoopDevice(String);

impl Drop for LoopDevice {
    fn drop(&mut self) {
        run("losetup", &["-d", &self.0]);
    }
}

#[test]
fn an_ext4_image_on_a_loop_device_is_a_present_block_device() {
    let _serial = one_at_a_time();
    if !is_root() {
        return skip("needs root for losetup and mount");
    }
    if !(have("losetup") && have("mkfs.ext4")) {
        return skip("needs losetup and mkfs.ext4");
    }
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("disk.img");
    std::fs::File::create(&image).unwrap().set_len(16 << 20).unwrap();
    let Some(device) = run("losetup", &["--find", "--show", image.to_str().unwrap()]) else {
        return skip("no loop device available");
    };
    let device = LoopDevice(device.trim().to_string());
    run("mkfs.ext4", &["-q", "-F", &device.0]).expect("mkfs.ext4");
    let m = Mounted::device(device.0.as_ref()).expect("mount the loop device");
    std::fs::write(m.point.join("data"), vec![1u8; 4 << 20]).unwrap();
    nix::unistd::sync();

    let ours = live_filesystems();
    let fs = ours.iter().find(|f| *f.mountpoint == *m.path()).expect("the loop mount is listed");
    assert_eq!((&*fs.fstype, &*fs.device), ("ext4", device.0.as_str()));
    // A block device that exists is not missing (the vanished case is the lost-lun
    // fixture: a mounted loop device cannot be made to disappear).
    assert!(!fs.device_missing && !fs.read_only, "{fs:?}");
    let rows = df(&[m.path()]).expect("df on the loop mount");
    assert_agrees(m.path(), measured(fs).expect("measured"), &rows[0].usage);
}

/// Run by `the_collector_works_unprivileged` as `nobody`: a mount point below a
/// directory `nobody` cannot enter is listed as unavailable, not a panic.
#[test]
#[ignore = "run by the_collector_works_unprivileged, as nobody"]
fn unprivileged_inner() {
    let locked = std::env::var("CTOP_TEST_LOCKED_MOUNT").expect("set by the_collector_works_unprivileged");
    assert!(!is_root());
    let ours = live_filesystems();
    let fs = ours.iter().find(|f| *f.mountpoint == *locked).expect("the locked tmpfs is listed");
    assert_eq!(fs.usage, Usage::Unavailable { reason: "Permission denied".into() });
    let root = ours.iter().find(|f| &*f.mountpoint == "/").expect("/ is listed");
    assert!(measured(root).is_some(), "{root:?}");
    println!("unprivileged_inner: {} unavailable as expected, / measured", locked);
}

#[test]
fn the_collector_works_unprivileged() {
    let _serial = one_at_a_time();
    if !is_root() {
        return skip("needs root to mount a tmpfs and switch to nobody");
    }
    if !have("setpriv") {
        return skip("needs setpriv (util-linux)");
    }
    let Some(m) = Mounted::tmpfs("size=1m") else {
        return skip("cannot mount a tmpfs here");
    };
    // Inside a directory only root may enter.
    let holder = m.point.parent().unwrap();
    std::fs::set_permissions(holder, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let me = std::env::current_exe().unwrap();
    let output = run_command(
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&me)
            .args(["--exact", "unprivileged_inner", "--ignored", "--nocapture"])
            .env("CTOP_TEST_LOCKED_MOUNT", m.path()),
    );
    let output = output.expect("the collector run as nobody passes (see its output above)");
    assert!(output.contains("unprivileged_inner: ") && output.contains("1 passed"), "{output}");
}
