//! What `packaging/` ships for a fleet is checked by the tools that will read it: the
//! alert rules by `promtool check rules` and their unit tests by `promtool test rules`,
//! the systemd units by `systemd-analyze verify`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn packaging(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging").join(dir)
}

/// Runs `program args` in `dir`: its success and what it said, or None where it is missing.
fn run(dir: &Path, program: &str, args: &[&str]) -> Option<(bool, String)> {
    let Ok(out) = Command::new(program).args(args).current_dir(dir).output() else {
        eprintln!("skipped: {program} is not installed");
        return None;
    };
    let said = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    Some((out.status.success(), said))
}

#[test]
fn the_alert_rules_load_and_pass_their_unit_tests() {
    let dir = packaging("prometheus");
    let Some((ok, said)) = run(&dir, "promtool", &["check", "rules", "ctop.rules.yml"]) else { return };
    assert!(ok && said.contains("SUCCESS: 3 rules found"), "{said}");
    let Some((ok, said)) = run(&dir, "promtool", &["test", "rules", "ctop.rules.test.yml"]) else { return };
    assert!(ok, "{said}");
}

#[test]
fn the_systemd_units_verify() {
    let dir = packaging("systemd");
    // --man=no: the man page is installed by the package, not on the machine that tests.
    let args = ["verify", "--man=no", "./ctop-openmetrics.service", "./ctop-openmetrics.timer"];
    let Some((ok, said)) = run(&dir, "systemd-analyze", &args) else { return };
    assert!(ok && said.trim().is_empty(), "{said}");
}
