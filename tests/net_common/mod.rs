//! Helpers shared by the network and ports tests: fixture sources, copying a fixture
//! tree (symlinks kept) to change it, and reading `ss` output.

#![allow(dead_code)] // each test crate uses its own subset

use ctop::source::{FixedSystem, InterfaceAddress, Source};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/net").join(case)
}

pub fn address(interface: &str, cidr: &str) -> InterfaceAddress {
    let (ip, prefix) = cidr.split_once('/').expect("address/prefix");
    InterfaceAddress {
        interface: interface.into(),
        ip: ip.parse().expect("ip"),
        prefix_len: prefix.parse().expect("prefix"),
    }
}

pub fn fixture_source(root: &Path, addresses: Vec<InterfaceAddress>) -> Source {
    Source::new(root, Arc::new(FixedSystem { addresses, ..FixedSystem::default() }))
}

/// The (address, port) of each line of `ss -ltnH` / `ss -lunH` output. `ss` writes
/// `[v6]:port`, `v4:port`, `[fe80::1]%eth0:port` or `127.0.0.53%lo:port` (bound to a
/// device) and `*:port` for a wildcard; `wildcard` says which one `*` stands for (run
/// `ss` with `-4` or `-6` to know).
pub fn parse_ss(output: &str, wildcard: IpAddr) -> Vec<(IpAddr, u16)> {
    output
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let local = line.split_whitespace().nth(3).unwrap_or_else(|| panic!("no local address in {line:?}"));
            let (host, port) = local.rsplit_once(':').unwrap_or_else(|| panic!("no port in {local:?}"));
            let host = host.split('%').next().unwrap().trim_start_matches('[').trim_end_matches(']');
            let ip =
                if host == "*" { wildcard } else { host.parse().unwrap_or_else(|_| panic!("bad address {host:?}")) };
            (ip, port.parse().unwrap_or_else(|_| panic!("bad port {port:?}")))
        })
        .collect()
}

pub fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// Runs a command that sets up a test condition; panics with its stderr if it fails.
pub fn run(cmd: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(out.status.success(), "{cmd} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Whether `cmd` is on the PATH (a test that needs it skips otherwise).
pub fn have_command(cmd: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(cmd).is_file()))
}
