//! `collect::net` keeps each interface's sysfs files open while the interface exists,
//! and closes them once it is gone: on a fixture tree, interfaces added and removed
//! many times leave the number of kept files, and of this process's descriptors, as
//! they were. Alone in its test binary because descriptors are the whole process's.

mod fixture_tree;
mod net_common;

use ctop::collect::net::NetSampler;
use fixture_tree::copy_tree;
use net_common::{fixture, fixture_source};
use std::path::Path;

fn open_descriptors() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

fn add_interface(root: &Path, name: &str) {
    let class = root.join("sys/class/net");
    std::os::unix::fs::symlink("../../devices/virtual/net/veth-a", class.join(name)).unwrap();
    let dev = root.join("proc/net/dev");
    let text = std::fs::read_to_string(&dev).unwrap();
    std::fs::write(&dev, format!("{text}{name}: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n")).unwrap();
}

fn remove_interface(root: &Path, name: &str) {
    std::fs::remove_file(root.join("sys/class/net").join(name)).unwrap();
    let dev = root.join("proc/net/dev");
    let text = std::fs::read_to_string(&dev).unwrap();
    let prefix = format!("{name}:");
    let kept: String = text.lines().filter(|l| !l.starts_with(&prefix)).map(|l| format!("{l}\n")).collect();
    std::fs::write(&dev, kept).unwrap();
}

#[test]
fn files_of_interfaces_that_went_away_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("basic"), dir.path());
    let mut sampler = NetSampler::new(fixture_source(dir.path(), vec![]));
    let names = |list: Vec<ctop::collect::net::Interface>| list.into_iter().map(|i| i.name).collect::<Vec<_>>();

    sampler.collect();
    let kept = sampler.kept_descriptors();
    // /proc/net/dev, then flags, operstate and mtu of each of the 10 interfaces, and
    // carrier of those up, speed and duplex of those with a link (the fixture's own mix).
    assert!(kept > 1 + 3 * 10, "{kept} descriptors kept");
    sampler.collect();
    assert_eq!(sampler.kept_descriptors(), kept, "the same files, read again");
    let descriptors = open_descriptors();

    for round in 0..50 {
        let name = format!("vk{round}");
        add_interface(dir.path(), &name);
        assert!(names(sampler.collect()).contains(&name));
        // veth-a's files: up, with a link, so all six are read.
        assert_eq!(sampler.kept_descriptors(), kept + 6, "round {round}");
        remove_interface(dir.path(), &name);
        assert!(!names(sampler.collect()).contains(&name));
        assert_eq!(sampler.kept_descriptors(), kept, "round {round}: {name}'s files closed");
    }
    assert_eq!(open_descriptors(), descriptors, "no descriptor left behind");

    std::fs::remove_file(dir.path().join("sys/class/net/veth-b")).unwrap();
    sampler.collect();
    assert!(sampler.kept_descriptors() < kept, "veth-b's files closed");
    drop(sampler);
    assert!(open_descriptors() < descriptors, "dropping the sampler closes its files");
}
