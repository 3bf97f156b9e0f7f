//! `collect::ports` on `fixtures/net/basic`, whose `/proc/net/{tcp,tcp6,udp,udp6}` were
//! copied from a live machine together with what `ss` printed for them.

mod fixture_tree;
mod net_common;

use ctop::collect::ports::{self, ListeningSocket, PortScanner, Protocol};
use fixture_tree::copy_tree;
use net_common::{fixture, fixture_source, parse_ss};
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv6Addr};

fn row(protocol: Protocol, address: &str, port: u16, inode: u64, pid: Option<u32>, sockets: u32) -> ListeningSocket {
    let process = pid.map(|p| match p {
        1 => "systemd".to_string(),
        4242 => "python3".to_string(),
        _ => "nginx".to_string(),
    });
    // The fixture's /proc/net tables give listeners' accept queues (all empty), not
    // their limits nor their connections.
    let accept_queue = matches!(protocol, Protocol::Tcp | Protocol::Tcp6).then_some(0);
    ListeningSocket {
        protocol,
        address: address.parse().unwrap(),
        port,
        uid: 0,
        inode,
        pid,
        process,
        sockets,
        established: None,
        syn_recv: None,
        accept_queue,
        accept_queue_limit: None,
    }
}

#[test]
fn every_listening_socket_decoded_with_its_owner() {
    let list = ports::collect(&fixture_source(&fixture("basic"), vec![]));
    use Protocol::*;
    let expected = vec![
        // shared by pids 4242 and 4300: the lower pid; one connection in its accept
        // queue puts it first (busiest first, then by port)
        ListeningSocket { accept_queue: Some(1), ..row(Tcp, "127.0.0.1", 18080, 76115, Some(4242), 1) },
        row(Tcp, "0.0.0.0", 2024, 637, Some(1), 1), // held by pid 1 only
        row(Udp, "0.0.0.0", 15353, 76127, Some(4242), 1),
        row(Udp, "127.0.0.1", 15354, 76128, Some(4242), 1),
        row(Udp6, "::", 15355, 76129, Some(4242), 1),
        row(Udp6, "::1", 15356, 76130, Some(4242), 1),
        // 15357 is a connected UDP socket: not listening
        // pid 1 holds it too (socket activation): the process it was handed to is named
        row(Tcp, "0.0.0.0", 18081, 76116, Some(4242), 1),
        row(Tcp, "192.0.2.2", 18082, 76117, Some(4242), 1),
        row(Tcp6, "::1", 18083, 76118, Some(4242), 1),
        row(Tcp6, "::", 18084, 76119, Some(4242), 1),
        row(Tcp6, "::ffff:127.0.0.1", 18085, 76120, Some(4242), 1),
        row(Tcp6, "fe80::fc:ff:fe00:1", 18086, 76121, Some(4242), 1),
        row(Tcp6, "fd00::2", 18087, 76123, Some(4242), 1),
        // three SO_REUSEPORT sockets, one row; the lowest pid among their owners
        row(Tcp, "0.0.0.0", 18088, 76125, Some(4242), 3),
    ];
    assert_eq!(list, expected);
    let mapped = list.iter().find(|s| s.port == 18085).unwrap().address;
    assert_eq!(mapped, IpAddr::V6(Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0x7f00, 1)), "v4-mapped stays IPv6");
}

#[test]
fn same_set_as_ss_printed() {
    let list = ports::collect(&fixture_source(&fixture("basic"), vec![]));
    for (file, tcp) in [("ss-ltnH.txt", true), ("ss-lunH.txt", false)] {
        let text = std::fs::read_to_string(fixture("basic").join(file)).unwrap();
        // this ss prints IPv4's wildcard as 0.0.0.0 and a dual-stack IPv6 one as `*`
        let ss: BTreeSet<(IpAddr, u16)> = parse_ss(&text, IpAddr::V6(Ipv6Addr::UNSPECIFIED)).into_iter().collect();
        let ours: BTreeSet<(IpAddr, u16)> = list
            .iter()
            .filter(|s| matches!(s.protocol, Protocol::Tcp | Protocol::Tcp6) == tcp)
            .map(|s| (s.address, s.port))
            .collect();
        assert_eq!(ours, ss, "{file}");
    }
}

#[test]
fn owners_are_remembered_and_rechecked() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), dir.path());
    let mut scanner = PortScanner::new(fixture_source(dir.path(), vec![]));
    let pid_of = |list: &[ListeningSocket], port: u16| list.iter().find(|s| s.port == port).unwrap().pid;
    assert_eq!(pid_of(&scanner.collect(), 18080), Some(4242));

    // the process closes the socket; another (pid 4300 still has it) keeps it open
    std::fs::remove_file(dir.path().join("proc/4242/fd/3")).unwrap();
    assert_eq!(pid_of(&scanner.collect(), 18080), Some(4300));

    // nobody holds it any more: unknown, and the miss is not an error
    std::fs::remove_file(dir.path().join("proc/4300/fd/4")).unwrap();
    assert_eq!(pid_of(&scanner.collect(), 18080), None);

    // the remembered fd number now points elsewhere (closed and reused): not taken for the socket
    std::fs::remove_file(dir.path().join("proc/4242/fd/4")).unwrap();
    std::os::unix::fs::symlink("socket:[999]", dir.path().join("proc/4242/fd/4")).unwrap();
    let list = scanner.collect();
    assert_eq!(pid_of(&list, 18081), Some(1), "found again, in the other process holding it");
    assert_eq!(pid_of(&list, 18082), Some(4242), "the others still known");
}

#[test]
fn missing_or_garbled_tables_make_only_themselves_unknown() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), dir.path());
    std::fs::remove_file(dir.path().join("proc/net/tcp6")).unwrap();
    std::fs::write(dir.path().join("proc/net/udp"), "header\n 0: not a socket line\n").unwrap();
    std::fs::remove_dir_all(dir.path().join("proc/4242")).unwrap();
    let list = ports::collect(&fixture_source(dir.path(), vec![]));
    let protocols: BTreeSet<Protocol> = list.iter().map(|s| s.protocol).collect();
    assert_eq!(protocols, BTreeSet::from([Protocol::Tcp, Protocol::Udp6]));
    let owned: Vec<(u16, Option<u32>)> = list.iter().filter(|s| s.pid.is_some()).map(|s| (s.port, s.pid)).collect();
    assert_eq!(owned, [(18080, Some(4300)), (2024, Some(1)), (18081, Some(1)), (18088, Some(4300))]);
}

#[test]
fn a_missed_socket_is_not_hunted_for_every_call() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), dir.path());
    let proc = dir.path().join("proc");
    std::fs::remove_file(proc.join("1/fd/4")).unwrap(); // port 2024's only holder
    let mut scanner = PortScanner::new(fixture_source(dir.path(), vec![]));
    let pid_of = |list: &[ListeningSocket], port: u16| list.iter().find(|s| s.port == port).unwrap().pid;
    assert_eq!(pid_of(&scanner.collect(), 2024), None);

    // a holder appears, but a full scan just missed it: not searched for again yet
    std::os::unix::fs::symlink("socket:[637]", proc.join("4300/fd/9")).unwrap();
    assert_eq!(pid_of(&scanner.collect(), 2024), None);

    // a new listener makes a scan run; it meets 2024's holder on the way
    let tcp = std::fs::read_to_string(proc.join("net/tcp")).unwrap();
    let line = "  11: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 88888 1 0000000000000000 100 0 0 10 0";
    std::fs::write(proc.join("net/tcp"), format!("{tcp}{line}\n")).unwrap();
    std::os::unix::fs::symlink("socket:[88888]", proc.join("4300/fd/10")).unwrap();
    let list = scanner.collect();
    assert_eq!(pid_of(&list, 8080), Some(4300));
    assert_eq!(pid_of(&list, 2024), Some(4300));
}
