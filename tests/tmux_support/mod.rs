//! Drives the real `ctop` binary in a detached tmux session on a private tmux server,
//! for the tests that look at the screen as a person would.
// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::process::{Command, Output};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// How long to wait for what comes within a second or two: ~20× that, missed only by a hang.
const LIVENESS: Duration = Duration::from_secs(30);

/// A tmux server of our own (its own socket), killed when the test ends however it ends.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn start(name: &str, width: u16, height: u16) -> Option<Tmux> {
        Self::start_with(name, width, height, "")
    }

    /// Starts ctop with `prefix` before it on the shell line (`NO_COLOR=1`) and `args` after.
    pub fn start_with(name: &str, width: u16, height: u16, prefix_and_args: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("skipped: tmux is not installed (Debian: tmux)");
            return None;
        }
        let tmux = Tmux { socket: format!("ctop-test-{name}-{}", std::process::id()) };
        // The shell stays after ctop exits, so the terminal it left can be looked at
        // (tmux reports a dead pane's cursor as hidden whatever it was).
        let (prefix, args) = prefix_and_args.split_once('|').unwrap_or(("", prefix_and_args));
        let command = format!("{prefix} {} {args}; echo ctop exited $?; sleep 60", env!("CARGO_BIN_EXE_ctop"));
        let (w, h) = (width.to_string(), height.to_string());
        let out = tmux.run(&["-f", "/dev/null", "new-session", "-d", "-s", "ctop", "-x", &w, "-y", &h, &command]);
        assert!(out.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&out.stderr));
        Some(tmux)
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("running tmux")
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "ctop"]).stdout).into_owned()
    }

    /// The screen with wrapped lines joined: after a window grew while the alternate
    /// screen was on, tmux shows old lines on the main screen and the shell's output
    /// lands mid-line (htop leaves the same).
    /// The screen with its escape sequences (colours, bold, reverse).
    pub fn styled_screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-e", "-t", "ctop"]).stdout).into_owned()
    }

    pub fn joined_screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-J", "-t", "ctop"]).stdout).into_owned()
    }

    pub fn display(&self, format: &str) -> String {
        String::from_utf8_lossy(&self.run(&["display-message", "-p", "-t", "ctop", format]).stdout).trim().to_string()
    }

    /// Waits until `done` holds for the screen, and returns that screen. The deadline
    /// is no timing check: what the tests wait for comes within a second or two, so
    /// only a hang (or a screen that never shows it) misses 30 s, even on a loaded machine.
    pub fn wait_for(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            assert!(started.elapsed() < LIVENESS, "waited {LIVENESS:?} for {what}; the screen:\n{screen}");
            sleep(Duration::from_millis(100));
        }
    }

    /// ctop's process id: the child of the pane's shell.
    pub fn ctop_pid(&self) -> String {
        let shell = self.display("#{pane_pid}");
        let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children")).unwrap_or_default();
        children.split_whitespace().next().unwrap_or(&shell).to_string()
    }

    /// ctop exited with status 0 and left the terminal as it found it: main screen,
    /// cursor visible, cooked mode (the shell's `echo` after it printed a whole line).
    pub fn assert_given_back(&self) {
        let started = Instant::now();
        let screen = loop {
            let screen = self.joined_screen();
            if screen.contains("ctop exited") {
                break screen;
            }
            assert!(started.elapsed() < LIVENESS, "ctop did not exit within {LIVENESS:?}:\n{screen}");
            sleep(Duration::from_millis(100));
        };
        assert!(screen.contains("ctop exited 0"), "{screen}");
        assert_eq!(self.display("#{alternate_on}"), "0", "still on the alternate screen");
        assert_eq!(self.display("#{cursor_flag}"), "1", "cursor left hidden");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
        // The server leaves its socket file behind: $TMUX_TMPDIR (or /tmp)/tmux-UID/NAME.
        let dir = std::env::var_os("TMUX_TMPDIR").unwrap_or_else(|| "/tmp".into());
        let uid = nix::unistd::getuid();
        let _ = std::fs::remove_file(std::path::Path::new(&dir).join(format!("tmux-{uid}")).join(&self.socket));
    }
}

/// The epoch time shown in the header.
pub fn epoch_on(screen: &str) -> Option<i64> {
    let after = screen.split("epoch ").nth(1)?;
    after.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}
