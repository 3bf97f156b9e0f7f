//! `collect::net` on the fixture tree `fixtures/net/basic`: every field of every
//! interface, the order, and the rates between two calls.

mod fixture_tree;
mod net_common;

use ctop::collect::net::{Address, Interface, NetCounters, NetSampler};
use fixture_tree::copy_tree;
use net_common::{address, fixture, fixture_source};
use std::time::Instant;

fn addresses() -> Vec<ctop::source::InterfaceAddress> {
    vec![
        address("lo", "127.0.0.1/8"),
        address("eth0", "192.0.2.2/24"),
        // getifaddrs names an IPv4 alias by its label
        address("eth0:1", "198.51.100.9/24"),
        address("veth-a", "192.0.2.7/24"),
        address("lo", "::1/128"),
        address("eth0", "fd00::2/64"),
        address("eth0", "fe80::fc:ff:fe00:1/64"),
        address("veth-a", "2001:db8::7/64"),
        // an interface sysfs does not list (gone in between): dropped
        address("gone0", "10.9.9.9/8"),
    ]
}

fn by_name<'a>(list: &'a [Interface], name: &str) -> &'a Interface {
    list.iter().find(|i| i.name == name).unwrap_or_else(|| panic!("{name} missing"))
}

fn addr(cidr: &str) -> Address {
    let a = address("", cidr);
    Address { ip: a.ip, prefix_len: a.prefix_len }
}

#[test]
fn every_field_of_every_interface() {
    let mut sampler = NetSampler::new(fixture_source(&fixture("basic"), addresses()));
    let list = sampler.collect();

    let names: Vec<&str> = list.iter().map(|i| i.name.as_str()).collect();
    // physical by name (eth2 before eth10), then virtual, loopback last; ghost0 is only
    // in /proc/net/dev and is not listed
    assert_eq!(names, ["eth0", "eth1", "eth2", "eth10", "br0", "ifb0", "tap0", "veth-a", "veth-b", "lo"]);

    let eth0 = by_name(&list, "eth0");
    assert_eq!(
        *eth0,
        Interface {
            name: "eth0".into(),
            operstate: "up".into(),
            admin_up: true,
            carrier: Some(true),
            speed_mbps: None, // -1
            duplex: None,     // unknown
            mtu: Some(1400),
            mac: Some("02:fc:00:00:00:01".into()),
            kind: "ether".into(),
            addresses: vec![
                addr("192.0.2.2/24"),
                addr("198.51.100.9/24"),
                addr("fd00::2/64"),
                addr("fe80::fc:ff:fe00:1/64")
            ],
            counters: Some(NetCounters {
                rx_bytes: 156309980,
                rx_packets: 5696,
                rx_errors: 1,
                rx_dropped: 2,
                tx_bytes: 328058,
                tx_packets: 3273,
                tx_errors: 3,
                tx_dropped: 4,
            }),
            rates: None, // first call
            bond_slave: false,
        }
    );

    let eth1 = by_name(&list, "eth1");
    assert_eq!((eth1.carrier, eth1.speed_mbps), (Some(true), None), "4294967295 is no speed");

    let eth2 = by_name(&list, "eth2");
    assert_eq!((eth2.admin_up, eth2.carrier, eth2.operstate.as_str()), (true, Some(false), "down"), "no cable");
    assert_eq!((eth2.speed_mbps, eth2.duplex.as_deref()), (None, None), "no link, no speed");

    let eth10 = by_name(&list, "eth10");
    assert_eq!((eth10.speed_mbps, eth10.duplex.as_deref(), eth10.mtu), (Some(25000), Some("full"), Some(9000)));
    assert_eq!(eth10.counters.unwrap().rx_bytes, 98765432109876);

    let ifb0 = by_name(&list, "ifb0");
    assert_eq!((ifb0.admin_up, ifb0.carrier, ifb0.kind.as_str()), (false, None, "virtual"));
    assert!(ifb0.addresses.is_empty());

    let veth_a = by_name(&list, "veth-a");
    assert_eq!((veth_a.kind.as_str(), veth_a.speed_mbps, veth_a.carrier), ("veth", Some(10000), Some(true)));
    assert_eq!(veth_a.addresses, [addr("192.0.2.7/24"), addr("2001:db8::7/64")]);

    let veth_b = by_name(&list, "veth-b");
    assert_eq!(
        (veth_b.admin_up, veth_b.carrier, veth_b.operstate.as_str(), veth_b.speed_mbps),
        (true, Some(false), "lowerlayerdown", None)
    );

    assert_eq!(by_name(&list, "br0").kind, "bridge");
    let tap0 = by_name(&list, "tap0");
    assert_eq!((tap0.kind.as_str(), tap0.counters), ("tap", None), "not in /proc/net/dev");

    let lo = by_name(&list, "lo");
    assert_eq!((lo.kind.as_str(), lo.mac.as_deref(), lo.operstate.as_str()), ("loopback", None, "unknown"));
    assert_eq!(lo.addresses, [addr("127.0.0.1/8"), addr("::1/128")]);
    assert_eq!((lo.carrier, lo.speed_mbps, lo.mtu), (Some(true), None, Some(65536)));
}

fn set_counters(root: &std::path::Path, name: &str, rx: u64, tx: u64) {
    let dev = root.join("proc/net/dev");
    let text = std::fs::read_to_string(&dev).unwrap();
    let line = format!("{name}: {rx} 10 0 0 0 0 0 0 {tx} 10 0 0 0 0 0 0");
    let mut lines: Vec<String> =
        text.lines().filter(|l| l.split(':').next().map(str::trim) != Some(name)).map(String::from).collect();
    lines.push(line);
    std::fs::write(&dev, lines.join("\n") + "\n").unwrap();
}

#[test]
fn rates_are_per_second_between_calls_and_none_after_a_reset() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), dir.path());
    let mut sampler = NetSampler::new(fixture_source(dir.path(), vec![]));
    set_counters(dir.path(), "eth0", 1_000_000, 2_000_000);

    let before = Instant::now();
    assert!(sampler.collect().iter().all(|i| i.rates.is_none()), "no rate on the first call");
    let after_first = Instant::now();
    set_counters(dir.path(), "eth0", 1_500_000, 2_100_000);
    std::thread::sleep(std::time::Duration::from_millis(50));
    let before_second = Instant::now();
    let list = sampler.collect();
    let after = Instant::now();

    // the sampler's own interval lies between these two
    let (shortest, longest) =
        (before_second.duration_since(after_first).as_secs_f64(), after.duration_since(before).as_secs_f64());
    let rates = by_name(&list, "eth0").rates.expect("a rate on the second call");
    assert!(rates.rx_bytes_per_s <= 500_000.0 / shortest && rates.rx_bytes_per_s >= 500_000.0 / longest);
    assert!(rates.tx_bytes_per_s <= 100_000.0 / shortest && rates.tx_bytes_per_s >= 100_000.0 / longest);
    assert_eq!(by_name(&list, "lo").rates.map(|r| r.rx_bytes_per_s), Some(0.0), "unchanged counters");
    assert_eq!(by_name(&list, "tap0").rates, None, "no counters, no rate");

    // counters going backwards (the interface was recreated, or wrapped): no rate, not a huge one
    set_counters(dir.path(), "eth0", 10, 20);
    let list = sampler.collect();
    assert_eq!(by_name(&list, "eth0").rates, None);
    assert_eq!(by_name(&list, "eth0").counters.map(|c| c.rx_bytes), Some(10));
    set_counters(dir.path(), "eth0", 110, 20);
    assert!(by_name(&sampler.collect(), "eth0").rates.is_some_and(|r| r.rx_bytes_per_s > 0.0));
}

#[test]
fn interfaces_coming_and_going() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), dir.path());
    let mut sampler = NetSampler::new(fixture_source(dir.path(), vec![]));
    sampler.collect();

    // veth-b goes; a new veth-c appears (known to /proc/net/dev and sysfs)
    let class = dir.path().join("sys/class/net");
    std::fs::remove_file(class.join("veth-b")).unwrap();
    std::os::unix::fs::symlink("../../devices/virtual/net/veth-a", class.join("veth-c")).unwrap();
    set_counters(dir.path(), "veth-c", 5, 5);
    let list = sampler.collect();
    assert!(list.iter().all(|i| i.name != "veth-b"));
    let veth_c = by_name(&list, "veth-c");
    assert_eq!((veth_c.rates, veth_c.counters.map(|c| c.rx_bytes)), (None, Some(5)), "new: no rate yet");
    assert!(by_name(&list, "eth0").rates.is_some());

    // garbled /proc/net/dev: counters unknown, the rest still there
    std::fs::write(dir.path().join("proc/net/dev"), "garbage\n").unwrap();
    let list = sampler.collect();
    assert_eq!(list.len(), 10);
    assert!(list.iter().all(|i| i.counters.is_none() && i.rates.is_none()));

    // a missing sysfs: the interfaces /proc/net/dev knows, state unknown
    std::fs::remove_dir_all(dir.path().join("sys")).unwrap();
    std::fs::write(dir.path().join("proc/net/dev"), "Inter-|\n face |\n").unwrap();
    set_counters(dir.path(), "eth0", 1, 1);
    let list = sampler.collect();
    assert_eq!(list.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(), ["eth0"]);
    assert_eq!((list[0].operstate.as_str(), list[0].admin_up, list[0].mtu), ("unknown", false, None));
}
