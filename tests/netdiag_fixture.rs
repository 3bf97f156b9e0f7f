//! The network-diagnosis parsers on fixture roots of three kernels (6.18 from this
//! machine, 3.10 and 2.6.18 in their formats, see `fixtures/netdiag/README.md`): fields
//! that come and go, hexadecimal per-CPU columns, a missing conntrack module, and the
//! rates `collect::network` makes of two readings.

mod fixture_tree;
mod net_common;

use ctop::collect::conntrack::{self, ConntrackCounters};
use ctop::collect::netstat::ProtocolCounters;
use ctop::collect::network::NetworkSampler;
use ctop::collect::sockstat::SocketTotals;
use ctop::collect::softnet::{self, SoftnetCounters};
use ctop::source::Source;
use fixture_tree::copy_tree;
use net_common::fixture_source;
use std::path::{Path, PathBuf};

fn root(kernel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/netdiag").join(kernel)
}

fn source(kernel: &str) -> Source {
    fixture_source(&root(kernel), vec![])
}

#[test]
fn kernel_3_10_counters_by_name() {
    let c = ProtocolCounters::read(&source("linux-3.10"));
    assert_eq!((c.listen_overflows, c.listen_drops), (Some(8841), Some(8841)));
    assert_eq!(
        (c.req_queue_full_drops, c.req_queue_full_cookies, c.syncookies_sent),
        (Some(0), Some(1520), Some(1520))
    );
    assert_eq!((c.out_segments, c.retransmitted_segments, c.resets_sent), (Some(29711099), Some(18213), Some(22101)));
    assert_eq!((c.established_resets, c.attempt_fails), (Some(4412), Some(1211)));
    // Udp and Udp6 add up
    assert_eq!((c.udp_rcvbuf_errors, c.udp_sndbuf_errors), (Some(16), Some(1)));
}

#[test]
fn kernel_2_6_18_lacks_what_it_lacks() {
    let c = ProtocolCounters::read(&source("linux-2.6.18"));
    assert_eq!((c.listen_overflows, c.out_segments, c.resets_sent), (Some(0), Some(98011), Some(44)));
    assert_eq!((c.req_queue_full_drops, c.req_queue_full_cookies), (None, None));
    assert_eq!((c.udp_rcvbuf_errors, c.udp_sndbuf_errors), (None, None));
    assert_eq!(ConntrackCounters::read(&source("linux-2.6.18")), None, "no conntrack module: no table");
    let t = SocketTotals::read(&source("linux-2.6.18"));
    assert_eq!((t.tcp_in_use, t.time_wait, t.udp_in_use), (Some(9), Some(3), Some(4)), "no sockstat6");
    assert_eq!((t.memory_pressure_pages, t.memory_limit_pages), (Some(262144), Some(393216)));
    assert_eq!(SoftnetCounters::read(&source("linux-2.6.18")).map(|s| s.processed), Some(0x12a11));
}

#[test]
fn this_machines_files_parse_whole() {
    let s = source("linux-6.18");
    let c = ProtocolCounters::read(&s);
    for (name, v) in [
        ("ListenOverflows", c.listen_overflows),
        ("TCPReqQFullDrop", c.req_queue_full_drops),
        ("TCPReqQFullDoCookies", c.req_queue_full_cookies),
        ("OutSegs", c.out_segments),
        ("RcvbufErrors", c.udp_rcvbuf_errors),
    ] {
        assert!(v.is_some(), "{name}");
    }
    let t = SocketTotals::read(&s);
    assert!(t.tcp_in_use.is_some() && t.orphans_limit.is_some() && t.memory_limit_pages.is_some(), "{t:?}");
    let ct = ConntrackCounters::read(&s).expect("this machine has the conntrack module");
    assert_eq!((ct.max, ct.drops), (Some(262144), Some(0)));
    let sn = SoftnetCounters::read(&s).unwrap();
    assert_eq!((sn.processed, sn.dropped, sn.squeezed), (0xbec4b + 0xdd915, 0, 7));
}

#[test]
fn sockstat_of_both_families() {
    let t = SocketTotals::read(&source("linux-3.10"));
    assert_eq!((t.tcp_in_use, t.udp_in_use), (Some(212 + 31), Some(9 + 2)));
    assert_eq!(
        (t.time_wait, t.time_wait_limit, t.orphans, t.orphans_limit),
        (Some(4410), Some(262144), Some(3), Some(4096))
    );
    assert_eq!(t.memory_pages, Some(88));
}

#[test]
fn conntrack_columns_are_found_by_name_and_summed_in_hex() {
    let ct = ConntrackCounters::read(&source("linux-3.10")).unwrap();
    assert_eq!((ct.count, ct.max), (65520, Some(65536)));
    assert_eq!((ct.drops, ct.early_drops), (Some(0x0a + 0x10), Some(3)));
    // a column the header does not have, a garbled line
    let stat = std::fs::read_to_string(root("linux-3.10").join("proc/net/stat/nf_conntrack")).unwrap();
    assert_eq!(conntrack::sum_column(&stat, "clashres"), None);
    assert_eq!(conntrack::sum_column("entries drop\n0001 zz\n", "drop"), None);
    assert_eq!(conntrack::sum_column("", "drop"), None);
}

#[test]
fn softnet_of_any_width_and_garbage() {
    assert_eq!(
        softnet::parse("00000010 00000002 00000003\n"),
        Some(SoftnetCounters { processed: 16, dropped: 2, squeezed: 3 })
    );
    assert_eq!(softnet::parse("00000010 00000002\n"), None, "too few columns");
    assert_eq!(softnet::parse("0000001g 0 0\n"), None);
    let three_ten = SoftnetCounters::read(&source("linux-3.10")).unwrap();
    assert_eq!((three_ten.dropped, three_ten.squeezed), (3, 0x1c + 0x21));
}

/// Two readings a known distance apart in counts (the time between them is the
/// sampler's own): rates are positive exactly where the counters moved.
#[test]
fn rates_between_two_readings() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root("linux-3.10"), dir.path());
    let mut sampler = NetworkSampler::new(fixture_source(dir.path(), vec![]));
    let first = sampler.collect();
    assert_eq!(first.tcp.listen_overflows_per_s, None, "no rate from one reading");
    assert_eq!(first.conntrack.as_ref().unwrap().count, 65520);

    let edit = |file: &str, from: &str, to: &str| {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file}: {from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit("proc/net/snmp", "29711099 18213 3 22101", "29721099 19213 3 22101"); // 10,000 out, 1,000 retransmitted
    edit("proc/net/stat/nf_conntrack", "0000000a 00000002", "0000001a 00000002"); // 16 drops
    std::thread::sleep(std::time::Duration::from_millis(50));
    let second = sampler.collect();
    let tcp = &second.tcp;
    assert!((tcp.retransmit_percent.unwrap() - 10.0).abs() < 1e-9, "{tcp:?}");
    assert_eq!(tcp.listen_overflows_per_s.unwrap().now, 0.0);
    assert!(second.conntrack.unwrap().drops_per_s.unwrap().now > 0.0);
    assert!(second.udp.rcvbuf_errors_per_s.is_some());

    // A counter going backwards (the module reloaded) gives no rate, not a negative one.
    edit("proc/net/stat/nf_conntrack", "0000001a 00000002", "00000000 00000002");
    assert_eq!(sampler.collect().conntrack.unwrap().drops_per_s, None);
}
