//! The real binary in a real terminal: ctop runs in a detached tmux session on a
//! private tmux server, and the test reads the screen as a person would — at 80×24,
//! after growing the window, after `q`, after SIGTERM and SIGHUP. Skips (`skipped: `) where tmux is not
//! installed.

mod tmux_support;

use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tmux_support::{Tmux, epoch_on};

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname").expect("reading the hostname").trim().to_string()
}

/// Rows of the process table: lines whose text right after the marker column is a PID.
fn process_rows(screen: &str) -> usize {
    let Some(start) = screen.lines().position(|l| l.trim_start().starts_with("PID") || l.contains(" PID ")) else {
        return 0;
    };
    screen
        .lines()
        .skip(start + 1)
        .filter(|l| l.get(..10).is_some_and(|head| head.trim().parse::<u32>().is_ok()))
        .count()
}

#[test]
fn shows_the_machine_grows_with_the_window_and_quits_cleanly() {
    let Some(tmux) = Tmux::start("main", 80, 24) else { return };
    let host = hostname();
    let screen = tmux.wait_for("the hostname and the clock", |s| s.contains(&host) && epoch_on(s).is_some());
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let shown = epoch_on(&screen).unwrap();
    assert!((now - shown).abs() <= 5, "epoch {shown} on screen, {now} now");
    assert_eq!(tmux.display("#{alternate_on}"), "1");
    for area in ["Filesystems", "Network", "Processes", "Repeated", "Ports", "CPU", "Mem", "load"] {
        assert!(screen.contains(area), "no {area} at 80x24:\n{screen}");
    }
    let small = tmux.wait_for("the first process scan", |s| !s.contains("scanning…"));

    tmux.run(&["set-option", "-t", "ctop", "window-size", "manual"]);
    tmux.run(&["resize-window", "-t", "ctop", "-x", "200", "-y", "60"]);
    let large = tmux.wait_for("the bigger layout", |s| s.lines().count() >= 59 && s.contains("Listening ports"));
    let (before, after) = (process_rows(&small), process_rows(&large));
    assert!(before > 0, "no process rows at 80x24:\n{small}");
    assert!(after > before, "{after} process rows at 200x60, {before} at 80x24:\n{large}");

    tmux.run(&["send-keys", "-t", "ctop", "q"]);
    tmux.assert_given_back();
}

#[test]
fn help_opens_and_esc_closes_it_before_quitting() {
    let Some(tmux) = Tmux::start("keys", 100, 30) else { return };
    tmux.wait_for("the dashboard", |s| s.contains("Processes"));
    tmux.run(&["send-keys", "-t", "ctop", "?"]);
    tmux.wait_for("the help", |s| s.contains("ctop keys") && s.contains("rescan processes now"));
    tmux.run(&["send-keys", "-t", "ctop", "Escape"]);
    tmux.wait_for("the help to close", |s| !s.contains("ctop keys"));
    assert!(!tmux.screen().contains("ctop exited"), "the first Esc only closes help");
    tmux.run(&["send-keys", "-t", "ctop", "/", "s", "s", "h"]);
    tmux.wait_for("the filter", |s| s.contains("/ssh_"));
    tmux.run(&["send-keys", "-t", "ctop", "q", "Escape"]);
    tmux.wait_for("the filter to close", |s| !s.contains("/ssh"));
    assert!(!tmux.screen().contains("ctop exited"), "q is typed into the filter, Esc closes it");
    tmux.run(&["send-keys", "-t", "ctop", "Escape"]);
    tmux.assert_given_back();
}

#[test]
fn a_tiny_window_says_so_and_recovers() {
    let Some(tmux) = Tmux::start("tiny", 40, 10) else { return };
    tmux.wait_for("the size notice", |s| s.contains("40×10"));
    tmux.run(&["set-option", "-t", "ctop", "window-size", "manual"]);
    tmux.run(&["resize-window", "-t", "ctop", "-x", "90", "-y", "30"]);
    tmux.wait_for("the dashboard", |s| s.contains("Processes") && !s.contains("ctop needs"));
    tmux.run(&["send-keys", "-t", "ctop", "C-c"]);
    tmux.assert_given_back();
}

#[test]
fn sigterm_and_sighup_give_the_terminal_back() {
    for signal in ["TERM", "HUP"] {
        let Some(tmux) = Tmux::start(&format!("sig{signal}"), 80, 24) else { return };
        tmux.wait_for("the dashboard", |s| s.contains("Processes"));
        let pid = tmux.ctop_pid();
        let status = Command::new("kill").args([&format!("-{signal}"), &pid]).status().expect("running kill");
        assert!(status.success());
        tmux.assert_given_back();
    }
}

#[test]
fn a_terminal_that_hangs_up_ends_ctop() {
    // What an ssh drop does: the terminal goes away under ctop (here, the tmux server).
    let Some(tmux) = Tmux::start("hangup", 80, 24) else { return };
    tmux.wait_for("the dashboard", |s| s.contains("Processes"));
    let pid = tmux.ctop_pid();
    let proc_dir = format!("/proc/{pid}");
    assert!(std::path::Path::new(&proc_dir).exists());
    tmux.run(&["kill-server"]);
    let started = Instant::now();
    // Gone, or a zombie waiting for its parent shell, which the hangup also ends. Not a
    // timing check: it ends within a tick (0.1 s here); 20 s is missed only by a hang.
    while std::fs::read_to_string(format!("{proc_dir}/stat")).is_ok_and(|s| !s.contains(") Z ")) {
        assert!(started.elapsed() < Duration::from_secs(20), "ctop {pid} still running 20 s after the hangup");
        sleep(Duration::from_millis(50));
    }
}

/// Whether a styled capture sets any foreground or background colour (tmux writes
/// them as `ESC[3Nm`, `ESC[9Nm`, `ESC[38;5;Nm` and the like).
fn has_colour(styled: &str) -> bool {
    styled.split('\x1b').filter_map(|seq| seq.strip_prefix('[')?.split_once('m').map(|(params, _)| params)).any(
        |params| {
            params.split(';').any(|p| {
                p.parse::<u16>().is_ok_and(|n| {
                    (30..=37).contains(&n) || (40..=47).contains(&n) || (90..=97).contains(&n) || n == 38
                })
            })
        },
    )
}

#[test]
fn no_color_turns_colour_off_unless_forced() {
    let cases = [("NO_COLOR=1|", false), ("NO_COLOR=1|--color always", true), ("|--color never", false), ("|", true)];
    for (i, (setup, coloured)) in cases.into_iter().enumerate() {
        let Some(tmux) = Tmux::start_with(&format!("colour{i}"), 80, 24, setup) else { return };
        tmux.wait_for("the first samples", |s| s.contains("Processes") && !s.contains("collecting…"));
        let styled = tmux.styled_screen();
        assert_eq!(has_colour(&styled), coloured, "{setup}: {styled:?}");
        // Bold stays either way (the hostname).
        assert!(styled.contains("\x1b[1m"), "{setup}");
        tmux.run(&["send-keys", "-t", "ctop", "q"]);
        tmux.assert_given_back();
    }
}
