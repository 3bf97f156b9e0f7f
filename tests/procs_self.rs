//! The scan's view of this test process: its CPU % while a thread spins, checked
//! against what the process measures of itself.

use ctop::collect::procs::{ProcessRow, ProcessScanner, Processes};
use ctop::source::Source;
use nix::sys::resource::{UsageWho, getrusage};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn me(processes: &Processes) -> &ProcessRow {
    processes.list.iter().find(|r| r.pid == std::process::id()).expect("this process is listed")
}

/// CPU time of this whole process (all threads), as getrusage(2) counts it.
fn cpu_time() -> Duration {
    let usage = getrusage(UsageWho::RUSAGE_SELF).unwrap();
    let micros = |t: nix::sys::time::TimeVal| Duration::from_micros((t.tv_sec() * 1_000_000 + t.tv_usec()) as u64);
    micros(usage.user_time()) + micros(usage.system_time())
}

#[test]
fn a_spinning_thread_shows_as_cpu_use_of_its_process() {
    let mut scanner = ProcessScanner::new(Source::live());
    scanner.scan();
    let (wall_start, cpu_start) = (Instant::now(), cpu_time());

    let stop = Arc::new(AtomicBool::new(false));
    let spinner = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
        })
    };
    std::thread::sleep(Duration::from_millis(800));
    stop.store(true, Ordering::Relaxed);
    spinner.join().unwrap();

    let measured = cpu_time().saturating_sub(cpu_start).as_secs_f64() / wall_start.elapsed().as_secs_f64() * 100.0;
    let p = scanner.scan();
    let seen = me(&p).cpu_percent.expect("a second scan has CPU %") as f64;
    eprintln!("scan says {seen:.1} %, getrusage says {measured:.1} %");
    // Ticks are 10 ms apart and the two windows differ by a scan: a few points apart.
    assert!((seen - measured).abs() <= 8.0 + measured * 0.1, "scan {seen:.1} % vs getrusage {measured:.1} %");
    // A spinning thread gets most of a core unless the machine is badly overloaded.
    if measured > 40.0 {
        assert!(seen > 30.0);
    }
}
