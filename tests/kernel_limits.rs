//! System-wide kernel limits: open files against fs.file-max and tasks against
//! kernel.pid_max / threads-max, read from machine trees made here (old kernels' and
//! garbled files too), judged under, at and over their thresholds, and on this machine.

use ctop::collect::kernel_limits::{self, KernelLimits};
use ctop::health::{self, Key, Severity, Thresholds};
use ctop::snapshot::Snapshot;
use ctop::source::{FixedSystem, Source};
use std::sync::Arc;

fn machine(files: &[(&str, &str)]) -> (tempfile::TempDir, KernelLimits) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let limits = kernel_limits::collect(&Source::new(dir.path(), Arc::new(FixedSystem::default())));
    (dir, limits)
}

fn limits(open: u64, max: u64, tasks: u64, pid_max: u64, threads_max: u64) -> KernelLimits {
    KernelLimits {
        open_files: Some(open),
        file_max: Some(max),
        tasks: Some(tasks),
        pid_max: Some(pid_max),
        threads_max: Some(threads_max),
    }
}

fn severity(k: KernelLimits, what: &'static str) -> (Severity, Option<String>) {
    let snapshot = Snapshot { kernel_limits: k, ..Snapshot::default() };
    let findings = health::judge(&snapshot, &Thresholds::default());
    let key = Key::KernelLimit(what);
    let message = findings.problems.iter().find(|p| p.key == key).map(|p| p.message.clone());
    (findings.severity(&key), message)
}

#[test]
fn reads_file_nr_loadavg_and_the_task_limits() {
    let (_dir, k) = machine(&[
        ("proc/sys/fs/file-nr", "28757\t0\t2466174\n"),
        ("proc/loadavg", "0.52 0.58 0.59 2/340 28148\n"),
        ("proc/sys/kernel/pid_max", "32768\n"),
        ("proc/sys/kernel/threads-max", "192729\n"),
    ]);
    assert_eq!(k, limits(28_757, 2_466_174, 340, 32_768, 192_729));
    assert_eq!(k.task_limit(), Some(32_768));
}

#[test]
fn missing_or_garbled_files_are_unknown() {
    let (_dir, k) = machine(&[("proc/sys/fs/file-nr", "x y\n"), ("proc/loadavg", "0.1 0.2 0.3\n")]);
    assert_eq!(k, KernelLimits::default());
    assert_eq!(severity(k, "files").0, Severity::Ok);
    let (_dir, k) = machine(&[("proc/sys/fs/file-nr", "100 0\n"), ("proc/sys/fs/file-max", "200\n")]);
    assert_eq!((k.open_files, k.file_max), (Some(100), Some(200)), "file-max where file-nr lacks it");
}

#[test]
fn open_files_under_at_and_over_their_thresholds() {
    let at = |open| severity(limits(open, 1000, 1, 100, 100), "files").0;
    // Judged as shown (whole percents): 79.4 % shows 79 %, 79.5 % already 80 %.
    assert_eq!(at(794), Severity::Ok);
    assert_eq!(at(795), Severity::Warning);
    assert_eq!(at(944), Severity::Warning);
    assert_eq!(at(950), Severity::Error);
    let (_, message) = severity(limits(960, 1000, 1, 100, 100), "files");
    assert_eq!(message.as_deref(), Some("960 open files system-wide, 96% of fs.file-max 1000"));
}

#[test]
fn tasks_against_the_tighter_limit() {
    let at = |tasks, pid_max, threads_max| severity(limits(0, 10, tasks, pid_max, threads_max), "tasks");
    assert_eq!(at(794, 1000, 5000).0, Severity::Ok);
    assert_eq!(at(800, 1000, 5000).0, Severity::Warning);
    assert_eq!(at(950, 1000, 5000).0, Severity::Error);
    assert_eq!(at(800, 5000, 1000).1.as_deref(), Some("800 tasks, 80% of kernel.threads-max 1000"));
    assert_eq!(at(950, 1000, 5000).1.as_deref(), Some("950 tasks, 95% of kernel.pid_max 1000"));
}

#[test]
fn this_machine_agrees_with_proc_sys() {
    let k = kernel_limits::collect(&Source::live());
    let read = |p: &str| std::fs::read_to_string(p).unwrap().trim().parse::<u64>().unwrap();
    assert_eq!(k.pid_max, Some(read("/proc/sys/kernel/pid_max")));
    assert_eq!(k.threads_max, Some(read("/proc/sys/kernel/threads-max")));
    assert_eq!(k.file_max, Some(read("/proc/sys/fs/file-max")));
    assert!(k.open_files.is_some_and(|n| n > 0) && k.tasks.is_some_and(|n| n > 0), "{k:?}");
}
