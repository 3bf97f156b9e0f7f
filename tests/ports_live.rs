//! `collect::ports` on this machine: this test process's own listeners, agreement with
//! `ss -ltnH` / `ss -lunH`, processes coming and going during the owner scan, and what an
//! unprivileged user sees.

mod net_common;

use ctop::collect::ports::{self, ListeningSocket, PortScanner, Protocol};
use ctop::source::Source;
use net_common::{have_command, is_root, parse_ss, run};
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, TcpListener, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};

fn own_comm() -> String {
    std::fs::read_to_string("/proc/self/comm").unwrap().trim_end().to_string()
}

fn find(list: &[ListeningSocket], protocol: Protocol, address: IpAddr, port: u16) -> &ListeningSocket {
    list.iter()
        .find(|s| (s.protocol, s.address, s.port) == (protocol, address, port))
        .unwrap_or_else(|| panic!("{protocol:?} {address} {port} not listed in {list:#?}"))
}

#[test]
fn own_listeners_have_this_pid_and_name() {
    let v4 = TcpListener::bind("127.0.0.1:0").unwrap();
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let v6 = TcpListener::bind("[::1]:0");
    let list = ports::collect(&Source::live());
    let me = Some(std::process::id());

    let row = find(&list, Protocol::Tcp, IpAddr::V4(Ipv4Addr::LOCALHOST), v4.local_addr().unwrap().port());
    assert_eq!((row.pid, row.process.clone(), row.uid), (me, Some(own_comm()), nix::unistd::geteuid().as_raw()));
    let row = find(&list, Protocol::Udp, IpAddr::V4(Ipv4Addr::LOCALHOST), udp.local_addr().unwrap().port());
    assert_eq!((row.pid, row.sockets), (me, 1));
    match v6 {
        Ok(v6) => {
            let row = find(&list, Protocol::Tcp6, IpAddr::V6(Ipv6Addr::LOCALHOST), v6.local_addr().unwrap().port());
            assert_eq!((row.pid, row.process.clone()), (me, Some(own_comm())));
        }
        Err(e) => eprintln!("skipped: the IPv6 part, cannot bind [::1]: {e}"),
    }
}

/// (is TCP, address, port) for every listening socket `ss` lists, asked per family so
/// that `*` is unambiguous.
fn ss_set() -> BTreeSet<(bool, IpAddr, u16)> {
    let mut set = BTreeSet::new();
    for (flags, tcp) in [("-ltnH", true), ("-lunH", false)] {
        for (family, wildcard) in [("-4", IpAddr::V4(Ipv4Addr::UNSPECIFIED)), ("-6", IpAddr::V6(Ipv6Addr::UNSPECIFIED))]
        {
            set.extend(parse_ss(&run("ss", &[flags, family]), wildcard).into_iter().map(|(ip, port)| (tcp, ip, port)));
        }
    }
    set
}

#[test]
fn same_set_as_ss() {
    if !have_command("ss") {
        eprintln!("skipped: no `ss` command (Debian: iproute2)");
        return;
    }
    // a wildcard, a v4-mapped and a dual-stack socket of our own, beside the machine's
    let _any = TcpListener::bind("0.0.0.0:0").unwrap();
    let _mapped = TcpListener::bind("[::ffff:127.0.0.1]:0");
    let _udp6 = UdpSocket::bind("[::]:0");
    let mut scanner = PortScanner::new(Source::live());
    // sockets of tests running alongside come and go: compare a moment that stood still
    for attempt in 1..=5 {
        let before = ss_set();
        let ours: BTreeSet<(bool, IpAddr, u16)> = scanner
            .collect()
            .into_iter()
            .map(|s| (matches!(s.protocol, Protocol::Tcp | Protocol::Tcp6), s.address, s.port))
            .collect();
        if before == ss_set() {
            assert_eq!(ours, before);
            return;
        }
        println!("sockets changed during attempt {attempt}, again");
    }
    panic!("listening sockets never stood still");
}

#[test]
fn processes_coming_and_going_during_the_scan() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let done = AtomicBool::new(false);
    let mut children_pids = BTreeSet::new();
    let mut owners = BTreeSet::new();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            // 1,000 short-lived processes, up to 50 alive at once
            for _ in 0..20 {
                let children: Vec<_> =
                    (0..50).filter_map(|_| std::process::Command::new("sleep").arg("0.01").spawn().ok()).collect();
                for mut child in children {
                    children_pids.insert(child.id());
                    let _ = child.wait();
                }
            }
            done.store(true, Ordering::Release);
        });
        let mut scans = 0;
        while !done.load(Ordering::Acquire) || scans == 0 {
            // a fresh scanner each time: a full scan, not the remembered owner
            let list = ports::collect(&Source::live());
            owners.insert(find(&list, Protocol::Tcp, IpAddr::V4(Ipv4Addr::LOCALHOST), port).pid);
            scans += 1;
        }
        println!("{scans} scans while 1,000 processes came and went");
    });
    // The owner is this process; or, once pids have wrapped below this one's, a child
    // caught between fork and exec, which holds a copy of the descriptor for that moment.
    let me = std::process::id();
    for owner in owners {
        assert!(owner.is_some_and(|pid| pid == me || children_pids.contains(&pid)), "owner {owner:?}, not {me}");
    }
}

const CHILD_ENV: &str = "CTOP_PORTS_TEST_CHILD";

#[test]
fn unprivileged_user_sees_no_owner_for_others_sockets() {
    if !is_root() || !have_command("setpriv") {
        eprintln!("skipped: needs root and setpriv to switch to nobody");
        return;
    }
    let root_owned = TcpListener::bind("127.0.0.1:0").unwrap();
    let root_port = root_owned.local_addr().unwrap().port();
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
        .arg(&exe)
        .args(["--exact", "collect_as_child", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "child failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<(u16, String)> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("socket "))
        .map(|l| {
            let (port, pid) = l.split_once(' ').unwrap();
            (port.parse().unwrap(), pid.to_string())
        })
        .collect();
    let root_row = rows.iter().find(|(p, _)| *p == root_port).expect("root's listener listed for nobody");
    assert_eq!(root_row.1, "none", "root's fds are unreadable to nobody");
    let own = stdout.lines().find_map(|l| l.strip_prefix("own ")).expect("the child's own listener");
    let (own_port, own_pid) = own.split_once(' ').unwrap();
    let own_row = rows.iter().find(|(p, _)| p.to_string() == own_port).expect("the child's listener listed");
    assert_eq!(own_row.1, own_pid, "nobody's own sockets do have an owner");
}

/// Run by `unprivileged_user_sees_no_owner_for_others_sockets` as another user.
#[test]
#[ignore = "run by unprivileged_user_sees_no_owner_for_others_sockets, as a child process"]
fn collect_as_child() {
    assert!(std::env::var_os(CHILD_ENV).is_some(), "run me through the outer test");
    let own = TcpListener::bind("127.0.0.1:0").unwrap();
    // after a newline: the harness has just written "test collect_as_child ... " without one
    println!("\nown {} {}", own.local_addr().unwrap().port(), std::process::id());
    let mut scanner = PortScanner::new(Source::live());
    scanner.collect();
    // the second call works from what the first remembered, and must say the same
    for s in scanner.collect() {
        println!("socket {} {}", s.port, s.pid.map_or("none".to_string(), |p| p.to_string()));
    }
}
