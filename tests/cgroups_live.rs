//! The cgroup collector on this machine, for real: the test makes cgroups named like
//! systemd units under a slice of its own (`ctoptest-<pid>.slice/hog.service`, …) in
//! each hierarchy it needs — the v1 `cpu`, `cpuacct`, `memory` hierarchies of a legacy
//! or hybrid host, or the unified one where it has the controllers — then runs a busy
//! loop in one, an allocation past a memory limit in another (an OOM kill) and a busy
//! loop under a 2 % CPU quota in a third. Everything it made is removed however the
//! test ends (tasks killed, directories removed on drop). Needs root.

use ctop::collect::cgroups::{CgroupSampler, Cgroups};
use ctop::health::{self, Severity, Thresholds};
use ctop::snapshot::Snapshot;
use ctop::source::Source;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where each needed controller can be used: v1 mounts, or the unified hierarchy.
enum Layout {
    V1 { cpu: PathBuf, cpuacct: PathBuf, memory: PathBuf },
    V2 { top: PathBuf },
}

fn layout() -> Option<Layout> {
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    let v1 = |controller: &str| {
        mountinfo.lines().find_map(|l| {
            let (left, right) = l.split_once(" - ")?;
            let mut r = right.split_whitespace();
            let (fstype, _, options) = (r.next()?, r.next()?, r.next()?);
            let mount_point = PathBuf::from(left.split_whitespace().nth(4)?);
            (fstype == "cgroup" && options.split(',').any(|o| o == controller)).then_some(mount_point)
        })
    };
    if let (Some(cpu), Some(cpuacct), Some(memory)) = (v1("cpu"), v1("cpuacct"), v1("memory")) {
        return Some(Layout::V1 { cpu, cpuacct, memory });
    }
    let top = mountinfo.lines().find_map(|l| {
        let (left, right) = l.split_once(" - ")?;
        let mount_point = PathBuf::from(left.split_whitespace().nth(4)?);
        right.starts_with("cgroup2 ").then_some(mount_point)
    })?;
    let controllers = std::fs::read_to_string(top.join("cgroup.controllers")).ok()?;
    ["cpu", "memory"].iter().all(|c| controllers.split_whitespace().any(|x| x == *c)).then_some(Layout::V2 { top })
}

/// The cgroups and processes the test made, removed on drop.
#[derive(Default)]
struct Made {
    children: Vec<Child>,
    /// Directories in the order made (removed in reverse), with their hierarchy's top.
    dirs: Vec<(PathBuf, PathBuf)>,
}

impl Made {
    fn dir(&mut self, top: &Path, relative: &str) -> PathBuf {
        let dir = top.join(relative);
        if !dir.exists() {
            std::fs::create_dir(&dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
            self.dirs.push((top.to_path_buf(), dir.clone()));
        }
        dir
    }

    fn spawn(&mut self, script: &str) -> (u32, usize) {
        let child = Command::new("sh")
            .args(["-c", script])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting sh");
        self.children.push(child);
        (self.children.last().unwrap().id(), self.children.len() - 1)
    }
}

impl Drop for Made {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        for (top, dir) in self.dirs.iter().rev() {
            // Anything left inside (a grandchild) goes back to the top, then the
            // directory can go; a cgroup whose last task just died may take a moment.
            if let Ok(procs) = std::fs::read_to_string(dir.join("cgroup.procs")) {
                for pid in procs.lines() {
                    let _ = std::fs::write(top.join("cgroup.procs"), pid);
                }
            }
            for _ in 0..100 {
                if std::fs::remove_dir(dir).is_ok() || !dir.exists() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

fn write(path: PathBuf, value: impl ToString) {
    std::fs::write(&path, value.to_string()).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

/// utime + stime of a process in µs.
fn process_cpu_usec(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let hz = nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK).unwrap().unwrap() as u64;
    ticks * 1_000_000 / hz
}

fn find<'a>(cgroups: &'a Cgroups, path: &str) -> &'a ctop::collect::cgroups::Cgroup {
    cgroups.list.iter().find(|c| c.path == path).unwrap_or_else(|| panic!("{path} not listed"))
}

#[test]
fn busy_oom_killed_and_throttled_services_are_seen_and_judged() {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("skipped: making cgroups needs root");
        return;
    }
    let Some(layout) = layout() else {
        eprintln!("skipped: neither v1 cpu/cpuacct/memory hierarchies nor a v2 one with those controllers");
        return;
    };
    let slice = format!("ctoptest-{}.slice", std::process::id());
    let mut made = Made::default();
    let (hog, oom, throttled) =
        (format!("{slice}/hog.service"), format!("{slice}/oom.service"), format!("{slice}/throttled.service"));

    // Where each process goes, per hierarchy.
    let mut join: Vec<(PathBuf, &str)> = Vec::new(); // (cgroup dir, which)
    match &layout {
        Layout::V1 { cpu, cpuacct, memory } => {
            for top in [cpu, cpuacct, memory] {
                made.dir(top, &slice);
                for service in [&hog, &oom, &throttled] {
                    let dir = made.dir(top, service);
                    join.push((dir, service.rsplit('/').next().unwrap()));
                }
            }
            write(cpu.join(&throttled).join("cpu.cfs_period_us"), 100_000);
            write(cpu.join(&throttled).join("cpu.cfs_quota_us"), 2_000);
            write(memory.join(&oom).join("memory.limit_in_bytes"), 32 << 20);
            if memory.join(&oom).join("memory.memsw.limit_in_bytes").exists() {
                write(memory.join(&oom).join("memory.memsw.limit_in_bytes"), 32 << 20);
            }
        }
        Layout::V2 { top } => {
            made.dir(top, &slice);
            write(top.join(&slice).join("cgroup.subtree_control"), "+cpu +memory");
            for service in [&hog, &oom, &throttled] {
                let dir = made.dir(top, service);
                join.push((dir, service.rsplit('/').next().unwrap()));
            }
            write(top.join(&throttled).join("cpu.max"), "2000 100000");
            write(top.join(&oom).join("memory.max"), 32 << 20);
            let _ = std::fs::write(top.join(&oom).join("memory.swap.max"), "0");
        }
    }

    let (hog_pid, _) = made.spawn("while :; do :; done");
    let (throttled_pid, _) = made.spawn("while :; do :; done");
    // Waits for a line, then grows `tail`'s buffer (no newline in /dev/zero) past the limit.
    let (oom_pid, oom_child) = made.spawn("read go; head -c 1000000000 /dev/zero | tail");
    for (dir, which) in &join {
        let pid = match *which {
            "hog.service" => hog_pid,
            "oom.service" => oom_pid,
            _ => throttled_pid,
        };
        write(dir.join("cgroup.procs"), pid);
    }

    let mut sampler = CgroupSampler::new(Source::live());
    let hog_before = process_cpu_usec(hog_pid);
    let started = Instant::now();
    sampler.collect();
    // Now the allocation: the kill comes inside the window.
    writeln!(made.children[oom_child].stdin.as_mut().unwrap(), "go").unwrap();
    let oom_status = {
        // Never hangs: 20 s is far beyond the ~0.1 s the allocation takes.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = made.children[oom_child].try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "the allocation under a 32 MiB limit was never killed");
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    std::thread::sleep(Duration::from_secs(2).saturating_sub(started.elapsed()));
    let hog_after = process_cpu_usec(hog_pid);
    let window = started.elapsed();
    let cgroups = sampler.collect();
    let hog_own = (hog_after - hog_before) as f64 / window.as_micros() as f64 * 100.0;

    // The busy loop: its cgroup's CPU % is the process's own.
    let hog_cgroup = find(&cgroups, &format!("/{hog}"));
    assert_eq!((hog_cgroup.name.as_str(), hog_cgroup.kind.as_str()), ("hog.service", "service"));
    let hog_cpu = hog_cgroup.cpu_percent.expect("CPU % after two readings");
    assert!(hog_own > 5.0, "the busy loop ran: {hog_own:.1}%");
    assert!((hog_cpu - hog_own).abs() <= 5.0, "cgroup {hog_cpu:.1}% against the process's {hog_own:.1}%");
    assert_eq!(find(&cgroups, &format!("/{slice}")).kind.as_str(), "slice");
    assert_eq!(cgroups.of_process(hog_pid).map(|c| c.name.as_str()), Some("hog.service"), "the process's unit");

    // The OOM kill: counted in oom.service (not its slice), and judged an error naming it.
    assert!(!oom_status.success(), "the shell saw its pipeline killed: {oom_status:?}");
    let oom_cgroup = find(&cgroups, &format!("/{oom}"));
    assert!(oom_cgroup.oom_kills.is_some_and(|n| n >= 1), "{oom_cgroup:?}");
    assert_eq!(oom_cgroup.memory_limit_bytes, Some(32 << 20));
    let events: Vec<_> = cgroups.oom_events.iter().filter(|e| e.path.contains(&slice)).collect();
    assert_eq!(events.len(), 1, "one event, in the service: {events:?}");
    assert_eq!(events[0].name, "oom.service");

    // The throttled loop: periods throttled and time lost to the quota.
    let throttled_cgroup = find(&cgroups, &format!("/{throttled}"));
    assert!(throttled_cgroup.throttled_periods.is_some_and(|n| n > 0), "{throttled_cgroup:?}");
    let lost = throttled_cgroup.throttled_percent.expect("throttled %");
    assert!(lost > 0.0, "{throttled_cgroup:?}");
    assert!(throttled_cgroup.cpu_percent.is_some_and(|c| c <= 2.0 + 1.0), "{throttled_cgroup:?}");

    let snapshot = Snapshot { cgroups: cgroups.clone(), ..Snapshot::default() };
    let findings = health::judge(&snapshot, &Thresholds::default());
    let mine: Vec<_> = findings.problems.iter().filter(|p| p.message.contains(".service")).collect();
    let oom_finding = mine.iter().find(|p| p.message.starts_with("oom.service: OOM kill at ")).expect("OOM finding");
    assert_eq!(oom_finding.severity, Severity::Error);
    // A loop that wants a whole CPU under a 2 % quota waits nearly all the time.
    assert!(
        mine.iter()
            .any(|p| p.message.starts_with("throttled.service CPU throttled") && p.severity == Severity::Warning),
        "throttled {lost:.0}%: {mine:?}"
    );
    eprintln!("hog {hog_cpu:.1}% (process {hog_own:.1}%), throttled {lost:.0}%, findings {mine:?}");

    // The kill joins the problem timeline: one error event naming the service.
    let mut timeline = ctop::health::timeline::Timeline::default();
    timeline.observe(events[0].epoch * 1000, &snapshot, &findings);
    let named: Vec<_> =
        timeline.events().filter(|e| e.key.is_none() && e.first_message.starts_with("oom.service: OOM kill")).collect();
    assert_eq!(named.len(), 1, "{:?}", timeline.events().collect::<Vec<_>>());
    assert_eq!((named[0].severity, named[0].started_ms), (Severity::Error, events[0].epoch * 1000));
}
