//! `collect::net` on this machine with real interfaces coming and going (veth pairs
//! made and deleted by the test, as root): the sysfs files it keeps open of a deleted
//! interface are closed, none are left behind, and an interface deleted and created
//! again under the same name is read afresh. Alone in its test binary because
//! descriptors are the whole process's. Other interfaces may come and go meanwhile
//! (the machine is shared): the checks hold whatever they do.

mod net_common;

use ctop::collect::net::{Interface, NetSampler};
use ctop::source::Source;
use net_common::{have_command, is_root, run};

fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// A veth pair that is deleted when dropped, even when the test panics.
struct VethPair(String);

impl VethPair {
    fn new(a: &str, b: &str, mtu: &str) -> Self {
        run("ip", &["link", "add", a, "mtu", mtu, "type", "veth", "peer", "name", b, "mtu", mtu]);
        run("ip", &["link", "set", a, "up"]);
        run("ip", &["link", "set", b, "up"]);
        VethPair(a.to_string())
    }
}

impl Drop for VethPair {
    fn drop(&mut self) {
        let _ = std::process::Command::new("ip").args(["link", "del", &self.0]).status();
    }
}

fn find<'a>(list: &'a [Interface], name: &str) -> Option<&'a Interface> {
    list.iter().find(|i| i.name == name)
}

#[test]
fn deleted_interfaces_leave_no_descriptor_and_recreated_ones_are_read_afresh() {
    if !is_root() || !have_command("ip") {
        eprintln!("skipped: needs root and `ip` to create veth interfaces");
        return;
    }
    let id = std::process::id() % 1_000_000;
    let mut sampler = NetSampler::new(Source::live());
    sampler.collect();
    // Descriptors of this process other than the sampler's: constant if none leak.
    let others = open_descriptors() - sampler.kept_descriptors();

    for round in 0..30 {
        let (a, b) = (format!("ck{round}{id}a"), format!("ck{round}{id}b"));
        let pair = VethPair::new(&a, &b, "1400");
        let list = sampler.collect();
        let up = find(&list, &a).unwrap_or_else(|| panic!("{a} not listed"));
        assert_eq!((up.mtu, up.carrier, up.kind.as_str()), (Some(1400), Some(true), "veth"));
        drop(pair);
        let list = sampler.collect();
        assert!(find(&list, &a).is_none() && find(&list, &b).is_none(), "{a} still listed");
        // Six files at most per interface listed now, and /proc/net/dev: 30 rounds of
        // two interfaces left open would be 360.
        assert!(sampler.kept_descriptors() <= 1 + 6 * list.len(), "round {round}: {}", sampler.kept_descriptors());
        assert_eq!(open_descriptors() - sampler.kept_descriptors(), others, "round {round}");
    }

    // Deleted and created again between two readings: its kept files answer ENODEV and
    // are opened again by name, giving the new interface's values.
    let (a, b) = (format!("ckr{id}a"), format!("ckr{id}b"));
    let first = VethPair::new(&a, &b, "1400");
    assert_eq!(find(&sampler.collect(), &a).and_then(|i| i.mtu), Some(1400));
    drop(first);
    let _second = VethPair::new(&a, &b, "1300");
    assert_eq!(find(&sampler.collect(), &a).and_then(|i| i.mtu), Some(1300));
    run("ip", &["link", "set", &a, "down"]);
    let list = sampler.collect();
    let down = find(&list, &a).unwrap();
    assert_eq!((down.admin_up, down.operstate.as_str(), down.carrier), (false, "down", None));
}
