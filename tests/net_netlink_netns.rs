//! `collect::net` reading the kernel over netlink (`RTM_GETLINK`, `RTM_GETADDR`), in a
//! network namespace of its own holding veth pairs the test makes (up with carrier, up
//! without a peer, down, with IPv4 and IPv6 addresses, another MTU), against
//! `ip -j -s link` and `ip -j addr` run there, and against the same sampler reading
//! `/sys/class/net`, `/proc/net/dev` and getifaddrs (the path `--root` takes). The
//! netlink sampler runs under ctop's seccomp sandbox there, subscribed to the kernel's
//! announcements: links and addresses are dumped again only after a change (an address
//! added, a link brought down, an MTU changed), which the next reading shows.

mod namespace_support;
mod net_common;

use ctop::collect::net::{Interface, NetSampler};
use ctop::source::{LiveSystem, Source};
use net_common::{have_command, is_root, run};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

#[test]
fn netlink_agrees_with_ip_and_with_sysfs_in_a_namespace() {
    if !is_root() || !have_command("ip") {
        eprintln!("skipped: needs root and `ip` (iproute2) to make a network namespace with veth pairs");
        return;
    }
    // Far more than the few hundred milliseconds it takes: only a hang fails on time.
    namespace_support::run_inner("inside_namespaces", libc::CLONE_NEWNS | libc::CLONE_NEWNET, Duration::from_secs(120));
}

fn ip_json(args: &[&str]) -> Vec<Value> {
    serde_json::from_str(&run("ip", args)).unwrap()
}

/// Counters of `ip -j -s link`, by interface name: (rx bytes, rx packets, tx bytes, tx packets).
fn ip_counters() -> BTreeMap<String, [u64; 4]> {
    ip_json(&["-j", "-s", "link"])
        .iter()
        .map(|l| {
            let s = &l["stats64"];
            let n = |dir: &str, f: &str| s[dir][f].as_u64().unwrap();
            let counters = [n("rx", "bytes"), n("rx", "packets"), n("tx", "bytes"), n("tx", "packets")];
            (l["ifname"].as_str().unwrap().to_string(), counters)
        })
        .collect()
}

fn counters(i: &Interface) -> [u64; 4] {
    let c = i.counters.unwrap();
    [c.rx_bytes, c.rx_packets, c.tx_bytes, c.tx_packets]
}

/// What both readers must agree on (rates and counters move between two readings).
fn state(i: &Interface) -> String {
    let addresses: Vec<String> = i.addresses.iter().map(|a| a.to_string()).collect();
    format!(
        "{} admin_up={} {} carrier={:?} mtu={:?} speed={:?} duplex={:?} mac={:?} kind={} {:?}",
        i.name, i.admin_up, i.operstate, i.carrier, i.mtu, i.speed_mbps, i.duplex, i.mac, i.kind, addresses
    )
}

/// What a reading of the sandboxed sampler gives: the interfaces, and how many link
/// dumps it has made so far.
type Reading = (Vec<Interface>, u64);

/// A netlink sampler on a thread of its own under ctop's seccomp filter (installed
/// without TSYNC: that thread only, so this one can still run `ip`), reading when asked.
struct SandboxedSampler {
    ask: Sender<()>,
    answer: Receiver<Reading>,
}

impl SandboxedSampler {
    /// Starts it, and checks it reads netlink, subscribed to the announcements.
    fn start() -> Self {
        let program = ctop::sandbox::program().unwrap();
        let (ask, asked) = channel::<()>();
        let (answer, answered) = channel();
        let (ready, is_ready) = channel();
        std::thread::spawn(move || {
            seccompiler::apply_filter(&program).unwrap();
            assert!(ctop::sandbox::is_on());
            let mut sampler = NetSampler::new(Source::live());
            ready.send((sampler.reads_netlink(), sampler.watches_netlink())).unwrap();
            while asked.recv().is_ok() {
                let list = sampler.collect();
                answer.send((list, sampler.link_dumps())).unwrap();
            }
        });
        let (reads, watches) = is_ready.recv().unwrap();
        assert!(reads && watches, "under the sandbox: reads netlink {reads}, subscribed {watches}");
        Self { ask, answer: answered }
    }

    fn collect(&self) -> Reading {
        self.ask.send(()).unwrap();
        self.answer.recv().unwrap()
    }
}

/// Polls `ip -j link` until `done` holds for it (20 s is missed only if it never does).
fn wait_for_links(done: impl Fn(&[Value]) -> bool) {
    for _ in 0..200 {
        if done(&ip_json(&["-j", "link"])) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the links never reached the state waited for");
}

/// The interfaces read agree with `ip -j -s link` (flags, state, MTU, MAC, counters
/// between the readings `before` and `after`) and with `ip -j addr` (every address with
/// its prefix, in ip's order, the local end of a point-to-point address, not the peer).
fn agrees_with_ip(read: &[Interface], before: &BTreeMap<String, [u64; 4]>, after: &BTreeMap<String, [u64; 4]>) {
    let links = ip_json(&["-j", "-s", "link"]);
    assert_eq!(links.len(), read.len());
    for l in &links {
        let ifname = l["ifname"].as_str().unwrap();
        let i = read.iter().find(|i| i.name == ifname).unwrap();
        let flags: Vec<&str> = l["flags"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
        assert_eq!(i.admin_up, flags.contains(&"UP"), "{ifname} {flags:?}");
        if i.admin_up {
            assert_eq!(i.carrier, Some(flags.contains(&"LOWER_UP")), "{ifname} {flags:?}");
        } else {
            assert_eq!(i.carrier, None, "{ifname}: no carrier reading while down");
        }
        assert_eq!(i.operstate.to_uppercase(), l["operstate"].as_str().unwrap(), "{ifname}");
        assert_eq!(i.mtu, l["mtu"].as_u64().map(|m| m as u32), "{ifname}");
        let mac = l["address"].as_str().unwrap();
        assert_eq!(i.mac.as_deref(), (mac != "00:00:00:00:00:00").then_some(mac), "{ifname}");
        let (low, high, got) = (before[ifname], after[ifname], counters(i));
        assert!((0..4).all(|k| low[k] <= got[k] && got[k] <= high[k]), "{ifname}: {low:?} <= {got:?} <= {high:?}");
    }
    for l in ip_json(&["-j", "addr"]) {
        let ifname = l["ifname"].as_str().unwrap();
        let i = read.iter().find(|i| i.name == ifname).unwrap();
        let expected: Vec<String> = l["addr_info"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| format!("{}/{}", a["local"].as_str().unwrap(), a["prefixlen"]))
            .collect();
        let got: Vec<String> = i.addresses.iter().map(|a| a.to_string()).collect();
        assert_eq!(got, expected, "{ifname}");
    }
}

#[test]
#[ignore = "run by netlink_agrees_with_ip_and_with_sysfs_in_a_namespace inside its namespaces"]
fn inside_namespaces() {
    if !namespace_support::inside() {
        return;
    }
    // sysfs shows the interfaces of the namespace that mounts it: mount it again here.
    // SAFETY: plain mount(2) with valid C strings, in this process's own mount namespace.
    let mounted = unsafe { libc::mount(c"sysfs".as_ptr(), c"/sys".as_ptr(), c"sysfs".as_ptr(), 0, std::ptr::null()) };
    assert_eq!(mounted, 0, "mount sysfs: {}", std::io::Error::last_os_error());
    let id = std::process::id() % 100_000;
    let name = |tag: &str| format!("nl{tag}{id}");
    let (up_a, up_b, lone, peer, down_a, down_b) =
        (name("ua"), name("ub"), name("la"), name("lb"), name("da"), name("db"));
    run("ip", &["link", "set", "lo", "up"]);
    run("ip", &["link", "add", &up_a, "mtu", "1400", "type", "veth", "peer", "name", &up_b, "mtu", "1400"]);
    run("ip", &["link", "add", &lone, "type", "veth", "peer", "name", &peer]);
    run("ip", &["link", "add", &down_a, "type", "veth", "peer", "name", &down_b]);
    for dev in [&up_a, &up_b, &lone] {
        run("ip", &["link", "set", dev, "up"]);
    }
    run("ip", &["addr", "add", "198.51.100.7/24", "dev", &up_a]);
    run("ip", &["addr", "add", "2001:db8::7/64", "dev", &up_a, "nodad"]);
    run("ip", &["addr", "add", "203.0.113.9/32", "peer", "203.0.113.10", "dev", &lone]);
    // Carrier on a veth pair comes within milliseconds of both ends being up; wait for it
    // (20 s is missed only if it never comes).
    for _ in 0..200 {
        if std::fs::read_to_string(format!("/sys/class/net/{up_a}/carrier")).is_ok_and(|c| c.trim() == "1") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // Traffic out of the pair (ARP for a neighbour no one answers), so counters are not
    // all zero.
    let udp = std::net::UdpSocket::bind("198.51.100.7:0").unwrap();
    for _ in 0..3 {
        let _ = udp.send_to(b"ctop", "198.51.100.8:9");
    }
    for _ in 0..200 {
        if ip_counters()[&up_a][3] > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }

    let netlink = SandboxedSampler::start();
    // The files' path, as `--root` reads: this root through a symlink, so not "/".
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/", dir.path().join("root")).unwrap();
    let mut files = NetSampler::new(Source::new(dir.path().join("root"), Arc::new(LiveSystem)));
    assert!(!files.reads_netlink());

    let before = ip_counters();
    let (from_netlink, first_dumps) = netlink.collect();
    let after = ip_counters();
    let from_files = files.collect();

    // Both readers see the same interfaces in the same state.
    let states = |list: &[Interface]| list.iter().map(state).collect::<Vec<_>>();
    assert_eq!(states(&from_netlink), states(&from_files));
    let names: Vec<&str> = from_netlink.iter().map(|i| i.name.as_str()).collect();
    for n in [&up_a, &up_b, &lone, &peer, &down_a, &down_b, &"lo".to_string()] {
        assert!(names.contains(&n.as_str()), "{n} in {names:?}");
    }
    agrees_with_ip(&from_netlink, &before, &after);
    let up = from_netlink.iter().find(|i| i.name == up_a).unwrap();
    assert_eq!((up.operstate.as_str(), up.carrier, up.mtu), ("up", Some(true), Some(1400)));
    assert_eq!((up.speed_mbps, up.duplex.as_deref(), up.kind.as_str()), (Some(10_000), Some("full"), "veth"));
    assert!(counters(up)[3] > 0, "sent through {up_a}: {:?}", up.counters);
    let alone = from_netlink.iter().find(|i| i.name == lone).unwrap();
    assert_eq!((alone.carrier, alone.speed_mbps), (Some(false), None), "its peer is down");
    assert!(alone.addresses.iter().any(|a| a.to_string() == "203.0.113.9/32"), "{:?}", alone.addresses);

    // Nothing changed: the counters move, the links are not dumped again.
    let udp_count = |list: &[Interface]| counters(list.iter().find(|i| i.name == up_a).unwrap())[3];
    let _ = udp.send_to(b"ctop", "198.51.100.8:9");
    wait_for_links(|_| ip_counters()[&up_a][3] > udp_count(&from_netlink));
    let (steady, steady_dumps) = netlink.collect();
    assert!(udp_count(&steady) > udp_count(&from_netlink), "the counters are read each time");
    assert_eq!(steady_dumps, first_dumps, "no change announced: the links were not dumped again");

    // Changed after the start: an address added, a link brought down (its peer loses
    // carrier), an MTU changed; the first reading once the kernel shows it has it all.
    run("ip", &["addr", "add", "192.0.2.5/24", "dev", &lone]);
    run("ip", &["link", "set", &up_b, "down"]);
    run("ip", &["link", "set", &peer, "mtu", "1280"]);
    wait_for_links(|links| {
        let a = links.iter().find(|l| l["ifname"] == up_a.as_str()).unwrap();
        a["operstate"] == "LOWERLAYERDOWN"
    });
    let before = ip_counters();
    let (changed, changed_dumps) = netlink.collect();
    let after = ip_counters();
    assert!(changed_dumps > steady_dumps, "the announced change dumped the links again");
    agrees_with_ip(&changed, &before, &after);
    let find = |name: &str| changed.iter().find(|i| i.name == name).unwrap();
    assert!(find(&lone).addresses.iter().any(|a| a.to_string() == "192.0.2.5/24"));
    assert_eq!((find(&up_b).admin_up, find(&up_a).carrier, find(&peer).mtu), (false, Some(false), Some(1280)));

    // Deleted and created again under the same name between two readings: another
    // index, read afresh (its MTU), no rate made from the old one's counters.
    run("ip", &["link", "del", &up_a]);
    run("ip", &["link", "add", &up_a, "mtu", "1300", "type", "veth", "peer", "name", &up_b]);
    let (again, _) = netlink.collect();
    let recreated = again.iter().find(|i| i.name == up_a).unwrap();
    assert_eq!((recreated.mtu, recreated.rates), (Some(1300), None));
    assert!(again.iter().find(|i| i.name == lone).unwrap().rates.is_some(), "the others have rates");
}

/// The sandbox allows the `NETLINK_ROUTE` socket and its dumps: on a thread of its own
/// under ctop's filter (installed without TSYNC, so it covers that thread only), the
/// sampler reads netlink and finds the loopback's address.
#[test]
fn netlink_answers_under_the_sandbox() {
    let program = ctop::sandbox::program().unwrap();
    let (reads_netlink, lo) = std::thread::spawn(move || {
        seccompiler::apply_filter(&program).unwrap();
        assert!(ctop::sandbox::is_on());
        let mut sampler = NetSampler::new(Source::live());
        let list = sampler.collect();
        (sampler.reads_netlink(), list.into_iter().find(|i| i.name == "lo"))
    })
    .join()
    .unwrap();
    assert!(reads_netlink, "the dump failed under the sandbox and the files answered instead");
    let lo = lo.expect("lo listed");
    assert!(lo.addresses.iter().any(|a| a.to_string() == "127.0.0.1/8"), "{:?}", lo.addresses);
    assert!(lo.counters.is_some());
}
