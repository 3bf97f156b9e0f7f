//! `packaging/systemd/ctop-record.service` is checked by `systemd-analyze verify`, with
//! its ExecStart pointed at the binary under test (the unit names /usr/bin/ctop, where
//! the packages install it).

use std::path::Path;
use std::process::Command;

#[test]
fn the_record_unit_verifies_and_sandboxes_the_recorder() {
    let unit =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/systemd/ctop-record.service"))
            .unwrap();
    for directive in ["ProtectSystem=strict", "ReadWritePaths=/var/log/ctop", "NoNewPrivileges=yes", "--no-ui"] {
        assert!(unit.contains(directive), "{directive}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ctop-record.service");
    std::fs::write(&path, unit.replace("/usr/bin/ctop", env!("CARGO_BIN_EXE_ctop"))).unwrap();
    // --man=no: the man page is installed by the package, not on the machine that tests.
    let Ok(out) = Command::new("systemd-analyze").args(["verify", "--man=no"]).arg(&path).output() else {
        eprintln!("skipped: systemd-analyze is not installed");
        return;
    };
    let said = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
}
