//! The process scan on this machine: children this test starts (many of one program, a
//! zombie, a pid handed to a new program), processes coming and going during scans, and
//! agreement with `ps`.

use ctop::collect::procs::{ProcessRow, ProcessScanner, Processes};
use ctop::source::Source;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Children killed and reaped when the test ends, however it ends.
struct Children(Vec<Child>);

impl Children {
    /// Starts `count` copies and waits until each has its arguments (has finished its
    /// exec), as a scan right after would otherwise catch some half-way.
    fn spawn(count: usize, program: &str, args: &[&str]) -> Self {
        let children = Self((0..count).map(|_| start(program, args)).collect());
        for child in &children.0 {
            wait_for_exec(child.id());
        }
        children
    }
}

fn wait_for_exec(pid: u32) {
    let give_up = Instant::now() + Duration::from_secs(10);
    while std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c.is_empty()) && Instant::now() < give_up {
        std::thread::sleep(Duration::from_millis(1));
    }
}

impl Drop for Children {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn start(program: &str, args: &[&str]) -> Child {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {program}: {e}"))
}

fn row(processes: &Processes, pid: u32) -> Option<&ProcessRow> {
    processes.list.iter().find(|r| r.pid == pid)
}

fn my_user() -> String {
    let uid = nix::unistd::geteuid();
    nix::unistd::User::from_uid(uid).ok().flatten().map_or_else(|| uid.to_string(), |u| u.name)
}

#[test]
fn fifty_children_of_one_program_are_repeated_and_each_is_listed() {
    let children = Children::spawn(50, "sleep", &["30"]);
    let mut scanner = ProcessScanner::new(Source::live());
    let p = scanner.scan();

    let sleeps = p.repeated.iter().find(|r| &*r.name == "sleep").expect("sleep among the repeated");
    assert!(sleeps.count >= 50, "{sleeps:?}");
    let user = my_user();
    for child in &children.0 {
        let r = row(&p, child.id()).unwrap_or_else(|| panic!("child {} not listed", child.id()));
        assert_eq!((&*r.name, &*r.cmdline, &*r.user), ("sleep", "sleep 30", user.as_str()));
        assert_eq!(r.ppid, std::process::id());
        assert!(!r.kernel_thread);
        assert!(r.rss_bytes > 0);
    }
    assert!(p.total >= 51 && p.kernel_threads > 0 && p.threads >= p.total);
}

#[test]
fn an_ended_process_is_gone_from_the_next_scan() {
    let mut children = Children::spawn(1, "sleep", &["30"]);
    let pid = children.0[0].id();
    let mut scanner = ProcessScanner::new(Source::live());
    assert!(row(&scanner.scan(), pid).is_some());
    // Ending and reaping it creates no task, so the next scan may well skip listing
    // /proc: its kept descriptor must tell that it is gone.
    children.0[0].kill().unwrap();
    children.0[0].wait().unwrap();
    children.0.clear();
    assert!(row(&scanner.scan(), pid).is_none());
}

#[test]
fn a_child_that_exited_without_being_waited_for_is_a_zombie() {
    let mut child = start("true", &[]);
    let mut scanner = ProcessScanner::new(Source::live());
    // Liveness only: `true` exits within milliseconds; 20 s is missed only if never.
    let give_up = Instant::now() + Duration::from_secs(20);
    let zombie = loop {
        let p = scanner.scan();
        if let Some(r) = row(&p, child.id()).filter(|r| r.state == 'Z') {
            break (r.clone(), p.zombie);
        }
        assert!(Instant::now() < give_up, "`true` did not become a zombie");
        std::thread::sleep(Duration::from_millis(20));
    };
    child.wait().unwrap();
    let (r, zombies) = zombie;
    assert!(zombies >= 1);
    assert_eq!((&*r.name, r.rss_bytes, r.kernel_thread), ("true", 0, false));
}

#[test]
fn processes_starting_and_ending_during_scans_are_harmless() {
    let done = Arc::new(AtomicBool::new(false));
    let churn = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            for _ in 0..1000 {
                start("true", &[]).wait().unwrap();
            }
            done.store(true, Ordering::Relaxed);
        })
    };
    let mut scanner = ProcessScanner::new(Source::live());
    let mut scans = 0;
    while !done.load(Ordering::Relaxed) || scans < 2 {
        let p = scanner.scan();
        scans += 1;
        assert_eq!(p.total, p.list.len());
        assert!(p.running + p.sleeping + p.blocked + p.stopped + p.zombie <= p.total);
        assert!(p.threads >= p.total && p.kernel_threads < p.total);
        assert!(p.list.windows(2).all(|w| w[0].pid < w[1].pid), "pids are listed once, in order");
        assert!(row(&p, std::process::id()).is_some());
        assert!(p.list.iter().all(|r| r.cpu_percent.is_none_or(|c| c.is_finite() && c >= 0.0)));
    }
    churn.join().unwrap();
    // Every vanished pid was pruned: at most two descriptors per process alive now (its
    // stat or schedstat, and its io once it has run).
    let alive = scanner.scan().total;
    let kept = scanner.kept_descriptors();
    assert!(kept <= 2 * alive, "{kept} descriptors for {alive} processes");
}

/// Hands `pid` to a new process by setting the last allocated pid just below it (root
/// only); `None` when other processes kept taking it.
fn reuse_pid(pid: u32, program: &str, args: &[&str]) -> Option<Children> {
    for _ in 0..100 {
        std::fs::write("/proc/sys/kernel/ns_last_pid", (pid - 1).to_string()).ok()?;
        let new = Children(vec![start(program, args)]);
        if new.0[0].id() == pid {
            wait_for_exec(pid);
            return Some(new);
        }
    }
    None
}

#[test]
fn a_reused_pid_gets_the_new_process_name_not_the_cached_one() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("skipped: steering pid allocation (ns_last_pid) needs root");
        return;
    }
    let old = Children::spawn(1, "sleep", &["30"]);
    let pid = old.0[0].id();
    // One scanner reads through kept descriptors, the other opens stat every time.
    let mut kept = ProcessScanner::new(Source::live());
    let mut reopened = ProcessScanner::with_descriptor_budget(Source::live(), 0);
    for scanner in [&mut kept, &mut reopened] {
        assert_eq!(row(&scanner.scan(), pid).map(|r| &*r.name), Some("sleep"));
    }
    // Without a kept descriptor only the start time tells two processes apart, and it
    // counts clock ticks: let the new one start a few ticks later.
    std::thread::sleep(Duration::from_millis(50));
    drop(old);

    // The same program under the same pid: only the process's identity (the kept
    // descriptor failing, or the start time) tells that the cached command is stale.
    let Some(_new) = reuse_pid(pid, "sleep", &["31"]) else {
        eprintln!("skipped: pid {pid} kept being taken by other processes");
        return;
    };
    for scanner in [&mut kept, &mut reopened] {
        let p = scanner.scan();
        let r = row(&p, pid).expect("the new process is listed");
        assert_eq!((&*r.name, &*r.cmdline), ("sleep", "sleep 31"));
    }
}

/// pid → (user, comm) as `ps` lists them.
fn ps() -> std::collections::BTreeMap<u32, (String, String)> {
    let out = Command::new("ps").args(["-eo", "pid=,user:64=,comm:64="]).output().expect("running ps (procps)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let pid = fields.next()?.parse().ok()?;
            let user = fields.next()?.to_string();
            Some((pid, (user, fields.collect::<Vec<_>>().join(" "))))
        })
        .collect()
}

#[test]
fn names_and_users_agree_with_ps() {
    let mut scanner = ProcessScanner::new(Source::live());
    // Processes start, exec and end all the time (a build runs hundreds a second):
    // compare those `ps` lists the same just before and just after the scan, which
    // lived through it unchanged.
    let before = ps();
    let p = scanner.scan();
    let after = ps();
    let stable: Vec<(&u32, &(String, String))> = before.iter().filter(|(pid, v)| after.get(pid) == Some(v)).collect();
    let (mut missing, mut differ) = (Vec::new(), Vec::new());
    for &(&pid, (user, comm)) in &stable {
        let Some(r) = row(&p, pid) else {
            missing.push(format!("{pid} {user} {comm}"));
            continue;
        };
        let same_name = *r.name == *comm || (comm.len() == 15 && r.name.starts_with(comm.as_str()));
        if !same_name || &*r.user != user {
            differ.push(format!("{pid}: ctop {}/{} ps {user}/{comm}", r.user, r.name));
        }
    }
    assert!(stable.len() > 10, "{} processes stood still", stable.len());
    // Only a pid that ended and was taken again by the same command and user between
    // the two `ps` runs could be missed: pids are handed out in turn, so hardly ever.
    assert!(missing.len() <= 2, "ctop missed {missing:#?} of {} processes", stable.len());
    assert!(differ.len() <= 2, "{differ:#?}");
}
