//! What sort of interface a `/sys/class/net/<name>` directory is (loopback, a physical
//! NIC, a bridge, a veth …), from the files the kernel leaves there: `type` (the ARPHRD
//! number), `uevent`'s `DEVTYPE`, the `bridge/` and `bonding/` directories, `tun_flags`,
//! the `device` link (present only for hardware) and `iflink` (a veth's peer).

use super::{parse_hex, read_small};
use std::path::Path;

/// Where an interface sorts in the list: hardware first, loopback last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Physical,
    Virtual,
    Loopback,
}

const ARPHRD_ETHER: u32 = 1;
const ARPHRD_LOOPBACK: u32 = 772;
/// `IFF_TAP` in `tun_flags`: a layer-2 tap rather than a layer-3 tun.
const IFF_TAP: u32 = 0x2;

/// The interface's kind (`loopback`, `ether`, `wlan`, `veth`, `bridge`, `bond`, `vlan`,
/// `tun`, `tap`, `wireguard` …) and its group. Read once per interface: none of it
/// changes while the interface exists.
pub fn detect(dir: &Path, buf: &mut String) -> (String, Group) {
    let arphrd = read_small(dir, "type", buf).and_then(|s| s.parse::<u32>().ok());
    if arphrd == Some(ARPHRD_LOOPBACK) {
        return ("loopback".to_string(), Group::Loopback);
    }
    let group = if dir.join("device").exists() { Group::Physical } else { Group::Virtual };
    if let Some(devtype) = read_small(dir, "uevent", buf)
        .and_then(|u| u.lines().find_map(|l| l.strip_prefix("DEVTYPE=")).filter(|t| !t.is_empty()))
    {
        return (devtype.to_string(), group);
    }
    // Bridges and bonds carry DEVTYPE on current kernels; older ones only these directories.
    if dir.join("bridge").is_dir() {
        return ("bridge".to_string(), group);
    }
    if dir.join("bonding").is_dir() {
        return ("bond".to_string(), group);
    }
    if let Some(flags) = read_small(dir, "tun_flags", buf).and_then(parse_hex) {
        return ((if flags & IFF_TAP != 0 { "tap" } else { "tun" }).to_string(), group);
    }
    let kind = match (arphrd, group) {
        (Some(ARPHRD_ETHER), Group::Physical) if dir.join("wireless").exists() => "wlan",
        (Some(ARPHRD_ETHER), Group::Physical) => "ether",
        (Some(ARPHRD_ETHER), _) if is_veth(dir, buf) => "veth",
        (Some(t), _) => arphrd_name(t),
        (None, _) => "unknown",
    };
    (kind.to_string(), group)
}

/// A veth is a virtual Ethernet device linked to another interface (its peer, maybe in
/// another namespace: `iflink` differs from `ifindex`) without being stacked on it
/// (macvlan, ipvlan and vlan devices have a `lower_<dev>` link, veths do not).
fn is_veth(dir: &Path, buf: &mut String) -> bool {
    let Some(ifindex) = read_small(dir, "ifindex", buf).map(str::to_string) else {
        return false;
    };
    let linked_elsewhere = read_small(dir, "iflink", buf).is_some_and(|iflink| iflink != ifindex);
    linked_elsewhere
        && std::fs::read_dir(dir).is_ok_and(|entries| {
            !entries.filter_map(Result::ok).any(|e| e.file_name().as_encoded_bytes().starts_with(b"lower_"))
        })
}

/// Names for the hardware types of `<linux/if_arp.h>` an interface may carry.
fn arphrd_name(arphrd: u32) -> &'static str {
    match arphrd {
        ARPHRD_ETHER => "virtual",
        32 => "infiniband",
        280 => "can",
        512 => "ppp",
        768 => "ipip",
        769 => "ip6tnl",
        776 => "sit",
        778 => "gre",
        823 => "ip6gre",
        65534 => "none",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tunnel's directory as the kernel leaves it: a `type` file and nothing else (no
    /// `device` link, no `DEVTYPE`). The numbers are `<linux/if_arp.h>`'s, from libc.
    #[test]
    fn interfaces_with_only_a_type_are_named_by_their_arphrd_number() {
        let dir = tempfile::tempdir().unwrap();
        let mut buf = String::new();
        let known = [
            (libc::ARPHRD_TUNNEL, "ipip"),
            (libc::ARPHRD_TUNNEL6, "ip6tnl"),
            (libc::ARPHRD_SIT, "sit"),
            (libc::ARPHRD_IPGRE, "gre"),
            // ARPHRD_IP6GRE: in <linux/if_arp.h>, not in libc.
            (823, "ip6gre"),
            (libc::ARPHRD_INFINIBAND, "infiniband"),
            (libc::ARPHRD_CAN, "can"),
            (libc::ARPHRD_PPP, "ppp"),
            (libc::ARPHRD_NONE, "none"),
            (libc::ARPHRD_ETHER, "virtual"),
            (libc::ARPHRD_IEEE802154, "other"),
        ];
        for (arphrd, kind) in known {
            std::fs::write(dir.path().join("type"), format!("{arphrd}\n")).unwrap();
            assert_eq!(detect(dir.path(), &mut buf), (kind.to_string(), Group::Virtual), "type {arphrd}");
        }
    }
}
