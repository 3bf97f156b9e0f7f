//! A default configuration file ctop may not read (running as `nobody` with root's
//! `HOME` kept: `su` without `-`, `sudo -E`) is a warning and the defaults, not a
//! refusal to run; only an explicit `--config` that cannot be read is fatal. Run for
//! real as `nobody` with setpriv(1); skipped without root.

use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root_tree() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/machines/debian12-vm").to_str().unwrap().to_string()
}

/// A HOME only root may enter, holding a configuration file, removed however the
/// test ends.
struct PrivateHome(PathBuf);

impl PrivateHome {
    fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("ctop-private-home-{test}-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(".config/ctop")).unwrap();
        std::fs::write(dir.join(".config/ctop/config.toml"), "interval = 2\n").unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        Self(dir)
    }
}

impl Drop for PrivateHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `ctop args` as nobody, with `home` as HOME; `None` (after saying why) where this
/// cannot be done.
fn as_nobody(home: &Path, args: &[&str]) -> Option<Output> {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("skipped: setpriv to nobody needs root");
        return None;
    }
    let output = Command::new("setpriv")
        .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "env", "-u", "XDG_CONFIG_HOME"])
        .arg(format!("HOME={}", home.display()))
        .arg(env!("CARGO_BIN_EXE_ctop"))
        .args(args)
        .current_dir("/")
        .output();
    match output {
        Ok(o) => Some(o),
        Err(e) => {
            eprintln!("skipped: setpriv cannot be run: {e}");
            None
        }
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn an_unreadable_default_file_is_a_warning_and_a_finding_and_the_defaults_are_used() {
    let home = PrivateHome::new("warning");
    let tree = root_tree();
    let Some(o) = as_nobody(&home.0, &["--once", "--sample-ms", "0", "--root", &tree]) else { return };
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    let file = home.0.join(".config/ctop/config.toml");
    assert_eq!(
        err.trim_end(),
        format!("ctop: warning: {}: cannot read (permission denied), using the defaults", file.display())
    );
    let text = String::from_utf8(o.stdout).unwrap();
    let problems = text.split("\nHOST").next().unwrap();
    assert!(problems.contains("!  configuration: "), "{problems}");

    let Some(o) = as_nobody(&home.0, &["--json", "--sample-ms", "0", "--root", &tree]) else { return };
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    let config: Vec<&Value> =
        json["findings"].as_array().unwrap().iter().filter(|f| f["subject"] == "config").collect();
    assert_eq!(config.len(), 1, "{json}");
    assert_eq!(config[0]["severity"], "warning");
    assert!(config[0]["message"].as_str().unwrap().contains("permission denied"), "{config:?}");
}

#[test]
fn root_s_own_home_kept_by_sudo_e_is_no_reason_to_refuse() {
    // The case as users meet it: /root is 0700 on every distribution.
    let Ok(meta) = std::fs::metadata("/root") else {
        eprintln!("skipped: no /root here");
        return;
    };
    if meta.permissions().mode() & 0o005 != 0 {
        eprintln!("skipped: /root is open to others here");
        return;
    }
    let Some(o) = as_nobody(Path::new("/root"), &["--json", "--sample-ms", "0", "--root", &root_tree()]) else {
        return;
    };
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("ctop: warning: /root/.config/ctop/config.toml: cannot read"), "{}", stderr(&o));
}

#[test]
fn an_explicit_config_that_cannot_be_read_is_still_fatal() {
    let home = PrivateHome::new("explicit");
    let file = home.0.join(".config/ctop/config.toml");
    let Some(o) = as_nobody(&home.0, &["--once", "--sample-ms", "0", "--config", file.to_str().unwrap()]) else {
        return;
    };
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cannot read: Permission denied"), "{err}");
    assert!(o.stdout.is_empty());
}
