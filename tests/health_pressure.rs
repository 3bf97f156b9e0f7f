//! Pressure stall information and OOM kills, from fixtures and from this machine.

use ctop::collect::pressure::{self, OomKills, OomWatch, Pressure};
use ctop::source::{FixedSystem, Source};
use std::path::Path;
use std::sync::Arc;

fn fixture(name: &str) -> Source {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/health").join(name);
    assert!(root.is_dir(), "missing fixture {}", root.display());
    Source::new(root, Arc::new(FixedSystem::default()))
}

#[test]
fn avg10_of_some_and_full() {
    let p = pressure::collect(&fixture("pressure-6.x"));
    assert_eq!(
        p,
        Pressure {
            cpu_some: Some(12.5),
            memory_some: Some(22.18),
            memory_full: Some(11.18),
            io_some: Some(31.0),
            io_full: Some(4.25)
        }
    );
}

#[test]
fn kernels_before_5_13_have_no_cpu_full_line() {
    let p = pressure::collect(&fixture("pressure-5.4"));
    assert_eq!(p.cpu_some, Some(0.75));
    assert_eq!(p.memory_full, Some(0.0));
    assert_eq!(p.io_full, Some(0.5));
}

#[test]
fn no_psi_or_garbled_psi_is_unknown() {
    assert_eq!(pressure::collect(&fixture("pressure-none")), Pressure::default());
    assert_eq!(pressure::collect(&fixture("pressure-garbled")), Pressure::default());
}

/// The `some` and `full` avg10 of one live PSI file, as the file says them.
fn avg10_in(file: &str) -> Option<(Option<f64>, Option<f64>)> {
    let text = std::fs::read_to_string(file).ok()?;
    let avg10 = |kind: &str| {
        let line = text.lines().find(|l| l.starts_with(&format!("{kind} ")))?;
        line.split_whitespace().find_map(|w| w.strip_prefix("avg10=")).map(|v| v.parse::<f64>().unwrap())
    };
    Some((avg10("some"), avg10("full")))
}

fn live_pressure_files() -> [Option<(Option<f64>, Option<f64>)>; 3] {
    ["/proc/pressure/cpu", "/proc/pressure/memory", "/proc/pressure/io"].map(avg10_in)
}

#[test]
fn the_live_machine_agrees_with_its_pressure_files() {
    if !Path::new("/proc/pressure/memory").exists() {
        assert_eq!(pressure::collect(&Source::live()), Pressure::default(), "no PSI, nothing read");
        eprintln!("skipped: this kernel has no PSI (/proc/pressure)");
        return;
    }
    // The kernel updates the averages every 2 s: compare a reading that the files,
    // read just before and just after it, agree on.
    for _ in 0..50 {
        let before = live_pressure_files();
        let p = pressure::collect(&Source::live());
        if live_pressure_files() != before {
            continue;
        }
        let [cpu, memory, io] = before.map(|f| f.expect("a PSI file"));
        println!("live pressure: {p:?}");
        assert_eq!(p.cpu_some, cpu.0, "cpu some");
        assert_eq!(p.memory_some, memory.0, "memory some");
        assert_eq!(p.memory_full, memory.1, "memory full");
        assert_eq!(p.io_some, io.0, "io some");
        assert_eq!(p.io_full, io.1, "io full");
        assert!(p.memory_some.is_some() && p.io_some.is_some() && p.cpu_some.is_some(), "{p:?}");
        return;
    }
    panic!("the pressure files changed under every one of 50 readings");
}

#[test]
fn oom_kills_while_watching_count_from_the_first_reading() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir(root.path().join("proc")).unwrap();
    let vmstat = root.path().join("proc/vmstat");
    let write = |n: u64| std::fs::write(&vmstat, format!("nr_free_pages 100\noom_kill {n}\nnr_foo 1\n")).unwrap();
    let source = Source::new(root.path(), Arc::new(FixedSystem::default()));

    write(7);
    let mut watch = OomWatch::new(source.clone());
    assert_eq!(watch.collect(), OomKills { since_boot: Some(7), while_watching: Some(0) });
    write(9);
    assert_eq!(watch.collect(), OomKills { since_boot: Some(9), while_watching: Some(2) });
    // Old kernels (before 4.13) have no oom_kill field.
    std::fs::write(&vmstat, "nr_free_pages 100\n").unwrap();
    assert_eq!(watch.collect(), OomKills { since_boot: None, while_watching: None });
}

#[test]
fn oom_kills_start_counting_when_the_file_first_appears() {
    let root = tempfile::tempdir().unwrap();
    let source = Source::new(root.path(), Arc::new(FixedSystem::default()));
    let mut watch = OomWatch::new(source);
    assert_eq!(watch.collect(), OomKills::default());
    std::fs::create_dir(root.path().join("proc")).unwrap();
    std::fs::write(root.path().join("proc/vmstat"), "oom_kill 3\n").unwrap();
    assert_eq!(watch.collect(), OomKills { since_boot: Some(3), while_watching: Some(0) });
}

#[test]
fn the_live_oom_count_is_the_kernels() {
    let kernel = || {
        let vmstat = std::fs::read_to_string("/proc/vmstat").unwrap();
        vmstat.lines().find_map(|l| l.strip_prefix("oom_kill ")).map(|v| v.parse::<u64>().unwrap())
    };
    // Another test may cause an OOM kill meanwhile: the count lies between two readings.
    let before = kernel();
    let mut watch = OomWatch::new(Source::live());
    let k = watch.collect();
    let after = kernel();
    println!("live OOM kills: {k:?}");
    match (before, after) {
        (Some(b), Some(a)) => {
            assert!(k.since_boot.is_some_and(|n| (b..=a).contains(&n)), "{k:?} not in {b}..={a}");
            assert!(k.while_watching.is_some_and(|n| n <= a - b), "{k:?}");
        }
        _ => assert_eq!(k, OomKills::default(), "this kernel has no oom_kill counter"),
    }
}

/// Where the live machine mounts the memory controller at its hierarchy's root, and
/// the file that caps a cgroup's memory there.
fn live_memory_hierarchy() -> Option<(std::path::PathBuf, &'static str)> {
    let info = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    info.lines().find_map(|l| {
        let (left, right) = l.split_once(" - ")?;
        let f: Vec<&str> = left.split(' ').collect();
        let r: Vec<&str> = right.split(' ').collect();
        let top = Path::new(f[4]);
        match r[0] {
            "cgroup2"
                if std::fs::read_to_string(top.join("cgroup.subtree_control"))
                    .is_ok_and(|s| s.split_whitespace().any(|c| c == "memory")) =>
            {
                Some((top.to_path_buf(), "memory.max"))
            }
            "cgroup" if r[2].split(',').any(|o| o == "memory") && f[3] == "/" => {
                Some((top.to_path_buf(), "memory.limit_in_bytes"))
            }
            _ => None,
        }
    })
}

/// A real OOM kill, confined to a 16 MiB cgroup of its own: the machine's other
/// processes never feel it (it raises the kernel's counter and logs to the kernel log).
#[test]
fn a_real_oom_kill_is_seen_while_watching() {
    if !nix::unistd::Uid::effective().is_root() {
        eprintln!("skipped: needs root to make a memory cgroup");
        return;
    }
    let Some((top, limit_file)) = live_memory_hierarchy() else {
        eprintln!("skipped: no memory cgroup hierarchy here");
        return;
    };
    let dir = top.join(format!("ctop-oom-test-{}", std::process::id()));
    if std::fs::create_dir(&dir).is_err() {
        eprintln!("skipped: cannot create {}", dir.display());
        return;
    }
    let cleanup = scopeguard(&dir);
    std::fs::write(dir.join(limit_file), (16u64 << 20).to_string()).unwrap();
    // Swap would let the hog page out instead of being killed.
    let _ = std::fs::write(dir.join("memory.memsw.limit_in_bytes"), (16u64 << 20).to_string());
    let _ = std::fs::write(dir.join("memory.swap.max"), "0");

    let mut watch = OomWatch::new(Source::live());
    // `tail /dev/zero` keeps a never-ending line in memory: a classic memory hog. The
    // shell moves itself into the cgroup before becoming tail.
    let procs = dir.join("cgroup.procs");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("echo $$ > {} && exec tail /dev/zero", procs.display()))
        .status()
        .unwrap();
    assert!(!status.success(), "the hog was killed");
    let k = watch.collect();
    println!("after the hog: {k:?}");
    assert!(k.while_watching.is_some_and(|n| n >= 1), "{k:?}");
    drop(cleanup);
}

/// Removes the test cgroup when the test ends, passed or failed.
fn scopeguard(dir: &Path) -> impl Drop + '_ {
    struct Remove<'a>(&'a Path);
    impl Drop for Remove<'_> {
        fn drop(&mut self) {
            // The killed process may take a moment to leave the cgroup.
            for _ in 0..50 {
                if std::fs::remove_dir(self.0).is_ok() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        }
    }
    Remove(dir)
}
