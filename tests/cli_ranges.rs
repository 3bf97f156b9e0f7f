//! Every duration a user can set, from a flag or the configuration file, has a range
//! (intervals 0.1 s to 1 day, `--sample-ms` 0 to 1 hour): outside it, one line on
//! stderr and exit 2, never a panic (`--interval 1e308` used to abort), a spinning
//! core (`1e-9`) or a `--once` that never returns (`--sample-ms 99999999999999`).
//! A flag overrides the file; a bad value it overrides is a warning, not an error.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Generous (every run here takes well under a second): a value that made ctop wait
/// for ever (`--sample-ms 99999999999999` did) fails the test instead of hanging it.
const NEVER_HANGS: Duration = Duration::from_secs(60);

fn ctop(args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_ctop"))
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    let (tx, rx) = mpsc::channel();
    // Read on another thread, so a full pipe never looks like a hang.
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(NEVER_HANGS) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
            panic!("ctop {args:?} did not return");
        }
    }
}

fn root() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/machines/debian12-vm").to_str().unwrap().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit 2 and exactly one line that starts `ctop: ` and contains `words`.
fn assert_one_line_refusal(o: &Output, words: &str, what: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{what}: {err}");
    assert_eq!(err.lines().count(), 1, "{what}: {err}");
    assert!(err.starts_with("ctop: ") && err.contains(words), "{what}: {err}");
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert!(o.stdout.is_empty(), "{what}");
}

const BAD_SECONDS: &[&str] = &[
    "1e308",
    "1e400",
    "1e-9",
    "0",
    "-0",
    "-1",
    "0.09",
    "86400.5",
    "NaN",
    "inf",
    "-inf",
    "99999999999999999999999999999",
];

#[test]
fn interval_flags_out_of_range_are_one_line_and_exit_2_in_every_mode() {
    for flag in ["--interval", "--proc-interval"] {
        for bad in BAD_SECONDS {
            for mode in [&["--once", "--sample-ms", "0"][..], &["--json", "--sample-ms", "0"], &[]] {
                let mut args = mode.to_vec();
                args.extend([flag, bad]);
                // The dashboard too: refused before it would say "not a terminal" (exit 1).
                assert_one_line_refusal(&ctop(&args), flag, &format!("{args:?}"));
            }
        }
    }
    let o = ctop(&["--once", "--interval", "abc"]);
    assert_one_line_refusal(&o, "--interval", "abc");
}

#[test]
fn interval_flags_at_both_ends_of_the_range_are_accepted() {
    for good in ["0.1", "86400", "1.5"] {
        let o = ctop(&["--once", "--sample-ms", "0", "--root", &root(), "--interval", good, "--proc-interval", good]);
        assert_eq!(o.status.code(), Some(0), "{good}: {}", stderr(&o));
    }
}

#[test]
fn sample_windows_longer_than_an_hour_or_not_numbers_are_refused() {
    for bad in ["3600001", "99999999999999", "18446744073709551616", "-1", "1.5", "1e3"] {
        assert_one_line_refusal(&ctop(&["--once", "--sample-ms", bad]), "--sample-ms", bad);
    }
    let o = ctop(&["--json", "--sample-ms", "0", "--root", &root()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

fn config_file(dir: &Path, text: &str) -> PathBuf {
    let file = dir.join("ctop.toml");
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn every_interval_key_out_of_range_in_the_file_is_one_line_naming_the_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad_values = ["1e308", "-1", "nan", "inf", "-inf", "0", "1e-9", "86401", "99999999999999999999999", "'x'"];
    for key in ["interval", "slow_interval", "proc_interval"] {
        for bad in bad_values {
            let file = config_file(dir.path(), &format!("# mine\n{key} = {bad}\n"));
            let o = ctop(&["--once", "--sample-ms", "0", "--root", &root(), "--config", file.to_str().unwrap()]);
            assert_one_line_refusal(&o, &format!("ctop.toml:2: \"{key}\""), &format!("{key} = {bad}"));
        }
    }
}

#[test]
fn a_flag_overrides_the_file_and_a_bad_value_it_overrides_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let file = config_file(dir.path(), "interval = 0\n");
    let config = file.to_str().unwrap();
    // Without the flag the value would be used: an error.
    let o = ctop(&["--json", "--sample-ms", "0", "--root", &root(), "--config", config]);
    assert_one_line_refusal(&o, "ctop.toml:1: \"interval\" must be from 0.1 to 86400 seconds", "no flag");
    // With it, the run goes on: one warning line, and the warning in the findings.
    let o = ctop(&["--json", "--sample-ms", "0", "--root", &root(), "--config", config, "--interval", "1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("ctop: warning: ") && err.contains("not used: a flag overrides it"), "{err}");
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["subject"] == "config" && f["severity"] == "warning"), "{findings:?}");
    // slow_interval has no flag: a bad one stays an error whatever flags are given.
    let file = config_file(dir.path(), "slow_interval = 0\n");
    let o = ctop(&["--once", "--root", &root(), "--config", file.to_str().unwrap(), "--interval", "1"]);
    assert_one_line_refusal(&o, "\"slow_interval\"", "slow_interval");
}

#[test]
fn the_ranges_are_documented_in_help_and_print_config() {
    let help = String::from_utf8(ctop(&["--help"]).stdout).unwrap();
    // clap wraps to the width it guesses.
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    for words in ["0.1 to 86400", "0 to 3600000"] {
        assert!(help.contains(words), "--help lacks {words}:\n{help}");
    }
    let printed = String::from_utf8(ctop(&["--print-config"]).stdout).unwrap();
    assert_eq!(printed.matches("0.1 to 86400").count(), 3, "{printed}");
}
