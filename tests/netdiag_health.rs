//! The network rules (health/network.rs) on hand-built snapshots: listen-queue
//! overflows (warning, error once sustained), a SYN flood naming its port, conntrack,
//! TCP limits, retransmits, UDP buffers, and interface errors and drops (bond slaves'
//! drops not judged).

use ctop::collect::net::{Interface, NetRates};
use ctop::collect::network::{Conntrack, Rate};
use ctop::collect::ports::{ListeningSocket, Protocol};
use ctop::health::{Key, Severity, Thresholds, judge};
use ctop::snapshot::Snapshot;

fn rate(now: f64, sustained: f64) -> Option<Rate> {
    Some(Rate { now, sustained })
}

fn listener(port: u16, established: u32, syn_recv: u32, queue: u32, limit: u32) -> ListeningSocket {
    ListeningSocket {
        protocol: Protocol::Tcp,
        address: "0.0.0.0".parse().unwrap(),
        port,
        uid: 0,
        inode: u64::from(port),
        pid: None,
        process: None,
        sockets: 1,
        established: Some(established),
        syn_recv: Some(syn_recv),
        accept_queue: Some(queue),
        accept_queue_limit: Some(limit),
    }
}

fn findings(s: &Snapshot) -> Vec<(Severity, String)> {
    judge(s, &Thresholds::default()).problems.into_iter().map(|f| (f.severity, f.message)).collect()
}

#[test]
fn listen_overflows_warn_and_once_sustained_are_an_error() {
    let mut s =
        Snapshot { listening: vec![listener(22, 3, 0, 0, 128), listener(8080, 40, 0, 129, 128)], ..Default::default() };
    s.network.tcp.listen_drops_per_s = rate(4.0, 0.0);
    let f = findings(&s);
    assert_eq!(
        f,
        [(
            Severity::Warning,
            "listen queue overflowing on :8080 (accept queue 129 of 128): 4.0 connections/s dropped".to_string()
        )]
    );
    s.network.tcp.listen_drops_per_s = rate(250.0, 120.0);
    assert_eq!(findings(&s)[0].0, Severity::Error);
    assert_eq!(judge(&s, &Thresholds::default()).severity(&Key::Network("listen_queue")), Severity::Error);
    s.network.tcp.listen_drops_per_s = rate(0.0, 0.0);
    assert!(findings(&s).is_empty());
}

#[test]
fn a_full_syn_queue_names_the_port_with_most_half_open() {
    let mut s = Snapshot {
        listening: vec![listener(80, 10, 12, 0, 4096), listener(443, 300, 12_400, 0, 4096)],
        ..Default::default()
    };
    s.network.tcp.syncookies_sent_per_s = rate(900.0, 900.0);
    assert_eq!(findings(&s), [(Severity::Warning, "SYN flood on :443? 12,400 half-open".to_string())]);
    s.listening.clear();
    s.network.tcp.syncookies_sent_per_s = None;
    s.network.tcp.syn_queue_full_per_s = rate(3.0, 3.0);
    assert_eq!(findings(&s)[0].1, "SYN queue full: 3.0 SYNs/s dropped or answered with cookies");
}

#[test]
fn conntrack_near_full_or_dropping() {
    let mut s = Snapshot::default();
    let table =
        |count, drops| Conntrack { count, max: Some(1000), drops_per_s: rate(drops, drops), early_drops_per_s: None };
    s.network.conntrack = Some(table(899, 0.0));
    assert!(findings(&s).is_empty());
    s.network.conntrack = Some(table(900, 0.0));
    assert_eq!(findings(&s)[0].0, Severity::Warning);
    s.network.conntrack = Some(table(960, 0.0));
    assert_eq!(findings(&s)[0].0, Severity::Error);
    s.network.conntrack = Some(table(10, 2.0));
    assert_eq!(findings(&s), [(Severity::Error, "conntrack table full: new connections dropped (2.0/s)".to_string())]);
}

#[test]
fn tcp_limits_retransmits_and_udp_buffers() {
    let mut s = Snapshot::default();
    let tcp = &mut s.network.tcp;
    (tcp.orphans, tcp.orphans_limit) = (Some(3900), Some(4096));
    (tcp.memory_pages, tcp.memory_limit_pages) = (Some(100), Some(1000));
    (tcp.time_wait, tcp.time_wait_limit) = (Some(250_000), Some(262_144));
    tcp.retransmit_percent = Some(20.0);
    tcp.segments_sent_per_s = rate(5.0, 5.0); // too few segments to judge
    s.network.udp.rcvbuf_errors_per_s = rate(12.0, 12.0);
    let f = findings(&s);
    let messages: Vec<&str> = f.iter().map(|(_, m)| m.as_str()).collect();
    assert!(messages.contains(&"3,900 orphaned TCP sockets, 95% of tcp_max_orphans"), "{messages:?}");
    assert!(messages.contains(&"250,000 sockets in TIME_WAIT, 95% of tcp_max_tw_buckets"), "{messages:?}");
    assert!(messages.contains(&"UDP buffers overflowing: 12 receive, 0.0 send errors/s"), "{messages:?}");
    assert!(!messages.iter().any(|m| m.contains("TCP buffers") || m.contains("retransmitting")), "{messages:?}");
    s.network.tcp.segments_sent_per_s = rate(5000.0, 5000.0);
    assert!(
        findings(&s).iter().any(|(sev, m)| *sev == Severity::Error && m == "TCP retransmitting 20% of segments sent")
    );
}

fn interface(name: &str, rates: NetRates, bond_slave: bool) -> Interface {
    Interface {
        name: name.into(),
        operstate: "up".into(),
        admin_up: true,
        carrier: Some(true),
        speed_mbps: Some(1000),
        duplex: None,
        mtu: Some(1500),
        mac: None,
        kind: "ether".into(),
        addresses: vec![],
        counters: None,
        rates: Some(rates),
        bond_slave,
    }
}

#[test]
fn interface_errors_sustained_and_drops_past_their_share() {
    let mut s = Snapshot::default();
    let burst =
        NetRates { rx_errors_per_s: 5.0, errors_sustained_per_s: 0.0, rx_packets_per_s: 1000.0, ..Default::default() };
    let errors = NetRates { errors_sustained_per_s: 2.0, ..burst };
    let drops = NetRates { rx_packets_per_s: 970.0, rx_dropped_per_s: 30.0, ..Default::default() };
    s.interfaces =
        vec![interface("eth0", burst, false), interface("eth1", errors, false), interface("eth2", drops, false)];
    s.interfaces.push(interface("eth3", drops, true)); // an inactive bond slave drops by design
    let judged = judge(&s, &Thresholds::default());
    let sev = |n: &str| judged.severity(&Key::Interface(n.into()));
    assert_eq!(
        (sev("eth0"), sev("eth1"), sev("eth2"), sev("eth3")),
        (Severity::Ok, Severity::Warning, Severity::Warning, Severity::Ok)
    );
    assert!(
        judged.problems.iter().any(|p| p.message == "eth2 dropping 3.0% of packets (30/s)"),
        "{:?}",
        judged.problems
    );
}

/// A full SYN queue names a port only when some listener has half-open connections:
/// with every listener at 0 in SYN-RECV, the finding gives the rate, not "SYN flood on
/// :22? 0 half-open".
#[test]
fn a_full_syn_queue_with_no_half_open_connection_names_no_port() {
    let mut s =
        Snapshot { listening: vec![listener(22, 2, 0, 0, 4096), listener(443, 2, 0, 0, 4096)], ..Snapshot::default() };
    s.network.tcp.syn_queue_full_per_s = rate(3.0, 3.0);
    let messages: Vec<String> = findings(&s).into_iter().map(|(_, message)| message).collect();
    assert_eq!(messages, ["SYN queue full: 3.0 SYNs/s dropped or answered with cookies"]);
}
