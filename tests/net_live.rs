//! `collect::net` on this machine, against conditions each test builds itself (veth
//! pairs with unique names, removed again whatever happens) and against `ip -j addr`.
//! Tests that need root say so and pass when run without it.

mod net_common;

use ctop::collect::net::{Interface, NetSampler};
use ctop::source::Source;
use net_common::{have_command, is_root, run};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// A veth pair that is deleted when dropped, even when the test panics.
struct VethPair {
    a: String,
    b: String,
}

impl VethPair {
    /// Names unique to this process and test (`tag`), within the 15 bytes allowed.
    fn new(tag: &str) -> Self {
        let id = std::process::id() % 1_000_000;
        let (a, b) = (format!("ct{tag}{id}a"), format!("ct{tag}{id}b"));
        run("ip", &["link", "add", &a, "type", "veth", "peer", "name", &b]);
        VethPair { a, b }
    }
}

impl Drop for VethPair {
    fn drop(&mut self) {
        // deleting one end deletes the pair
        let _ = std::process::Command::new("ip").args(["link", "del", &self.a]).status();
    }
}

fn skip_unless_root(test: &str) -> bool {
    if !is_root() {
        eprintln!("skipped: {test} needs root to create veth interfaces");
    }
    !is_root()
}

fn find<'a>(list: &'a [Interface], name: &str) -> &'a Interface {
    list.iter().find(|i| i.name == name).unwrap_or_else(|| panic!("{name} not listed"))
}

#[test]
fn veth_up_without_peer_has_no_carrier_and_shows_its_addresses() {
    if skip_unless_root("veth_up_without_peer") {
        return;
    }
    let pair = VethPair::new("c");
    run("ip", &["link", "set", &pair.a, "up"]);
    // no prefix route: the test must not change how this machine routes
    run("ip", &["addr", "add", "198.51.100.7/24", "dev", &pair.a, "noprefixroute"]);
    run("ip", &["addr", "add", "2001:db8::7/64", "dev", &pair.a, "nodad", "noprefixroute"]);

    let list = NetSampler::new(Source::live()).collect();
    let a = find(&list, &pair.a);
    assert!(a.admin_up);
    assert_eq!(a.carrier, Some(false), "its peer is down");
    assert!(["lowerlayerdown", "down"].contains(&a.operstate.as_str()), "{}", a.operstate);
    assert_eq!((a.speed_mbps, a.kind.as_str()), (None, "veth"));
    let shown: Vec<String> = a.addresses.iter().map(|x| x.to_string()).collect();
    assert!(
        shown.contains(&"198.51.100.7/24".to_string()) && shown.contains(&"2001:db8::7/64".to_string()),
        "{shown:?}"
    );
    let mac = std::fs::read_to_string(format!("/sys/class/net/{}/address", pair.a)).unwrap();
    assert_eq!(a.mac.as_deref(), Some(mac.trim()));

    let b = find(&list, &pair.b);
    assert_eq!((b.admin_up, b.carrier, b.operstate.as_str()), (false, None, "down"));
    assert_eq!(b.kind, "veth");

    // both up: carrier, and a veth's nominal speed
    run("ip", &["link", "set", &pair.b, "up"]);
    // Liveness only: carrier comes within milliseconds; 20 s is missed only if never.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut sampler = NetSampler::new(Source::live());
    loop {
        let list = sampler.collect();
        let a = find(&list, &pair.a);
        if a.carrier == Some(true) && a.operstate == "up" {
            assert!(a.speed_mbps.is_some_and(|s| s > 0), "{:?}", a.speed_mbps);
            break;
        }
        assert!(Instant::now() < deadline, "carrier never came: {a:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// (interface, address/prefix) for every address `ip -j addr` lists.
fn ip_addr_set() -> BTreeSet<(String, IpAddr, u8)> {
    let json: serde_json::Value = serde_json::from_str(&run("ip", &["-j", "addr"])).unwrap();
    let mut set = BTreeSet::new();
    for link in json.as_array().unwrap() {
        let name = link["ifname"].as_str().unwrap().to_string();
        for a in link["addr_info"].as_array().into_iter().flatten() {
            let ip = a["local"].as_str().unwrap().parse().unwrap();
            set.insert((name.clone(), ip, a["prefixlen"].as_u64().unwrap() as u8));
        }
    }
    set
}

#[test]
fn addresses_agree_with_ip_addr() {
    if !have_command("ip") {
        eprintln!("skipped: no `ip` command (Debian: iproute2)");
        return;
    }
    // an alias with a label shows in getifaddrs as `name:label`; ip lists it under the device
    let _pair = is_root().then(|| {
        let pair = VethPair::new("i");
        let label = format!("{}:7", pair.a);
        run("ip", &["addr", "add", "198.51.100.9/25", "dev", &pair.a, "label", &label, "noprefixroute"]);
        pair
    });
    let mut sampler = NetSampler::new(Source::live());
    // interfaces made by tests running alongside may come and go: compare a stable moment
    for attempt in 1..=5 {
        let before = ip_addr_set();
        let ours: BTreeSet<(String, IpAddr, u8)> = sampler
            .collect()
            .into_iter()
            .flat_map(|i| i.addresses.into_iter().map(move |a| (i.name.clone(), a.ip, a.prefix_len)))
            .collect();
        if before == ip_addr_set() {
            assert_eq!(ours, before);
            assert!(!ours.is_empty());
            return;
        }
        println!("addresses changed during attempt {attempt}, again");
    }
    panic!("addresses never stood still");
}

#[test]
fn interface_names_agree_with_ip_link() {
    if !have_command("ip") {
        eprintln!("skipped: no `ip` command (Debian: iproute2)");
        return;
    }
    let json: serde_json::Value = serde_json::from_str(&run("ip", &["-j", "link"])).unwrap();
    let expected: BTreeSet<String> =
        json.as_array().unwrap().iter().map(|l| l["ifname"].as_str().unwrap().to_string()).collect();
    let ours: BTreeSet<String> = NetSampler::new(Source::live()).collect().into_iter().map(|i| i.name).collect();
    // tests alongside may add or remove their own veths: the machine's others must agree
    let stable = |s: &BTreeSet<String>| s.iter().filter(|n| !n.starts_with("ct")).cloned().collect::<BTreeSet<_>>();
    assert_eq!(stable(&ours), stable(&expected));
}

#[test]
fn loopback_rates_follow_traffic() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    const SENT: usize = 8 << 20;
    let receiver = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = vec![0u8; 1 << 16];
        let mut total = 0;
        while total < SENT {
            let n = conn.read(&mut buf).unwrap();
            assert!(n > 0, "sender closed early");
            total += n;
        }
    });
    let mut sampler = NetSampler::new(Source::live());
    let before = Instant::now();
    let first = sampler.collect();
    let after_first = Instant::now();
    assert!(first.iter().all(|i| i.rates.is_none()));

    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.write_all(&vec![7u8; SENT]).unwrap();
    receiver.join().unwrap();

    let before_second = Instant::now();
    let second = sampler.collect();
    let after = Instant::now();
    let lo = second.iter().find(|i| i.kind == "loopback").expect("a loopback interface");
    let rates = lo.rates.expect("a rate on the second call");
    let (shortest, longest) =
        (before_second.duration_since(after_first).as_secs_f64(), after.duration_since(before).as_secs_f64());
    // all of it crossed lo (once each way), with headers, plus whatever else did
    for rate in [rates.rx_bytes_per_s, rates.tx_bytes_per_s] {
        assert!(rate >= SENT as f64 / longest, "{rate} below what was sent");
        assert!(rate < 2.0 * SENT as f64 / shortest, "{rate} far above what was sent");
    }
}
