//! Disk I/O against sysstat's `iostat -dx` over the same window (read right after each
//! of iostat's reports), on a loop device this
//! test makes (an ext4 image under load from `dd`, reading and writing with O_DIRECT
//! so the I/O reaches the device). Needs root, losetup, mkfs.ext4, dd, stdbuf and iostat;
//! skips with a note otherwise.

mod disks_support;

use ctop::collect::diskio::{DiskIo, DiskIoSampler};
use ctop::source::Source;
use disks_support::{LoopDevice, Mounted, have, is_root, run, skip};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Shell loops of `dd` that keep reading and writing until dropped.
struct Load(Vec<Child>);

impl Load {
    fn start(dir: &Path) -> Self {
        let dir = dir.display();
        let loops = [
            format!(
                "while :; do dd if=/dev/zero of={dir}/w bs=64k count=512 oflag=direct conv=notrunc 2>/dev/null; done"
            ),
            format!("while :; do dd if={dir}/r of=/dev/null bs=64k iflag=direct 2>/dev/null; done"),
        ];
        // `exec` would end the loop: each child is a shell of its own, killed as a group.
        let spawn = |script: &String| {
            use std::os::unix::process::CommandExt;
            Command::new("sh").args(["-c", script]).process_group(0).stdout(Stdio::null()).spawn().unwrap()
        };
        Self(loops.iter().map(spawn).collect())
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        for child in &mut self.0 {
            // The whole group: the shell and the dd it is running.
            let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::SIGKILL);
            let _ = child.wait();
        }
    }
}

/// Runs `iostat -dx DEVICE SECONDS 2` (line-buffered through stdbuf) and calls
/// `reading` right after each of its two reports appears: each report is printed just
/// after iostat has read /proc/diskstats, so the two readings `reading` takes bracket
/// nearly the same window as iostat's second report, however late iostat started on a
/// loaded machine. Returns that report's columns by name.
fn iostat_bracketed(device: &str, seconds: u32, mut reading: impl FnMut()) -> HashMap<String, f64> {
    let mut child = Command::new("stdbuf")
        .args(["-oL", "iostat", "-dx", device, &seconds.to_string(), "2"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("iostat");
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut header, mut reports) = (Vec::new(), Vec::new());
    for line in lines.map_while(Result::ok) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.first() == Some(&"Device") {
            header = fields.iter().map(|f| f.to_string()).collect();
        } else if fields.first() == Some(&device) {
            reading();
            let values = fields[1..].iter().map(|v| v.parse::<f64>().unwrap_or(f64::NAN));
            reports.push(header[1..].iter().cloned().zip(values).collect::<HashMap<_, _>>());
        }
    }
    let _ = child.wait();
    assert_eq!(reports.len(), 2, "iostat printed two reports of {device}");
    reports.pop().unwrap()
}

fn agree(what: &str, ours: f64, theirs: f64) {
    let margin = (0.05 * ours.abs().max(theirs.abs())).max(1.0);
    assert!((ours - theirs).abs() <= margin, "{what}: ctop {ours:.2}, iostat {theirs:.2}");
}

#[test]
fn rates_agree_with_iostat_on_a_loop_device_under_load() {
    if !is_root() {
        return skip("diskio_live: needs root to make a loop device");
    }
    for tool in ["losetup", "mkfs.ext4", "dd", "iostat", "stdbuf", "mount"] {
        if !have(tool) {
            return skip(&format!("diskio_live: {tool} is not installed (sysstat gives iostat)"));
        }
    }
    let device = LoopDevice::new("diskio", 256).expect("losetup -f --show on an image file");
    run("mkfs.ext4", &["-q", "-F", device.device.to_str().unwrap()]).expect("mkfs.ext4");
    let mounted = Mounted::device(&device.device).expect("mounting the ext4 image");
    let dir = mounted.point.clone();
    run("dd", &["if=/dev/urandom", &format!("of={}/r", dir.display()), "bs=1M", "count=64", "oflag=direct"])
        .expect("writing the file to read");
    let load = Load::start(&dir);
    std::thread::sleep(std::time::Duration::from_secs(1));

    let mut sampler = DiskIoSampler::new(Source::live());
    let mut disks = Vec::new();
    let theirs = iostat_bracketed(device.name(), 3, || disks = sampler.collect());
    drop(load);
    let ours: &DiskIo = disks.iter().find(|d| *d.name == *device.name()).expect("the loop device is listed");
    let rates = ours.rates.expect("rates after two readings");
    let number = |key: &str| *theirs.get(key).unwrap_or_else(|| panic!("iostat has no {key}: {theirs:?}"));
    eprintln!("ctop {rates:?}\niostat {theirs:?}");
    assert!(number("w/s") > 10.0 && number("r/s") > 10.0, "the load did reach the device: {theirs:?}");
    agree("r/s", rates.reads_per_s, number("r/s"));
    agree("w/s", rates.writes_per_s, number("w/s"));
    agree("rkB/s", rates.read_bytes_per_s / 1024.0, number("rkB/s"));
    agree("wkB/s", rates.write_bytes_per_s / 1024.0, number("wkB/s"));
    agree("%util", rates.util_percent, number("%util"));
    assert!(ours.holds(&device.device.to_string_lossy()), "the mounted device is on its own disk row");
}
