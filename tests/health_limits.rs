//! Container limits from cgroup fixture trees (v1, v2, nested, unlimited, garbled) and
//! from this machine's real cgroup filesystem, with a cgroup made for the test.

use ctop::collect::limits::{self, ContainerLimits};
use ctop::source::{FixedSystem, LiveSystem, Source};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;

const MIB: u64 = 1 << 20;

fn fixture(name: &str) -> ContainerLimits {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/health").join(name);
    assert!(root.is_dir(), "missing fixture {}", root.display());
    limits::collect(&Source::new(root, Arc::new(FixedSystem::default())))
}

#[test]
fn v2_inside_a_container_reads_the_top_of_the_mount() {
    let l = fixture("limits-v2-container");
    assert_eq!(l.memory_max_bytes, Some(512 * MIB));
    assert_eq!(l.memory_current_bytes, Some(450 * MIB));
    assert_eq!(l.memory_inactive_file_bytes, Some(71_859_200));
    assert_eq!(l.cpu_quota_cpus, Some(1.5));
}

#[test]
fn v2_takes_the_tightest_limit_on_the_way_up_and_that_cgroups_usage() {
    let l = fixture("limits-v2-nested");
    // The slice's 1 GiB binds, not the service's own 2 GiB; its usage is what counts.
    assert_eq!(l.memory_max_bytes, Some(1024 * MIB));
    assert_eq!(l.memory_current_bytes, Some(768 * MIB));
    assert_eq!(l.memory_inactive_file_bytes, Some(1000));
    assert_eq!(l.cpu_quota_cpus, Some(2.0), "the service says max, its slice 2 CPUs");
}

#[test]
fn unlimited_is_none() {
    let l = fixture("limits-v2-unlimited");
    assert_eq!(l.memory_max_bytes, None);
    assert_eq!(l.cpu_quota_cpus, None);
    assert_eq!(l.memory_current_bytes, Some(200 * MIB), "usage is still known");

    let l = fixture("limits-v1-hybrid-unlimited");
    assert_eq!(l.memory_max_bytes, None, "9223372036854771712 is v1's unlimited");
    assert_eq!(l.cpu_quota_cpus, None, "a quota of -1 is unlimited");
    assert_eq!(l.memory_current_bytes, Some(263_081_984));
    assert_eq!(l.memory_inactive_file_bytes, Some(339_656_704));
}

#[test]
fn a_memory_limit_above_the_hosts_memory_is_no_limit() {
    let l = fixture("limits-v2-above-host");
    assert_eq!(l.memory_max_bytes, None);
    assert_eq!(l.cpu_quota_cpus, Some(1.0));
}

#[test]
fn v1_docker_without_a_cgroup_namespace() {
    let l = fixture("limits-v1-docker");
    assert_eq!(l.memory_max_bytes, Some(256 * MIB));
    assert_eq!(l.memory_current_bytes, Some(240 * MIB));
    assert_eq!(l.memory_inactive_file_bytes, Some(50 * MIB), "the hierarchical total_inactive_file");
    assert_eq!(l.cpu_quota_cpus, Some(0.5));
}

#[test]
fn garbled_or_missing_files_are_unknown_not_errors() {
    assert_eq!(fixture("limits-garbled"), ContainerLimits::default());
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(
        limits::collect(&Source::new(empty.path(), Arc::new(FixedSystem::default()))),
        ContainerLimits::default()
    );
}

#[test]
fn the_live_machine_reads_without_error() {
    let l = limits::collect(&Source::live());
    println!("live limits: {l:?}");
    if let Some(q) = l.cpu_quota_cpus {
        assert!(q > 0.0 && q.is_finite());
    }
    if let Some(m) = l.memory_max_bytes {
        assert!(m > 0);
    }
}

/// A cgroup made for the test, with a child process in it; removed on drop.
struct TestCgroup {
    dirs: Vec<PathBuf>,
    child: Child,
}

impl Drop for TestCgroup {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for d in &self.dirs {
            let _ = std::fs::remove_dir(d);
        }
    }
}

/// Where the live machine mounts `fstype` carrying `controller`, at the root of its
/// hierarchy (so we may create a child there).
fn live_mount(fstype: &str, controller: &str) -> Option<PathBuf> {
    let info = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    info.lines().find_map(|l| {
        let (left, right) = l.split_once(" - ")?;
        let f: Vec<&str> = left.split(' ').collect();
        let r: Vec<&str> = right.split(' ').collect();
        let carries = match fstype {
            "cgroup2" => std::fs::read_to_string(Path::new(f[4]).join("cgroup.subtree_control"))
                .is_ok_and(|s| s.split_whitespace().any(|c| c == controller)),
            _ => r[2].split(',').any(|o| o == controller),
        };
        (r[0] == fstype && f[3] == "/" && carries).then(|| PathBuf::from(f[4]))
    })
}

/// The test's view of the machine as the child sees it: the real `/sys` and
/// `/proc/meminfo`, and the child's `/proc/<pid>` standing in for `/proc/self`.
fn as_seen_by(pid: u32, root: &Path) {
    std::fs::create_dir_all(root.join("proc")).unwrap();
    std::os::unix::fs::symlink(format!("/proc/{pid}"), root.join("proc/self")).unwrap();
    std::os::unix::fs::symlink("/proc/meminfo", root.join("proc/meminfo")).unwrap();
    std::os::unix::fs::symlink("/sys", root.join("sys")).unwrap();
}

#[test]
fn a_real_cgroup_with_limits_is_read_back() {
    if !nix::unistd::Uid::effective().is_root() {
        eprintln!("skipped: needs root to create a cgroup");
        return;
    }
    let name = format!("ctop-test-{}", std::process::id());
    let child = Command::new("sleep").arg("60").spawn().expect("sleep");
    let pid = child.id();
    let mut cg = TestCgroup { dirs: Vec::new(), child };
    let set = |dir: &Path, file: &str, value: &str| std::fs::write(dir.join(file), value).is_ok();

    if let Some(top) = live_mount("cgroup2", "memory").filter(|t| live_mount("cgroup2", "cpu").as_ref() == Some(t)) {
        let dir = top.join(&name);
        if std::fs::create_dir(&dir).is_err() {
            eprintln!("skipped: cannot create a cgroup under {}", top.display());
            return;
        }
        cg.dirs.push(dir.clone());
        assert!(set(&dir, "memory.max", &(300 * MIB).to_string()));
        assert!(set(&dir, "cpu.max", "150000 100000"));
        assert!(set(&dir, "cgroup.procs", &pid.to_string()));
    } else if let (Some(mem), Some(cpu)) = (live_mount("cgroup", "memory"), live_mount("cgroup", "cpu")) {
        let (mem_dir, cpu_dir) = (mem.join(&name), cpu.join(&name));
        if std::fs::create_dir(&mem_dir).is_err() || std::fs::create_dir(&cpu_dir).is_err() {
            let _ = std::fs::remove_dir(&mem_dir);
            eprintln!("skipped: cannot create cgroups under {} and {}", mem.display(), cpu.display());
            return;
        }
        cg.dirs.extend([mem_dir.clone(), cpu_dir.clone()]);
        assert!(set(&mem_dir, "memory.limit_in_bytes", &(300 * MIB).to_string()));
        assert!(set(&cpu_dir, "cpu.cfs_period_us", "100000"));
        assert!(set(&cpu_dir, "cpu.cfs_quota_us", "150000"));
        assert!(set(&mem_dir, "cgroup.procs", &pid.to_string()));
        assert!(set(&cpu_dir, "cgroup.procs", &pid.to_string()));
    } else {
        eprintln!("skipped: no writable memory+cpu cgroup hierarchy here");
        return;
    }

    let view = tempfile::tempdir().unwrap();
    as_seen_by(pid, view.path());
    let l = limits::collect(&Source::new(view.path(), Arc::new(LiveSystem)));
    println!("limits of a child in {}: {l:?}", cg.dirs[0].display());
    assert_eq!(l.memory_max_bytes, Some(300 * MIB));
    assert_eq!(l.cpu_quota_cpus, Some(1.5));
    let current = l.memory_current_bytes.expect("usage of the test cgroup");
    assert!(current < 300 * MIB, "sleep uses far less than its limit: {current}");
}
