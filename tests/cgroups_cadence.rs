//! What the cgroup sampler reads at each reading, so that 500 cgroups stay cheap: a
//! cgroup with no processes (v2 `cgroup.events` `populated 0`, or an empty
//! `cgroup.procs` with none below it) is not read again until processes come, and the
//! tree is listed again when the kernel's counts of cgroups change (`cgroup.stat`
//! `nr_descendants`, `/proc/cgroups`), or on a clock where there are no counts.

use ctop::collect::cgroups::{Cgroup, CgroupSampler, Cgroups};
use ctop::source::{FixedSystem, Source};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn fixture_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cgroups/systemd-host"), dir.path());
    let top = dir.path().join("sys/fs/cgroup");
    (dir, top)
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn sampler(root: &Path) -> CgroupSampler {
    CgroupSampler::new(Source::new(root, Arc::new(FixedSystem::default())))
}

fn find<'a>(cgroups: &'a Cgroups, path: &str) -> Option<&'a Cgroup> {
    cgroups.list.iter().find(|c| c.path == path)
}

fn write(path: PathBuf, text: &str) {
    std::fs::write(path, text).unwrap();
}

fn cpu_stat(usec: u64) -> String {
    format!("usage_usec {usec}\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n")
}

#[test]
fn an_empty_cgroup_is_not_read_again_until_processes_come() {
    let (dir, top) = fixture_copy();
    let nginx = top.join("system.slice/nginx.service");
    write(nginx.join("cgroup.events"), "populated 0\nfrozen 0\n");
    write(nginx.join("cpu.stat"), &cpu_stat(1_000_000));
    let mut sampler = sampler(dir.path());
    sampler.collect();
    sampler.collect();
    // Were it read, this would be CPU time used while empty.
    write(nginx.join("cpu.stat"), &cpu_stat(9_000_000));
    write(nginx.join("memory.current"), "1\n");
    let cgroups = sampler.collect();
    let empty = find(&cgroups, "/system.slice/nginx.service").expect("still listed");
    assert_eq!(empty.cpu_percent, Some(0.0), "{empty:?}");
    assert_ne!(empty.memory_bytes, Some(1), "not read: {empty:?}");

    write(nginx.join("cgroup.events"), "populated 1\nfrozen 0\n");
    let cgroups = sampler.collect();
    let busy = find(&cgroups, "/system.slice/nginx.service").unwrap();
    assert!(busy.cpu_percent.is_some_and(|p| p > 0.0), "read once processes came: {busy:?}");
    assert_eq!(busy.memory_bytes, Some(1));
}

#[test]
fn a_cgroup_s_last_process_gone_is_read_once_more() {
    let (dir, top) = fixture_copy();
    let cron = top.join("system.slice/cron.service");
    write(cron.join("cgroup.procs"), "700\n");
    let mut sampler = sampler(dir.path());
    sampler.collect();
    let before = find(&sampler.collect(), "/system.slice/cron.service").unwrap().clone();
    assert_eq!(before.oom_kills, Some(0), "{before:?}");
    // Its process OOM-killed: the cgroup is empty at the reading that must see the kill.
    write(cron.join("cgroup.procs"), "");
    write(cron.join("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n");
    let cgroups = sampler.collect();
    assert_eq!(find(&cgroups, "/system.slice/cron.service").unwrap().oom_kills, Some(1));
    assert!(cgroups.oom_events.iter().any(|e| e.name == "cron.service"), "{:?}", cgroups.oom_events);
}

#[test]
fn the_tree_is_listed_again_when_the_kernel_s_count_of_cgroups_changes() {
    let (dir, top) = fixture_copy();
    write(top.join("cgroup.stat"), "nr_descendants 16\nnr_dying_descendants 0\n");
    let mut sampler = sampler(dir.path());
    let listed = sampler.collect().list.len();
    let new = top.join("system.slice/new.service");
    std::fs::create_dir(&new).unwrap();
    write(new.join("cgroup.procs"), "800\n");
    write(new.join("cpu.stat"), &cpu_stat(5));
    // A cgroup dying meanwhile changes no count that is compared.
    write(top.join("cgroup.stat"), "nr_descendants 16\nnr_dying_descendants 3\n");
    assert_eq!(sampler.collect().list.len(), listed, "the count did not change: no listing");
    write(top.join("cgroup.stat"), "nr_descendants 17\nnr_dying_descendants 3\n");
    let cgroups = sampler.collect();
    let found = find(&cgroups, "/system.slice/new.service").expect("found once the count changed");
    assert_eq!(found.name, "new.service");
    assert_eq!(cgroups.of_process(800).map(|c| c.name.as_str()), Some("new.service"));
}

#[test]
fn without_the_kernel_s_counts_the_tree_is_listed_again_within_six_readings() {
    let (dir, top) = fixture_copy();
    let mut sampler = sampler(dir.path());
    sampler.collect();
    let new = top.join("system.slice/new.service");
    std::fs::create_dir(&new).unwrap();
    write(new.join("cgroup.procs"), "800\n");
    let found = (0..6).any(|_| find(&sampler.collect(), "/system.slice/new.service").is_some());
    assert!(found, "listed again within six readings (30 s at the default interval)");
}

#[test]
fn below_an_empty_v2_cgroup_no_cgroup_is_asked() {
    let (dir, top) = fixture_copy();
    let slice = top.join("system.slice");
    let nginx = slice.join("nginx.service");
    write(slice.join("cgroup.events"), "populated 0\nfrozen 0\n");
    write(nginx.join("cgroup.events"), "populated 0\nfrozen 0\n");
    let mut sampler = sampler(dir.path());
    sampler.collect();
    sampler.collect();
    // The kernel would never say this below an empty slice: were nginx asked, it
    // would be read.
    write(nginx.join("cgroup.events"), "populated 1\nfrozen 0\n");
    write(nginx.join("memory.current"), "1\n");
    let cgroups = sampler.collect();
    assert_ne!(find(&cgroups, "/system.slice/nginx.service").unwrap().memory_bytes, Some(1));
    write(slice.join("cgroup.events"), "populated 1\nfrozen 0\n");
    let cgroups = sampler.collect();
    assert_eq!(find(&cgroups, "/system.slice/nginx.service").unwrap().memory_bytes, Some(1), "asked again");
}

#[test]
fn only_the_hierarchy_whose_count_changed_is_listed_again() {
    let dir = tempfile::tempdir().unwrap();
    copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cgroups/hybrid-host"), dir.path());
    let top = dir.path().join("sys/fs/cgroup");
    let proc_cgroups = |memory: u32| {
        format!(
            "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t2\t12\t1\ncpuacct\t2\t12\t1\nmemory\t4\t{memory}\t1\npids\t5\t12\t1\nblkio\t6\t12\t1\n"
        )
    };
    write(dir.path().join("proc/cgroups"), &proc_cgroups(12));
    write(top.join("unified/cgroup.stat"), "nr_descendants 9\n");
    let mut sampler = sampler(dir.path());
    sampler.collect();
    // New in two hierarchies; only memory's count moves.
    for h in ["memory", "pids"] {
        std::fs::create_dir(top.join(h).join("system.slice/new.service")).unwrap();
        write(top.join(h).join("system.slice/new.service/cgroup.procs"), "900\n");
    }
    write(top.join("memory/system.slice/new.service/memory.usage_in_bytes"), "4096\n");
    write(top.join("pids/system.slice/new.service/pids.current"), "3\n");
    write(dir.path().join("proc/cgroups"), &proc_cgroups(13));
    let cgroups = sampler.collect();
    let new = find(&cgroups, "/system.slice/new.service").expect("found in the memory hierarchy");
    assert_eq!((new.memory_bytes, new.pids), (Some(4096), None), "pids not listed again: {new:?}");
    assert!(find(&cgroups, "/system.slice/ssh.service").is_some(), "the others stay");
}

#[test]
fn oom_kill_counts_are_read_when_the_kernel_s_count_moved() {
    let (dir, top) = fixture_copy();
    let cron = top.join("system.slice/cron.service");
    write(cron.join("cgroup.procs"), "700\n");
    let vmstat = dir.path().join("proc/vmstat");
    write(vmstat.clone(), "pgfault 100\noom_kill 5\n");
    let mut sampler = sampler(dir.path());
    sampler.collect();
    sampler.collect();
    // Not what the kernel does (it raises both at once): shows the cgroup's file unread
    // while /proc/vmstat's count stands still.
    write(cron.join("memory.events"), "low 0\nhigh 0\nmax 0\noom 1\noom_kill 1\noom_group_kill 0\n");
    let cgroups = sampler.collect();
    assert_eq!(find(&cgroups, "/system.slice/cron.service").unwrap().oom_kills, Some(0));
    assert!(cgroups.oom_events.is_empty(), "{:?}", cgroups.oom_events);

    write(vmstat, "pgfault 100\noom_kill 6\n");
    let cgroups = sampler.collect();
    assert_eq!(find(&cgroups, "/system.slice/cron.service").unwrap().oom_kills, Some(1));
    assert!(cgroups.oom_events.iter().any(|e| e.name == "cron.service"), "{:?}", cgroups.oom_events);
}

#[test]
fn pressure_is_read_at_full_readings_and_shown_between_them() {
    let (dir, top) = fixture_copy();
    let cron = top.join("system.slice/cron.service");
    write(cron.join("cgroup.procs"), "700\n");
    write(cron.join("cpu.pressure"), "some avg10=1.00 avg60=0.00 avg300=0.00 total=1\n");
    let mut sampler = sampler(dir.path());
    let some = |c: &Cgroups| find(c, "/system.slice/cron.service").unwrap().pressure.unwrap().cpu_some;
    assert_eq!(some(&sampler.collect()), Some(1.0));
    write(cron.join("cpu.pressure"), "some avg10=7.00 avg60=0.00 avg300=0.00 total=9\n");
    // Read again at the cgroup's next full reading, within six readings.
    let readings_to_see_it = (1..=6).find(|_| some(&sampler.collect()) == Some(7.0));
    assert!(readings_to_see_it.is_some(), "not read within six readings");
    // Just read: the next reading shows it without reading the file.
    write(cron.join("cpu.pressure"), "some avg10=9.00 avg60=0.00 avg300=0.00 total=12\n");
    assert_eq!(some(&sampler.collect()), Some(7.0));
}
