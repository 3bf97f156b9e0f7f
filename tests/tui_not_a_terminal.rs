//! Without a terminal the dashboard refuses in one line and points to the text mode.

use std::process::{Command, Stdio};

#[test]
fn without_a_terminal_it_says_what_to_use_instead() {
    let out = Command::new(env!("CARGO_BIN_EXE_ctop"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("running ctop");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "ctop: not a terminal; use `ctop --once` for a text snapshot\n");
    assert!(out.stdout.is_empty(), "nothing drawn: {:?}", String::from_utf8_lossy(&out.stdout));
}
