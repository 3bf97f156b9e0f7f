//! The recorder under the seccomp sandbox: the filter given the recording directory
//! lets the writer create new segments there (`openat` with exactly its flags) and
//! delete old ones (`unlinkat` on that directory), and still refuses every other
//! create, write-open and unlink; the headless recorder runs sandboxed on every thread,
//! stops on SIGTERM with exit 0 and leaves a complete recording.

use ctop::record::format;
use ctop::record::reader::Recording;
use ctop::record::writer::{CREATE_FLAGS, Writer, segment_name};
use ctop::record::{Identity, Record, RecordRef};
use ctop::snapshot::{FastTier, Update};
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn c(path: &std::path::Path) -> CString {
    CString::new(path.as_os_str().as_bytes()).unwrap()
}

#[test]
fn under_the_filter_the_writer_rotates_and_deletes_its_segments_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let existing = elsewhere.path().join("existing");
    std::fs::write(&existing, "x").unwrap();
    std::fs::create_dir(dir.path().join("subdir")).unwrap();
    let identity = Identity { ctop_version: "test".into(), ..Identity::default() };
    let mut writer = Writer::open(dir.path(), 96 << 10, &identity).unwrap();
    writer.set_segment_bytes(32 << 10);
    let dir_fd = writer.directory_fd();
    let program = ctop::sandbox::program_for(Some(dir_fd)).unwrap();
    let (target, existing_c) = (c(&elsewhere.path().join("created")), c(&existing));
    let results = std::thread::spawn(move || {
        // This thread only: the test harness's others stay unfiltered.
        seccompiler::apply_filter(&program).unwrap();
        assert!(ctop::sandbox::is_on());
        let mut seed = 1u64;
        for at in 0..40 {
            let mut fast = FastTier::default();
            // Incompressible, so segments fill and old ones must go.
            fast.time.local = (0..8192)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    char::from(b'a' + (seed >> 59) as u8)
                })
                .collect();
            let update = Update::Fast(Box::new(fast));
            let mut summary = None;
            let mut body = Vec::new();
            format::encode_record(&mut body, &RecordRef::of(&update, &mut summary).unwrap()).unwrap();
            writer.push(at, &body);
            writer.flush();
            assert_eq!(writer.problem, None, "sample {at}");
        }
        writer.finish();
        let mut r = Vec::new();
        // SAFETY: plain syscalls with valid C strings.
        unsafe {
            r.push(("openat elsewhere", libc::openat(libc::AT_FDCWD, target.as_ptr(), CREATE_FLAGS, 0o600), errno()));
            let name = c"ctop-99999999.rec";
            let trunc = libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC | libc::O_CLOEXEC;
            r.push(("openat O_TRUNC in the directory", libc::openat(dir_fd, name.as_ptr(), trunc, 0o600), errno()));
            r.push(("open O_WRONLY", libc::open(existing_c.as_ptr(), libc::O_WRONLY), errno()));
            r.push(("unlinkat elsewhere", libc::unlinkat(libc::AT_FDCWD, existing_c.as_ptr(), 0), errno()));
            r.push(("rmdir in the directory", libc::unlinkat(dir_fd, c"subdir".as_ptr(), libc::AT_REMOVEDIR), errno()));
        }
        r
    })
    .join()
    .unwrap();
    for (call, ret, errno) in &results {
        assert_eq!((*ret, *errno), (-1, libc::EPERM), "{call}: {results:?}");
    }
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "x");
    assert!(dir.path().join("subdir").is_dir());
    assert!(!dir.path().join(segment_name(1)).exists(), "old segments deleted under the filter");
    let segments = std::fs::read_dir(dir.path()).unwrap().count() - 1;
    assert!(segments >= 2, "{segments} segments: new ones made under the filter");
    let mut recording = Recording::open(dir.path()).unwrap();
    let last = recording.read_all().last().map(|s| s.at_ms);
    assert_eq!(last, Some(39));
}

#[test]
fn the_headless_recorder_runs_sandboxed_and_a_sigterm_leaves_a_complete_recording() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ctop"))
        .args(["--interval", "0.2", "--record"])
        .arg(&rec)
        .arg("--no-ui")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // Every thread sandboxed once it runs (20 s: far longer than starting takes).
    let started = Instant::now();
    let sandboxed = loop {
        let tasks: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/task"))
            .map(|d| {
                d.flatten().map(|t| std::fs::read_to_string(t.path().join("status")).unwrap_or_default()).collect()
            })
            .unwrap_or_default();
        let on = tasks.len() >= 4 && tasks.iter().all(|s| s.lines().any(|l| l == "Seccomp:\t2"));
        if on || started.elapsed() > Duration::from_secs(20) {
            break on;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(sandboxed, "every thread of the headless recorder under seccomp");
    std::thread::sleep(Duration::from_secs(3));
    // SAFETY: a signal to the child this test started.
    unsafe { libc::kill(pid as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "{status}: {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let mut recording = Recording::open(&rec).unwrap();
    let samples = recording.read_all();
    assert!(recording.skipped().is_empty(), "{}", recording.skipped());
    let fast = samples.iter().filter(|s| matches!(s.record, Record::Fast(_))).count();
    assert!(fast >= 5, "{fast} fast samples in 3 s at 0.2 s");
    assert!(samples.iter().any(|s| matches!(s.record, Record::Slow(_))));
    let Record::Identity(id) = &samples[0].record else { panic!("no identity first") };
    assert_eq!(id.host.hostname, ctop::collect::host::collect(&ctop::source::Source::live()).hostname);
    assert!(id.boot_epoch.is_some());
}
