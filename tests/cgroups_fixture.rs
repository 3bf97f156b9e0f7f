//! The cgroup collector on fixture trees laid out as real hosts lay them out
//! (`fixtures/cgroups/README.md` says where each layout comes from): a systemd host, a
//! Docker host, a Kubernetes node with burstable, best-effort and guaranteed pods, and
//! a hybrid host with v1 controllers and Docker's cgroupfs driver. Each cgroup must
//! carry the name a sysadmin gives it, its numbers from whichever hierarchy has them,
//! and the judgements those numbers call for.

use ctop::collect::cgroups::{Cgroup, CgroupSampler, Cgroups};
use ctop::health::{self, Key, Severity, Thresholds};
use ctop::snapshot::Snapshot;
use ctop::source::{FixedSystem, Source};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cgroups").join(name)
}

/// 2026-11-24 06:07:41 UTC; the fixtures have no /etc/localtime, so local time is UTC.
fn source(root: &Path) -> Source {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_500_461);
    Source::new(root, Arc::new(FixedSystem { now: Some(now), ..FixedSystem::default() }))
}

/// A copy of a fixture the test may change between readings.
fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let (kind, target) = (entry.file_type().unwrap(), to.join(entry.file_name()));
        if kind.is_dir() {
            copy(&entry.path(), &target);
        } else if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path()).unwrap(), target).unwrap();
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn read_twice(root: &Path) -> Cgroups {
    let mut sampler = CgroupSampler::new(source(root));
    sampler.collect();
    sampler.collect()
}

fn named<'a>(cgroups: &'a Cgroups, name: &str) -> &'a Cgroup {
    cgroups.list.iter().find(|c| c.name == name).unwrap_or_else(|| {
        let names: Vec<&str> = cgroups.list.iter().map(|c| c.name.as_str()).collect();
        panic!("no cgroup named {name:?} in {names:?}")
    })
}

fn names_and_kinds(cgroups: &Cgroups) -> Vec<(String, &'static str)> {
    cgroups.list.iter().map(|c| (c.name.clone(), c.kind.as_str())).collect()
}

fn judged(cgroups: &Cgroups) -> Vec<(Severity, String)> {
    let snapshot = Snapshot { cgroups: cgroups.clone(), ..Snapshot::default() };
    let findings = health::judge(&snapshot, &Thresholds::default());
    findings.problems.iter().map(|p| (p.severity, p.message.clone())).collect()
}

fn pair(name: &str, kind: &'static str) -> (String, &'static str) {
    (name.to_string(), kind)
}

#[test]
fn a_systemd_host_shows_units_sessions_and_machines_by_unit_name() {
    let cgroups = read_twice(&fixture("systemd-host"));
    let all = names_and_kinds(&cgroups);
    for expected in [
        pair("init.scope", "scope"),
        pair("system.slice", "slice"),
        pair("nginx.service", "service"),
        pair("postgresql.service", "service"),
        pair("getty@tty1.service", "service"),
        pair("user-1000.slice", "slice"),
        pair("session-3.scope", "scope"),
        pair("user@1000.service", "service"),
        pair("pipewire.service", "service"),
        pair("debian-build", "container"),
    ] {
        assert!(all.contains(&expected), "{expected:?} not in {all:?}");
    }
    assert_eq!(cgroups.list.len(), 16, "every cgroup but the root: {all:?}");
    let nginx = named(&cgroups, "nginx.service");
    assert_eq!(nginx.path, "/system.slice/nginx.service");
    assert_eq!((nginx.memory_bytes, nginx.memory_limit_bytes, nginx.pids), (Some(80 << 20), None, Some(5)));
    assert_eq!(nginx.depth, 1);
    assert_eq!(nginx.cpu_percent, Some(0.0), "a fixture's counters do not move");
    let postgres = named(&cgroups, "postgresql.service");
    assert!(postgres.pressure.is_some_and(|p| p.memory_some == Some(4.5)), "{postgres:?}");

    let problems = judged(&cgroups);
    assert!(
        problems.contains(&(Severity::Warning, "postgresql.service memory 96% of its 1.00 GiB limit".into())),
        "{problems:?}"
    );
    assert!(problems.contains(&(Severity::Warning, "cron.service has 95 of its 100 pids (pids.max)".into())));
}

#[test]
fn counters_that_move_give_rates_and_an_oom_kill_names_its_service() {
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture("systemd-host"), dir.path());
    let cg = |p: &str| dir.path().join("sys/fs/cgroup").join(p);
    // Processes in postgresql and the machine (a cgroup empty at both readings is not
    // read again: nothing in it can have changed).
    let machine = "machine.slice/machine-debian\\x2dbuild.scope";
    std::fs::write(cg("system.slice/postgresql.service/cgroup.procs"), "4300\n").unwrap();
    std::fs::write(cg(machine).join("cgroup.procs"), "4400\n").unwrap();
    let mut sampler = CgroupSampler::new(source(dir.path()));
    // The sampler's window lies between the time from the end of the first reading to
    // the start of the second and the time from the start of the first to the end of
    // the second.
    let t0 = Instant::now();
    sampler.collect();
    let t1 = Instant::now();
    std::thread::sleep(Duration::from_millis(200));
    // nginx used 0.1 s of CPU and read 1 MiB; postgresql was OOM-killed, which v2
    // counts in every ancestor too; the machine was throttled.
    std::fs::write(
        cg("system.slice/nginx.service/cpu.stat"),
        "usage_usec 30100000\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n",
    )
    .unwrap();
    std::fs::write(
        cg("system.slice/nginx.service/io.stat"),
        "8:0 rbytes=11534336 wbytes=2097152 rios=310 wios=40 dbytes=0 dios=0\n",
    )
    .unwrap();
    // The kill took postgresql's only process.
    std::fs::write(cg("system.slice/postgresql.service/cgroup.procs"), "").unwrap();
    for p in ["system.slice/postgresql.service", "system.slice"] {
        std::fs::write(cg(p).join("memory.events"), "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\noom_group_kill 0\n")
            .unwrap();
    }
    // A process in nginx.service, and one in its slice.
    std::fs::write(cg("system.slice/nginx.service/cgroup.procs"), "4242\n4243\n").unwrap();
    std::fs::write(cg("system.slice/cgroup.procs"), "99\n").unwrap();
    std::fs::write(
        cg(machine).join("cpu.stat"),
        "usage_usec 20000000\nnr_periods 1010\nnr_throttled 410\nthrottled_usec 3100000\n",
    )
    .unwrap();
    let t2 = Instant::now();
    let cgroups = sampler.collect();
    let (shortest, longest) = ((t2 - t1).as_secs_f64(), t0.elapsed().as_secs_f64());
    let within = |value: f64, amount: f64| value >= amount / longest && value <= amount / shortest;

    let unit = |pid| cgroups.of_process(pid).map(|c| c.name.as_str());
    assert_eq!(
        (unit(4242), unit(4243), unit(99), unit(1)),
        (Some("nginx.service"), Some("nginx.service"), Some("system.slice"), None)
    );
    let nginx = named(&cgroups, "nginx.service");
    assert!(within(nginx.cpu_percent.unwrap(), 0.1 * 100.0), "{nginx:?}, window {shortest}-{longest} s");
    assert!(within(nginx.io_read_bytes_per_s.unwrap(), 1048576.0), "{nginx:?}");
    assert_eq!(nginx.io_write_bytes_per_s, Some(0.0));

    assert_eq!(cgroups.oom_events.len(), 1, "in the service only, not its slice: {:?}", cgroups.oom_events);
    let event = &cgroups.oom_events[0];
    assert_eq!((event.name.as_str(), event.local_time.as_str(), event.kills), ("postgresql.service", "06:07:41", 1));
    let machine = named(&cgroups, "debian-build");
    assert_eq!(machine.throttled_periods, Some(10));
    let problems = judged(&cgroups);
    assert!(problems.contains(&(Severity::Error, "postgresql.service: OOM kill at 06:07:41".into())), "{problems:?}");
    // At the limit and reclaiming there: an error.
    assert!(
        problems.contains(&(
            Severity::Error,
            "postgresql.service memory 96% of its 1.00 GiB limit, reclaiming at its limit".into()
        )),
        "{problems:?}"
    );
    assert!(within(machine.throttled_percent.unwrap(), 0.1 * 100.0), "{machine:?}");
}

#[test]
fn a_docker_host_shows_containers_by_name_and_image() {
    let cgroups = read_twice(&fixture("docker-host"));
    let web = named(&cgroups, "web");
    assert_eq!((web.kind.as_str(), web.image.as_deref()), ("container", Some("nginx:1.25")));
    assert_eq!(web.memory_limit_bytes, Some(512 << 20));
    let db = named(&cgroups, "db");
    assert_eq!(db.image.as_deref(), Some("postgres:16"));
    assert_eq!(db.oom_kills, Some(2), "kills from before ctop started are counted, not reported as new");
    assert!(cgroups.oom_events.is_empty());
    // No config.v2.json: the short id, as `docker ps` shows it.
    assert_eq!(named(&cgroups, "c0ffee00c0ff").kind.as_str(), "container");
    assert_eq!(named(&cgroups, "docker.service").kind.as_str(), "service");
    let problems = judged(&cgroups);
    assert!(problems.contains(&(Severity::Warning, "db memory 92% of its 768 MiB limit".into())), "{problems:?}");
}

#[test]
fn a_kubernetes_node_shows_pods_and_their_containers_by_namespace_and_name() {
    let cgroups = read_twice(&fixture("k8s-node"));
    let all = names_and_kinds(&cgroups);
    for expected in [
        pair("kubepods.slice", "slice"),
        pair("kubepods-burstable.slice", "slice"),
        pair("kubepods-besteffort.slice", "slice"),
        pair("prod/payments-7d9f8b6c4-x2kqz", "pod"),
        pair("prod/payments-7d9f8b6c4-x2kqz/app", "container"),
        // The sandbox ("pause") container has no log: its short id.
        pair("prod/payments-7d9f8b6c4-x2kqz/112233445566", "container"),
        pair("batch/report-28391520-q7x4m", "pod"),
        pair("batch/report-28391520-q7x4m/report", "container"),
        pair("kube-system/coredns-5d78c9869d-8kq2p", "pod"),
        pair("kube-system/coredns-5d78c9869d-8kq2p/coredns", "container"),
        pair("kubelet.service", "service"),
    ] {
        assert!(all.contains(&expected), "{expected:?} not in {all:?}");
    }
    let app = named(&cgroups, "prod/payments-7d9f8b6c4-x2kqz/app");
    assert_eq!(app.memory_limit_percent().map(f64::round), Some(96.0));
    let problems = judged(&cgroups);
    assert!(
        problems.contains(&(
            Severity::Warning,
            "prod/payments-7d9f8b6c4-x2kqz/app memory 96% of its 1.00 GiB limit".into()
        )),
        "{problems:?}"
    );
}

#[test]
fn without_the_kubelet_s_logs_a_pod_is_named_by_its_uid() {
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture("k8s-node"), dir.path());
    std::fs::remove_dir_all(dir.path().join("var/log")).unwrap();
    let cgroups = read_twice(dir.path());
    named(&cgroups, "pod 5b7e1c2a-9f3d-4e8b-a1c6-0d2e3f4a5b6c");
    named(&cgroups, "aa11bb22cc33");
}

#[test]
fn a_hybrid_host_merges_the_v1_controllers_and_the_unified_tree_by_path() {
    let cgroups = read_twice(&fixture("hybrid-host"));
    let paths: Vec<&str> = cgroups.list.iter().map(|c| c.path.as_str()).collect();
    let mut unique = paths.clone();
    unique.dedup();
    assert_eq!(paths, unique, "one cgroup per path, whichever hierarchies hold it");
    let mysql = named(&cgroups, "mysql.service");
    assert_eq!(mysql.path, "/system.slice/mysql.service");
    assert_eq!(mysql.memory_limit_bytes, Some(2 << 30), "v1 memory.limit_in_bytes");
    assert_eq!(mysql.memory_reclaimable_bytes, Some(8 << 20), "v1 total_inactive_file");
    assert_eq!((mysql.pids, mysql.pids_limit), (Some(38), Some(4915)));
    assert_eq!(mysql.io_read_bytes_per_s, Some(0.0), "blkio counters read, not moving");
    assert_eq!(mysql.cpu_percent, Some(0.0), "cpuacct.usage read");
    assert_eq!(mysql.oom_kills, Some(0));
    assert!(mysql.pressure.is_none(), "no PSI files in a controller-less unified tree");
    let unlimited = named(&cgroups, "ssh.service");
    assert_eq!(unlimited.memory_limit_bytes, None, "v1's huge 'unlimited' is no limit");
    let cache = named(&cgroups, "cache");
    assert_eq!((cache.kind.as_str(), cache.image.as_deref()), ("container", Some("redis:7")));
    assert_eq!(cache.path, "/docker/de4dbeefde4dbeefde4dbeefde4dbeefde4dbeefde4dbeefde4dbeefde4dbeef");
    let problems = judged(&cgroups);
    assert!(
        problems.contains(&(Severity::Warning, "mysql.service memory 92% of its 2.00 GiB limit".into())),
        "{problems:?}"
    );
    let findings = health::judge(&Snapshot { cgroups, ..Snapshot::default() }, &Thresholds::default());
    assert_eq!(findings.severity(&Key::Cgroup("/system.slice/mysql.service".into())), Severity::Warning);
}

#[test]
fn a_removed_cgroup_is_dropped_at_the_next_reading_without_a_walk() {
    let dir = tempfile::tempdir().unwrap();
    copy(&fixture("systemd-host"), dir.path());
    let mut sampler = CgroupSampler::new(source(dir.path()));
    assert!(sampler.collect().list.iter().any(|c| c.name == "nginx.service"));
    std::fs::remove_dir_all(dir.path().join("sys/fs/cgroup/system.slice/nginx.service")).unwrap();
    let cgroups = sampler.collect();
    assert!(!cgroups.list.iter().any(|c| c.name == "nginx.service"), "gone: its files cannot be read");
    assert_eq!(cgroups.list.len(), 15);
}
