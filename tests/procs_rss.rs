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
    // The scan reads statm too; a few pages may be touched between the readings.
    let slack = 8 * page;
    assert!(
        rss + slack >= before.min(after) && rss <= before.max(after) + slack,
        "scan {rss} bytes, statm {before}..{after} bytes"
    );
}
