//! The scan when descriptors run out: with the soft RLIMIT_NOFILE lowered below the
//! number of processes, it gives up kept descriptors and reads the rest by opening
//! them, listing as many processes as a scanner that keeps none. Alone in its test
//! binary because the limit is the whole process's.

use ctop::collect::procs::ProcessScanner;
use ctop::source::Source;
use nix::sys::resource::{Resource, getrlimit, setrlimit};
use std::process::{Command, Stdio};

#[test]
fn running_out_of_descriptors_falls_back_to_opening_each_time() {
    // 150 extra processes, so that the table is larger than the limit set below.
    let mut children: Vec<_> = (0..150)
        .map(|_| Command::new("sleep").arg("30").stdin(Stdio::null()).spawn().expect("starting sleep"))
        .collect();
    // Created first: it raises the soft limit to the hard one and budgets from there.
    let mut scanner = ProcessScanner::new(Source::live());
    let (_, hard) = getrlimit(Resource::RLIMIT_NOFILE).unwrap();
    setrlimit(Resource::RLIMIT_NOFILE, 100, hard).unwrap();

    let first = scanner.scan();
    let second = scanner.scan();
    let kept = scanner.kept_descriptors();
    let reference = ProcessScanner::with_descriptor_budget(Source::live(), 0).scan();
    setrlimit(Resource::RLIMIT_NOFILE, hard, hard).unwrap();
    for child in &mut children {
        let _ = child.kill();
        let _ = child.wait();
    }

    eprintln!(
        "kept {kept}, listed {} then {}, {} without kept descriptors",
        first.total, second.total, reference.total
    );
    assert!(kept < 100, "{kept} descriptors kept under a limit of 100");
    for scan in [&first, &second] {
        assert!(scan.total >= 150, "only {} processes listed", scan.total);
        // Other processes on the machine may come and go between the scans.
        assert!(
            scan.total.abs_diff(reference.total) <= 20,
            "{} listed, {} without kept descriptors",
            scan.total,
            reference.total
        );
        let sleeps = scan.repeated.iter().find(|r| &*r.name == "sleep").map_or(0, |r| r.count);
        assert!(sleeps >= 150);
    }
    assert!(second.list.iter().filter(|r| !r.kernel_thread).all(|r| !r.cmdline.is_empty() || r.state == 'Z'));
}
