//! The self-sandbox on the real binary: the dashboard runs under seccomp with
//! no_new_privs on every thread (`/proc/PID/task/*/status`), says so in its help, and
//! still shows what the sandbox must leave working (listening ports from sock_diag
//! netlink, interface addresses from getifaddrs); `--json` says which state it ran in;
//! `--no-sandbox` turns it off. What the filter refuses is tried call by call in
//! `sandbox::tests`.

mod tmux_support;

use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};

/// `Seccomp:` and `NoNewPrivs:` of every thread of a process.
fn thread_sandbox_states(pid: &str) -> Vec<(String, String)> {
    let mut states = Vec::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).unwrap().flatten() {
        let status = std::fs::read_to_string(task.path().join("status")).unwrap_or_default();
        let field = |name: &str| {
            status.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().to_string()).unwrap_or_default()
        };
        states.push((field("Seccomp:"), field("NoNewPrivs:")));
    }
    states
}

fn json(args: &[&str]) -> serde_json::Value {
    let output =
        Command::new(env!("CARGO_BIN_EXE_ctop")).args(["--json", "--sample-ms", "100"]).args(args).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn json_runs_sandboxed_by_default_and_still_sees_ports_and_addresses() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let v = json(&[]);
    assert_eq!(v["sandbox"], "seccomp");
    // sock_diag netlink still answers under the filter: our listener is there.
    let listening = v["listening"].as_array().unwrap();
    assert!(listening.iter().any(|s| s["port"] == port), "port {port} in {listening:#?}");
    // getifaddrs (NETLINK_ROUTE) still answers: lo has 127.0.0.1.
    let lo = v["interfaces"].as_array().unwrap().iter().find(|i| i["name"] == "lo").expect("lo");
    assert!(lo["addresses"].as_array().unwrap().iter().any(|a| a.as_str().unwrap().starts_with("127.0.0.1")), "{lo}");
    assert_eq!(json(&["--no-sandbox"])["sandbox"], "off");
}

#[test]
fn the_dashboard_is_sandboxed_on_every_thread_and_says_so() {
    let Some(tmux) = tmux_support::Tmux::start("sandbox", 120, 40) else { return };
    tmux.wait_for("the dashboard", |s| s.contains("epoch "));
    let pid = tmux.ctop_pid();
    // The sandbox goes on just after the terminal is taken: wait for it (10 s, far more
    // than that takes, so only a missing sandbox fails).
    let started = Instant::now();
    let states = loop {
        let states = thread_sandbox_states(&pid);
        if states.iter().all(|(seccomp, _)| seccomp == "2") || started.elapsed() > Duration::from_secs(10) {
            break states;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(states.len() >= 3, "the collector threads are there: {states:?}");
    assert!(
        states.iter().all(|s| s == &("2".to_string(), "1".to_string())),
        "Seccomp, NoNewPrivs per thread: {states:?}"
    );
    tmux.run(&["send-keys", "-t", "ctop", "?"]);
    let help = tmux.wait_for("the help", |s| s.contains("ctop keys"));
    assert!(help.lines().any(|l| l.contains("sandbox") && l.contains("seccomp")), "{help}");
    // Still redrawing and answering keys under the filter, and quits cleanly.
    tmux.run(&["send-keys", "-t", "ctop", "Escape"]);
    tmux.wait_for("the help to close", |s| !s.contains("ctop keys"));
    tmux.run(&["send-keys", "-t", "ctop", "q"]);
    tmux.assert_given_back();
}

#[test]
fn no_sandbox_leaves_the_dashboard_unfiltered() {
    let Some(tmux) = tmux_support::Tmux::start_with("nosandbox", 120, 40, "|--no-sandbox") else { return };
    tmux.wait_for("the dashboard", |s| s.contains("epoch "));
    let states = thread_sandbox_states(&tmux.ctop_pid());
    assert!(states.iter().all(|(seccomp, _)| seccomp == "0"), "{states:?}");
    tmux.run(&["send-keys", "-t", "ctop", "?"]);
    let help = tmux.wait_for("the help", |s| s.contains("ctop keys"));
    assert!(help.lines().any(|l| l.contains("sandbox") && l.contains("off")), "{help}");
    tmux.run(&["send-keys", "-t", "ctop", "q"]);
    tmux.assert_given_back();
}
