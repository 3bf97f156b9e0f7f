//! The scan's view of this test process's resident memory against /proc/self/statm.
//! Alone in its binary so that no other test allocates meanwhile.

use ctop::collect::procs::ProcessScanner;
use ctop::source::Source;

#[test]
fn resident_memory_agrees_with_statm() {
    let page = nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE).unwrap().unwrap() as u64;
    let statm_rss = || {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
        statm.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * page
    };
    let mut scanner = ProcessScanner::new(Source::live());
    scanner.scan();
    let before = statm_rss();
    let p = scanner.scan();
    let after = statm_rss();
    let rss = p.list.iter().find(|r| r.pid == std::process::id()).expect("this process is listed").rss_bytes;
    // Since Linux 6.2 the RSS counters are per-CPU and summed lazily: stat and statm
    // both read the folded total, which may lag by up to 32 pages per CPU.
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let slack = (32 * cpus + 8) * page;
    assert!(
        rss + slack >= before.min(after) && rss <= before.max(after) + slack,
        "scan {rss} bytes, statm {before}..{after} bytes"
    );
}
