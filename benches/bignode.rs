//! A big node's shape (issue 15), in namespaces of this benchmark's own: BIGNODE_MOUNTS
//! (default 1,000) extra 1 MiB tmpfs mounts and BIGNODE_IFACES (default 400) veth
//! interfaces, up with carrier, as `../shared/bench/overhead.sh -b 1000:400` makes for
//! the side by side. Needs root (it says `skipped:` and runs nothing otherwise):
//! `cargo bench --bench bignode`, `BIGNODE_MOUNTS=5000 cargo bench --bench bignode`.
//!
//! - the fast tier's interfaces over netlink, and from `/sys` + `/proc/net/dev` (the
//!   path `--root` and a kernel without `NETLINK_ROUTE` take), for comparison;
//! - the slow tier's filesystems with the mount table unchanged (read once, sizes asked
//!   each pass), with the table read too (a fresh prober: what every pass cost before
//!   it was watched), and the statvfs calls alone;
//! - the judgement of one update (every finding of 1,000 filesystems and 400
//!   interfaces), and one 200×50 frame of the whole dashboard with all of them against
//!   one with ten of each: the tables draw only their visible rows.

use ctop::collect::disks::DiskProber;
use ctop::collect::net::NetSampler;
use ctop::health::{Findings, Thresholds};
use ctop::snapshot::Snapshot;
use ctop::source::{LiveSystem, Source, Syscalls};
use ctop::ui::screen::Screen;
use ctop::ui::theme::Theme;
use ctop::ui::view::View;
use divan::Bencher;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// The directory holding the mounts and a symlink to `/` (a root that is not "/", so
/// the sampler reads the files as under `--root`).
static SHAPE: OnceLock<PathBuf> = OnceLock::new();

fn count(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Enters new mount and network namespaces (single-threaded still, as unshare needs)
/// and makes the shape there; it vanishes with this process.
fn make_shape() -> Result<PathBuf, String> {
    if !nix::unistd::geteuid().is_root() {
        return Err("needs root to make mounts and interfaces in namespaces of its own".into());
    }
    let (mounts, ifaces) = (count("BIGNODE_MOUNTS", 1000), count("BIGNODE_IFACES", 400));
    // SAFETY: unshare and mount with valid C strings, before any thread starts.
    unsafe {
        if libc::unshare(libc::CLONE_NEWNS | libc::CLONE_NEWNET) != 0 {
            return Err(format!("unshare: {}", std::io::Error::last_os_error()));
        }
        let private = libc::MS_REC | libc::MS_PRIVATE;
        if libc::mount(std::ptr::null(), c"/".as_ptr(), std::ptr::null(), private, std::ptr::null()) != 0 {
            return Err(format!("making / private: {}", std::io::Error::last_os_error()));
        }
        // sysfs shows the interfaces of the namespace that mounts it.
        if libc::mount(c"sysfs".as_ptr(), c"/sys".as_ptr(), c"sysfs".as_ptr(), 0, std::ptr::null()) != 0 {
            return Err(format!("mounting sysfs: {}", std::io::Error::last_os_error()));
        }
    }
    let dir = std::env::temp_dir().join(format!("ctop-bignode-bench-{}", std::process::id()));
    for i in 0..mounts {
        let point = dir.join(format!("m{i}"));
        std::fs::create_dir_all(&point).map_err(|e| e.to_string())?;
        let c_point = std::ffi::CString::new(point.to_str().unwrap()).unwrap();
        // SAFETY: valid C strings.
        let done =
            unsafe { libc::mount(c"big".as_ptr(), c_point.as_ptr(), c"tmpfs".as_ptr(), 0, c"size=1m".as_ptr().cast()) };
        if done != 0 {
            return Err(format!("mount {point:?}: {}", std::io::Error::last_os_error()));
        }
    }
    std::os::unix::fs::symlink("/", dir.join("root")).map_err(|e| e.to_string())?;
    // One `ip -batch` for every interface: 200 runs of ip would take seconds.
    let mut batch = String::from("link set lo up\n");
    for i in 0..ifaces / 2 {
        batch += &format!("link add va{i} type veth peer name vb{i}\nlink set va{i} up\nlink set vb{i} up\n");
    }
    let mut ip = Command::new("ip").args(["-batch", "-"]).stdin(Stdio::piped()).spawn().map_err(|e| e.to_string())?;
    ip.stdin.take().unwrap().write_all(batch.as_bytes()).map_err(|e| e.to_string())?;
    if !ip.wait().map_err(|e| e.to_string())?.success() {
        return Err("ip -batch failed".into());
    }
    eprintln!("big node: {mounts} extra tmpfs mounts, {} interfaces", ifaces / 2 * 2 + 1);
    Ok(dir)
}

fn main() {
    match make_shape() {
        Ok(dir) => {
            SHAPE.set(dir).unwrap();
            divan::main();
        }
        Err(why) => eprintln!("skipped: {why}"),
    }
}

fn shape() -> &'static Path {
    SHAPE.get().expect("made in main")
}

#[divan::bench]
fn interfaces_netlink(bencher: Bencher) {
    let mut sampler = NetSampler::new(Source::live());
    assert!(sampler.reads_netlink());
    sampler.collect();
    bencher.bench_local(|| sampler.collect());
}

#[divan::bench]
fn interfaces_sysfs(bencher: Bencher) {
    let mut sampler = NetSampler::new(Source::new(shape().join("root"), Arc::new(LiveSystem)));
    assert!(!sampler.reads_netlink());
    sampler.collect();
    bencher.bench_local(|| sampler.collect());
}

#[divan::bench]
fn filesystems_table_unchanged(bencher: Bencher) {
    let mut prober = DiskProber::new(Source::live());
    prober.collect();
    bencher.bench_local(|| prober.collect());
    assert_eq!(prober.mount_table_reads(), 1, "the table did not change: read once");
}

#[divan::bench]
fn filesystems_table_read(bencher: Bencher) {
    bencher.with_inputs(|| DiskProber::new(Source::live())).bench_local_refs(|prober| prober.collect());
}

#[divan::bench]
fn statvfs_every_mount(bencher: Bencher) {
    let points: Vec<PathBuf> =
        DiskProber::new(Source::live()).collect().iter().map(|f| PathBuf::from(&*f.mountpoint)).collect();
    bencher.bench_local(|| points.iter().filter(|p| LiveSystem.statvfs(p, None).is_ok()).count());
}

/// The snapshot of the big node: its filesystems and interfaces.
fn big_snapshot() -> Snapshot {
    let mut sampler = NetSampler::new(Source::live());
    sampler.collect();
    Snapshot {
        filesystems: DiskProber::new(Source::live()).collect(),
        interfaces: sampler.collect(),
        ..Snapshot::default()
    }
}

#[divan::bench]
fn judge_one_update(bencher: Bencher) {
    let snapshot = big_snapshot();
    let thresholds = Thresholds::default();
    bencher.bench_local(|| ctop::health::judge(&snapshot, &thresholds));
}

fn frame(bencher: Bencher, snapshot: &Snapshot) {
    let findings: Findings = ctop::health::judge(snapshot, &Thresholds::default());
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    let mut view = View::default();
    bencher.bench_local(|| {
        let screen = Screen { snapshot, findings: &findings, theme: Theme::COLOR, now: Instant::now() };
        terminal.draw(|f| ctop::ui::dashboard::draw(f, &screen, &mut view)).unwrap();
    });
}

#[divan::bench]
fn frame_all_rows(bencher: Bencher) {
    frame(bencher, &big_snapshot());
}

#[divan::bench]
fn frame_ten_of_each(bencher: Bencher) {
    let mut snapshot = big_snapshot();
    snapshot.filesystems.truncate(10);
    snapshot.interfaces.truncate(10);
    frame(bencher, &snapshot);
}
