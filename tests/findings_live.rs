//! Real trouble, made on this machine, found by `ctop --json`: a nearly full tmpfs,
//! a veth that is up without carrier, and a tmpfs listed read-write in an fstab but
//! mounted read-only. Needs root (skips with a note otherwise); each test builds and
//! removes its own conditions.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn is_root() -> bool {
    nix::unistd::Uid::effective().is_root()
}

fn run(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd).args(args).status().is_ok_and(|s| s.success())
}

fn ctop_json(extra: &[&str]) -> Value {
    let o =
        Command::new(env!("CARGO_BIN_EXE_ctop")).args(["--json", "--sample-ms", "100"]).args(extra).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn finding<'a>(v: &'a Value, subject: &str) -> Option<&'a Value> {
    v["findings"].as_array().unwrap().iter().find(|f| f["subject"] == subject)
}

/// Unmounts (lazily, so a test failure cannot leave it busy) when dropped.
struct Mount(tempfile::TempDir);

impl Mount {
    fn tmpfs(options: &str) -> Option<Self> {
        let dir = tempfile::Builder::new().prefix("ctop-test-").tempdir_in("/tmp").ok()?;
        run("mount", &["-t", "tmpfs", "-o", options, "ctop-test", dir.path().to_str()?]).then_some(Self(dir))
    }
    fn path(&self) -> &Path {
        self.0.path()
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        run("umount", &["-l", self.0.path().to_str().unwrap()]);
    }
}

#[test]
fn a_nearly_full_tmpfs_is_an_error() {
    if !is_root() {
        eprintln!("skipped: needs root to mount a tmpfs");
        return;
    }
    let Some(m) = Mount::tmpfs("size=1m") else {
        eprintln!("skipped: cannot mount tmpfs here");
        return;
    };
    std::fs::write(m.path().join("fill"), vec![0u8; 1000 * 1024]).unwrap();
    let mp = m.path().to_str().unwrap();
    let v = ctop_json(&[]);
    let f = finding(&v, mp).unwrap_or_else(|| panic!("no finding for {mp}: {}", v["findings"]));
    assert_eq!(f["severity"], "error");
    assert!(f["message"].as_str().unwrap().contains("full"), "{f}");
}

#[test]
fn a_veth_up_without_carrier_is_an_error() {
    if !is_root() {
        eprintln!("skipped: needs root to add a veth pair");
        return;
    }
    let (a, b) = (format!("ctf{}a", std::process::id() % 100_000), format!("ctf{}b", std::process::id() % 100_000));
    if !run("ip", &["link", "add", &a, "type", "veth", "peer", "name", &b]) {
        eprintln!("skipped: cannot create a veth pair here");
        return;
    }
    struct Link(String);
    impl Drop for Link {
        fn drop(&mut self) {
            run("ip", &["link", "del", &self.0]);
        }
    }
    let _link = Link(a.clone());
    // Up on one side, its peer down: administratively up, no carrier.
    assert!(run("ip", &["link", "set", &a, "up"]));
    let v = ctop_json(&[]);
    let iface = v["interfaces"].as_array().unwrap().iter().find(|i| i["name"] == a.as_str()).unwrap();
    assert_eq!(iface["carrier"], false);
    let f = finding(&v, &a).unwrap_or_else(|| panic!("no finding for {a}: {}", v["findings"]));
    assert_eq!(f["severity"], "error");
    assert!(finding(&v, &b).is_none(), "a down interface is not a problem");
}

#[test]
fn a_tmpfs_listed_rw_in_fstab_but_mounted_ro_is_an_error() {
    if !is_root() {
        eprintln!("skipped: needs root to mount a tmpfs");
        return;
    }
    let Some(m) = Mount::tmpfs("size=1m,ro") else {
        eprintln!("skipped: cannot mount tmpfs here");
        return;
    };
    let mp = m.path().to_str().unwrap().to_string();
    // A machine tree whose fstab says this mount should be writable; the mount table is
    // this machine's (read at collection time through the tree's /proc link).
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("etc")).unwrap();
    std::fs::write(root.path().join("etc/fstab"), format!("# test fstab\nctop-test {mp} tmpfs rw,size=1m 0 0\n"))
        .unwrap();
    std::os::unix::fs::symlink("/proc", root.path().join("proc")).unwrap();
    std::os::unix::fs::symlink("/sys", root.path().join("sys")).unwrap();
    let v = ctop_json(&["--root", root.path().to_str().unwrap()]);
    let fs = v["filesystems"].as_array().unwrap().iter().find(|f| f["mountpoint"] == mp.as_str()).unwrap();
    assert_eq!(fs["read_only"], true);
    assert_eq!(fs["remounted_read_only"], true);
    let f = finding(&v, &mp).unwrap_or_else(|| panic!("no finding for {mp}: {}", v["findings"]));
    assert_eq!(f["severity"], "error");

    // The same mount with no fstab entry is read-only on purpose: no finding.
    let v = ctop_json(&[]);
    assert!(finding(&v, &mp).is_none(), "{}", v["findings"]);
}
