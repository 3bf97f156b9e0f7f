//! The process scan on a captured /proc tree (fixtures/procs/basic): exact totals,
//! names, users, command lines and repeated counts, and how the cache follows an exec,
//! a reused pid and a vanished process.

mod fixture_tree;

use fixture_tree::copy_tree;

use ctop::collect::procs::{ProcessRow, ProcessScanner, Processes, Repeated};
use ctop::source::{FixedSystem, Source};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/procs/basic")
}

fn source(root: &Path) -> Source {
    Source::new(root, Arc::new(FixedSystem::default()))
}

fn row(processes: &Processes, pid: u32) -> &ProcessRow {
    processes.list.iter().find(|r| r.pid == pid).unwrap_or_else(|| panic!("pid {pid} not in the scan"))
}

fn page_size() -> u64 {
    nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE).unwrap().unwrap() as u64
}

#[test]
fn totals_by_state_threads_and_kernel_threads() {
    let p = ProcessScanner::new(source(&fixture())).scan();
    assert_eq!(p.total, 20);
    assert_eq!(p.list.len(), 20);
    assert_eq!(p.running, 1);
    // 14 in S, and two idle kernel threads (I).
    assert_eq!(p.sleeping, 16);
    assert_eq!(p.blocked, 1);
    assert_eq!(p.stopped, 1);
    assert_eq!(p.zombie, 1);
    // 19 single-threaded processes and python3 with 4.
    assert_eq!(p.threads, 23);
    assert_eq!(p.kernel_threads, 4);
    let pids: Vec<u32> = p.list.iter().map(|r| r.pid).collect();
    assert!(pids.windows(2).all(|w| w[0] < w[1]), "rows are in pid order: {pids:?}");
}

#[test]
fn repeated_counts_user_processes_by_name_most_first() {
    let p = ProcessScanner::new(source(&fixture())).scan();
    let repeated = |name: &str, count| Repeated { name: name.into(), count };
    // Eight sleeps (one stopped, one retitled "worker: process title", two as nobody);
    // the busy sh and the zombie sh; the vfork parent and child. Kernel threads are not
    // counted, and ties go by name.
    assert_eq!(p.repeated, vec![repeated("sleep", 8), repeated("sh", 2), repeated("vforker", 2)]);
}

#[test]
fn names_users_and_command_lines() {
    let p = ProcessScanner::new(source(&fixture())).scan();

    let sleep = row(&p, 13456);
    assert_eq!((&*sleep.name, &*sleep.user, &*sleep.cmdline), ("sleep", "root", "sleep 3600"));
    assert_eq!((sleep.ppid, sleep.state, sleep.threads, sleep.kernel_thread), (13455, 'S', 1, false));
    // RSS from statm (458 pages) rather than stat's approximate 414.
    assert_eq!(sleep.rss_bytes, 458 * page_size());

    let as_nobody = row(&p, 13459);
    assert_eq!(&*as_nobody.user, "nobody");

    // A rewritten title does not change the name.
    let retitled = row(&p, 13466);
    assert_eq!((&*retitled.name, &*retitled.cmdline), ("sleep", "worker: process title 3600"));

    // comm cut at 15 bytes is completed from the command.
    assert_eq!(&*row(&p, 13465).name, "averyveryverylongname");
    // A ')' in the name does not confuse the stat parser.
    let odd = row(&p, 13464);
    assert_eq!((&*odd.name, odd.state, &*odd.cmdline), ("odd) name", 'S', "./odd) name 3600"));

    let zombie = row(&p, 13471);
    assert_eq!((&*zombie.name, zombie.state, &*zombie.cmdline, zombie.rss_bytes), ("sh", 'Z', "", 0));
    assert!(!zombie.kernel_thread, "a zombie's empty command line does not make it a kernel thread");

    assert_eq!(row(&p, 13461).state, 'T');
    assert_eq!(row(&p, 13463).state, 'D');
    assert_eq!(row(&p, 13470).ppid, 13463);

    let python = row(&p, 13467);
    assert_eq!((python.threads, python.rss_bytes), (4, 2341 * page_size()));

    let kworker = row(&p, 11);
    assert!(kworker.kernel_thread);
    assert_eq!((&*kworker.name, &*kworker.user, &*kworker.cmdline), ("kworker/0:1-events_power_efficient", "root", ""));
    assert!(row(&p, 2).kernel_thread);
}

#[test]
fn cpu_percent_is_unknown_on_the_first_scan_and_measured_after() {
    let mut scanner = ProcessScanner::new(source(&fixture()));
    assert!(scanner.scan().list.iter().all(|r| r.cpu_percent.is_none()));
    // Longer than the shortest window a CPU % is computed over (5 ticks, 50 ms).
    std::thread::sleep(std::time::Duration::from_millis(60));
    // The tree does not change: nothing ran in between.
    assert!(scanner.scan().list.iter().all(|r| r.cpu_percent == Some(0.0)));
}

#[test]
fn an_exec_is_followed_through_a_kept_descriptor() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(), dir.path());
    let mut scanner = ProcessScanner::new(source(dir.path()));
    assert_eq!(&*row(&scanner.scan(), 13456).name, "sleep");
    assert!(scanner.kept_descriptors() >= 20);

    // The same process (same start time) exec's cat as nobody.
    let proc_dir = dir.path().join("proc/13456");
    let stat = std::fs::read_to_string(proc_dir.join("stat")).unwrap().replace("(sleep)", "(cat)");
    std::fs::write(proc_dir.join("stat"), stat).unwrap();
    std::fs::write(proc_dir.join("cmdline"), "cat\0-\0").unwrap();
    let status = std::fs::read_to_string(proc_dir.join("status")).unwrap().replace("Uid:\t0\t0", "Uid:\t65534\t65534");
    std::fs::write(proc_dir.join("status"), status).unwrap();

    // Longer than the shortest window a CPU % is computed over (5 ticks, 50 ms).
    std::thread::sleep(std::time::Duration::from_millis(60));
    let after = scanner.scan();
    let cat = row(&after, 13456);
    assert_eq!((&*cat.name, &*cat.user, &*cat.cmdline), ("cat", "nobody", "cat -"));
    assert_eq!(cat.cpu_percent, Some(0.0), "an exec keeps the process's CPU history");
}

#[test]
fn a_reused_pid_is_a_new_process_when_reading_without_kept_descriptors() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(), dir.path());
    let mut scanner = ProcessScanner::with_descriptor_budget(source(dir.path()), 0);
    let before = scanner.scan();
    assert_eq!(scanner.kept_descriptors(), 0);
    assert_eq!((&*row(&before, 13457).cmdline, &*row(&before, 13457).user), ("sleep 3600", "root"));

    // Another sleep, with another start time, now holds pid 13457: same comm, so only
    // the start time can tell.
    let proc_dir = dir.path().join("proc/13457");
    let stat = std::fs::read_to_string(proc_dir.join("stat")).unwrap();
    std::fs::write(proc_dir.join("stat"), stat.replace(" 98067 ", " 99999 ")).unwrap();
    assert!(stat.contains(" 98067 "), "the captured start time is where this test expects it");
    std::fs::write(proc_dir.join("cmdline"), "sleep\x005\0").unwrap();
    let status = std::fs::read_to_string(proc_dir.join("status")).unwrap().replace("Uid:\t0\t0", "Uid:\t65534\t65534");
    std::fs::write(proc_dir.join("status"), status).unwrap();

    // Longer than the shortest window a CPU % is computed over (5 ticks, 50 ms).
    std::thread::sleep(std::time::Duration::from_millis(60));
    let after = scanner.scan();
    let new = row(&after, 13457);
    assert_eq!((&*new.cmdline, &*new.user), ("sleep 5", "nobody"));
    assert_eq!(after.total, 20);
}

#[test]
fn a_vanished_process_leaves_the_list_and_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(), dir.path());
    let mut scanner = ProcessScanner::new(source(dir.path()));
    scanner.scan();
    let kept = scanner.kept_descriptors();
    std::fs::remove_dir_all(dir.path().join("proc/13468")).unwrap();
    let after = scanner.scan();
    assert_eq!((after.total, after.running), (19, 0));
    assert!(after.list.iter().all(|r| r.pid != 13468));
    assert_eq!(scanner.kept_descriptors(), kept - 1, "its descriptor is closed");
}

#[test]
fn garbled_or_missing_files_skip_only_that_process() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(), dir.path());
    std::fs::write(dir.path().join("proc/13456/stat"), "13456 (sleep) S 13455").unwrap();
    std::fs::remove_file(dir.path().join("proc/13457/stat")).unwrap();
    std::fs::remove_file(dir.path().join("etc/passwd")).unwrap();
    let p = ProcessScanner::new(source(dir.path())).scan();
    assert_eq!(p.total, 18);
    assert_eq!(&*row(&p, 13459).user, "65534", "without passwd a user is its uid");
}

#[test]
fn a_root_without_proc_is_an_empty_table() {
    let dir = tempfile::tempdir().unwrap();
    let p = ProcessScanner::new(source(dir.path())).scan();
    assert_eq!((p.total, p.list.len(), p.repeated.len()), (0, 0, 0));
}

#[test]
fn top_lists_are_ordered_and_cut() {
    let p = ProcessScanner::new(source(&fixture())).scan();
    let by_memory: Vec<u32> = p.top_by_memory(3).iter().map(|r| r.pid).collect();
    assert_eq!(by_memory, vec![13467, 13455, 13456]);
    assert_eq!(p.top_by_memory(100).len(), 20);
    assert!(p.top_by_cpu(0).is_empty());
    // No CPU % on a first scan: ordered by memory then.
    let by_cpu: Vec<u32> = p.top_by_cpu(2).iter().map(|r| r.pid).collect();
    assert_eq!(by_cpu, vec![13467, 13455]);
}

/// Sets field `index` (numbered as in proc(5)) of a pid's stat in a writable tree.
fn set_stat_field(root: &Path, pid: u32, index: usize, value: &str) {
    let path = root.join(format!("proc/{pid}/stat"));
    let line = std::fs::read_to_string(&path).unwrap();
    let close = line.rfind(')').unwrap();
    let mut fields: Vec<&str> = line[close + 2..].trim_end().split(' ').collect();
    fields[index - 3] = value;
    std::fs::write(&path, format!("{} {}\n", &line[..=close], fields.join(" "))).unwrap();
}

fn set_resident_pages(root: &Path, pid: u32, pages: u64) {
    let path = root.join(format!("proc/{pid}/statm"));
    let statm = std::fs::read_to_string(&path).unwrap();
    let mut fields: Vec<String> = statm.split_whitespace().map(String::from).collect();
    fields[1] = pages.to_string();
    std::fs::write(&path, fields.join(" ") + "\n").unwrap();
}

fn set_schedstat(root: &Path, pid: u32, ran_ns: u64) {
    std::fs::write(root.join(format!("proc/{pid}/schedstat")), format!("{ran_ns} 0 1\n")).unwrap();
}

#[test]
fn with_schedstat_a_process_that_has_not_run_is_not_read_again() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(), dir.path());
    let root = dir.path();
    let pids: Vec<u32> = std::fs::read_dir(root.join("proc"))
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().to_str()?.parse().ok())
        .collect();
    for &pid in &pids {
        set_schedstat(root, pid, 1000);
    }
    let mut scanner = ProcessScanner::new(source(root));
    scanner.scan();
    // schedstat kept for the 19 single-threaded processes, stat for python3.
    assert_eq!(scanner.kept_descriptors(), 20);

    // RSS changes everywhere, but only some processes ran.
    for pid in [13456, 13457, 13467, 13468] {
        set_resident_pages(root, pid, 999);
    }
    set_schedstat(root, 13457, 2000);
    let p = scanner.scan();
    let rss = |pid| row(&p, pid).rss_bytes / page_size();
    assert_eq!(rss(13456), 458, "asleep and has not run: its last reading holds");
    assert_eq!(rss(13457), 999, "it ran: stat read again");
    assert_eq!(rss(13467), 999, "multithreaded: stat read on every scan");
    assert_eq!(rss(13468), 999, "it was running: stat read on every scan");
    assert_eq!(row(&p, 13456).cpu_percent, Some(0.0));

    // A process that starts threads is read on every scan from then on.
    set_stat_field(root, 13458, 20, "3");
    set_schedstat(root, 13458, 5000);
    assert_eq!(row(&scanner.scan(), 13458).threads, 3);
    set_resident_pages(root, 13458, 777);
    assert_eq!(row(&scanner.scan(), 13458).rss_bytes / page_size(), 777);
}

#[test]
fn descriptors_are_kept_only_while_scans_come_often() {
    let mut scanner = ProcessScanner::new(source(&fixture()));
    scanner.scan();
    assert_eq!(scanner.kept_descriptors(), 20);
    std::thread::sleep(std::time::Duration::from_millis(5200));
    let sparse = scanner.scan();
    assert_eq!(scanner.kept_descriptors(), 0, "five seconds apart: each costs a kernel buffer for nothing");
    assert_eq!(sparse.total, 20);
    assert!(sparse.list.iter().all(|r| r.cpu_percent == Some(0.0)));
    scanner.scan();
    assert_eq!(scanner.kept_descriptors(), 20);
}

#[test]
fn an_exec_caught_half_way_gets_its_arguments_on_a_later_scan() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(), dir.path());
    // New comm, arguments not yet in place: as an exec looks for a moment.
    let cmdline = dir.path().join("proc/13456/cmdline");
    std::fs::write(&cmdline, "").unwrap();
    let mut scanner = ProcessScanner::new(source(dir.path()));
    assert_eq!(&*row(&scanner.scan(), 13456).cmdline, "");
    std::fs::write(&cmdline, "sleep\x003600\0").unwrap();
    assert_eq!(&*row(&scanner.scan(), 13456).cmdline, "sleep 3600");
}
