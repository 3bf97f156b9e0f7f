//! A real process names itself `\e[2J\e]0;PWNED\a` (it writes its own
//! `/proc/self/comm`), carries OSC 52, an 8-bit CSI and a bidi override in its
//! arguments, and listens on a loopback port so every report lists it. `ctop --once`,
//! `--json` and the dashboard in tmux must show it cleaned: the only escape sequences
//! on the way out are ctop's own colours, and the terminal's title stays ctop's.

mod tmux_support;

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Output, Stdio};
use tmux_support::Tmux;

const NAME: &str = "\u{1b}[2J\u{1b}]0;PWNED\u{7}";
const CLEANED: &str = "?[2J?]0;PWNED?";

const SCRIPT: &str = r#"
import socket, sys, time
with open('/proc/self/comm', 'w') as comm:
    comm.write('\x1b[2J\x1b]0;PWNED\x07')
s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen()
print(s.getsockname()[1], flush=True)
time.sleep(120)
"#;

/// The hostile process, killed however the test ends.
struct Hostile {
    child: Child,
    port: u16,
}

impl Hostile {
    fn start() -> Option<Hostile> {
        // The hostile arguments in argv[0], so they lead the command line on screen.
        let spawned = Command::new("/usr/bin/python3")
            .arg0("python3 \u{1b}]52;c;cm0gLXJmIC8K\u{7} \u{202e}evil\r\n \u{9b}31m")
            .args(["-c", SCRIPT])
            .stdout(Stdio::piped())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) => {
                eprintln!("skipped: /usr/bin/python3 cannot be run: {e}");
                return None;
            }
        };
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().parse().unwrap_or_else(|_| panic!("the hostile process said {line:?}"));
        Some(Hostile { child, port })
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ctop(args: &[&str]) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_ctop")).args(args).env_remove("NO_COLOR").output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

/// Every escape sequence in `text` is a colour (`ESC [ … m`); nothing else that could
/// act on a terminal (BEL, C1, bidi, zero-width, CR) is there.
fn assert_only_colours(text: &str, what: &str) {
    for (i, sequence) in text.split('\u{1b}').enumerate().skip(1) {
        let end = sequence.find('m').unwrap_or(sequence.len());
        let body = &sequence[..end];
        assert!(
            sequence.starts_with('[')
                && end < sequence.len()
                && body[1..].chars().all(|c| c.is_ascii_digit() || c == ';'),
            "{what}: escape {i} is not a colour: {:?}",
            &sequence[..sequence.len().min(20)]
        );
    }
    let bad: Vec<char> =
        text.chars().filter(|&c| ctop::sanitize::is_unsafe(c) && !matches!(c, '\n' | '\u{1b}')).collect();
    assert!(bad.is_empty(), "{what}: {bad:?}");
}

#[test]
fn once_and_json_show_a_process_that_names_itself_an_escape_sequence_cleaned() {
    let Some(hostile) = Hostile::start() else { return };
    let pid = hostile.child.id();
    let text = String::from_utf8(ctop(&["--once", "--sample-ms", "100", "--color", "always"]).stdout).unwrap();
    assert_only_colours(&text, "--once");
    let owner = format!("{CLEANED} ({pid})");
    let port = format!(" {} ", hostile.port);
    assert!(text.lines().any(|l| l.contains(&port) && l.contains(&owner)), "no {owner} on port {port}:\n{text}");

    let raw = String::from_utf8(ctop(&["--json", "--sample-ms", "100"]).stdout).unwrap();
    assert_only_colours(&raw, "--json");
    let json: Value = serde_json::from_str(&raw).unwrap();
    let listener = json["listening"].as_array().unwrap().iter().find(|l| l["port"] == hostile.port).cloned();
    let listener = listener.unwrap_or_else(|| panic!("port {} not listed", hostile.port));
    assert_eq!(listener["process"], NAME, "--json keeps the true bytes");
    assert_eq!(listener["pid"], pid);
}

#[test]
fn the_dashboard_in_tmux_shows_it_cleaned_and_keeps_its_title() {
    let Some(hostile) = Hostile::start() else { return };
    let Some(tmux) = Tmux::start("hostile", 200, 50) else { return };
    tmux.wait_for("the process table", |s| s.contains("scan ") && s.contains(" ago"));
    // Only the hostile process: its row, with its command line, on screen.
    tmux.run(&["send-keys", "-t", "ctop", "/", "pwned", "Enter"]);
    let pid = hostile.child.id().to_string();
    let is_row = |l: &&str| l.contains(&pid) && l.contains(CLEANED) && l.contains("python3");
    let screen = tmux.wait_for("the hostile process's row", |s| s.lines().any(|l| is_row(&l)));
    let row = screen.lines().find(is_row).unwrap();
    // Its arguments: OSC 52's ESC and BEL, CR, LF and C1 were made spaces by the
    // collector; the bidi override is cleaned here.
    assert!(row.contains("]52;c;cm0gLXJmIC8K") && row.contains("?evil"), "{row}");
    assert_only_colours(&tmux.styled_screen(), "the dashboard");
    assert_ne!(tmux.display("#{pane_title}"), "PWNED", "the title was set by a process name");
    tmux.run(&["send-keys", "-t", "ctop", "q"]);
    tmux.assert_given_back();
}
