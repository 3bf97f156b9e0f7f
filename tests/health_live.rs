//! Judging this machine: a real snapshot gives findings that agree with what the
//! standard tools (`free -b`, `nproc`, `/proc/loadavg`) say about it.

use ctop::health::{Key, Severity, Thresholds, judge};
use ctop::snapshot::collect_once;
use ctop::source::Source;
use std::process::Command;
use std::time::Duration;

/// A tool's stdout; `None`, said as a skip, where it is not installed. A tool that is
/// there but fails is a broken test.
fn tool(cmd: &str, args: &[&str]) -> Option<String> {
    let out = match Command::new(cmd).args(args).output() {
        Ok(out) => out,
        Err(e) => {
            eprintln!("skipped: the comparison with {cmd}, not installed here: {e}");
            return None;
        }
    };
    assert!(out.status.success(), "{cmd} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn expected(value: f64, warning: f64, error: f64) -> Severity {
    if value >= error {
        Severity::Error
    } else if value >= warning {
        Severity::Warning
    } else {
        Severity::Ok
    }
}

#[test]
fn the_live_machine_is_judged_like_the_standard_tools_see_it() {
    let snapshot = collect_once(&Source::live(), Duration::from_millis(300));
    let t = Thresholds::default();
    let findings = judge(&snapshot, &t);
    println!("findings on this machine, worst first:");
    for p in &findings.problems {
        println!("  {:?} {}: {}", p.severity, p.subject, p.message);
    }

    // Memory: free's used = total - available. Both read the same counters a moment
    // apart, so compare only away from a boundary.
    if let (Some(free), Some(m)) = (tool("free", &["-b"]), snapshot.memory) {
        let row = free.lines().find(|l| l.starts_with("Mem:")).unwrap();
        let mem: Vec<u64> = row.split_whitespace().skip(1).map(|v| v.parse().unwrap()).collect();
        let pct = (mem[0] - mem[5]) as f64 * 100.0 / mem[0] as f64;
        println!("free -b: {pct:.1}% used; ctop: {:.1}%", m.used_bytes as f64 * 100.0 / m.total_bytes as f64);
        let near = [t.memory_warning, t.memory_error].iter().any(|b| (pct - b).abs() < 1.0);
        if snapshot.limits.memory_max_bytes.is_none() && !near {
            assert_eq!(findings.severity(&Key::Memory), expected(pct, t.memory_warning, t.memory_error));
        }
    }

    // Load against nproc (no CPU quota on a plain host).
    if let (Some(n), Some(load)) = (tool("nproc", &["--all"]), snapshot.cpu.load) {
        let cpus: f64 = n.trim().parse().unwrap();
        let near = [t.load_warning, t.load_error].iter().any(|b| (load.one / cpus - b).abs() < 0.05);
        if snapshot.limits.cpu_quota_cpus.is_none() && !near {
            let want = if load.one > t.load_error * cpus {
                Severity::Error
            } else if load.one > t.load_warning * cpus {
                Severity::Warning
            } else {
                Severity::Ok
            };
            println!("load {} on {cpus} CPUs (nproc)", load.one);
            assert_eq!(findings.severity(&Key::Load), want);
        }
    }

    // The list is ordered: errors, then warnings.
    assert!(findings.problems.windows(2).all(|w| w[0].severity >= w[1].severity));
}
