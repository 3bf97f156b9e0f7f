//! A full SYN queue names a port only when some listener has half-open connections: with
//! every listener at 0 in SYN-RECV, the finding gives the rate, not "SYN flood on :22? 0
//! half-open". Mutation testing found this unchecked (`tests/netdiag_health.rs` tests the
//! rate-only message with no listener at all).

use ctop::collect::network::Rate;
use ctop::collect::ports::{ListeningSocket, Protocol};
use ctop::health::{Thresholds, judge};
use ctop::snapshot::Snapshot;

fn idle_listener(port: u16) -> ListeningSocket {
    ListeningSocket {
        protocol: Protocol::Tcp,
        address: "0.0.0.0".parse().unwrap(),
        port,
        uid: 0,
        inode: u64::from(port),
        pid: None,
        process: None,
        sockets: 1,
        established: Some(2),
        syn_recv: Some(0),
        accept_queue: Some(0),
        accept_queue_limit: Some(4096),
    }
}

#[test]
fn a_full_syn_queue_with_no_half_open_connection_names_no_port() {
    let mut s = Snapshot { listening: vec![idle_listener(22), idle_listener(443)], ..Snapshot::default() };
    s.network.tcp.syn_queue_full_per_s = Some(Rate { now: 3.0, sustained: 3.0 });
    let messages: Vec<String> = judge(&s, &Thresholds::default()).problems.into_iter().map(|f| f.message).collect();
    assert_eq!(messages, ["SYN queue full: 3.0 SYNs/s dropped or answered with cookies"]);
}
