//! Network interfaces: `/sys/class/net/*` (state, carrier, speed, MTU, MAC),
//! `/proc/net/dev` (counters, turned into per-second rates between two calls) and the
//! addresses from getifaddrs(3) through the source's syscalls.

use serde::Serialize;
use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Address {
    pub ip: IpAddr,
    pub prefix_len: u8,
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.ip, self.prefix_len)
    }
}

/// Totals since the interface appeared, from `/proc/net/dev`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NetCounters {
    pub rx_bytes: u64,
    pub rx_packets: u64,
    pub rx_errors: u64,
    pub rx_dropped: u64,
    pub tx_bytes: u64,
    pub tx_packets: u64,
    pub tx_errors: u64,
    pub tx_dropped: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct NetRates {
    pub rx_bytes_per_s: f64,
    pub tx_bytes_per_s: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interface {
    pub name: String,
    /// `up`, `down`, `unknown`, `lowerlayerdown`, `dormant` … as the kernel says.
    pub operstate: String,
    /// IFF_UP: the administrator brought it up.
    pub admin_up: bool,
    /// Cable/carrier detected; `None` where the kernel cannot tell (interface down).
    pub carrier: Option<bool>,
    /// Link speed; `None` where the driver reports none (virtual, no link).
    pub speed_mbps: Option<u32>,
    pub duplex: Option<String>,
    pub mtu: Option<u32>,
    pub mac: Option<String>,
    /// `loopback`, `ether`, `veth`, `bridge`, `bond`, `vlan`, `tun`, `wireguard` …
    pub kind: String,
    pub addresses: Vec<Address>,
    pub counters: Option<NetCounters>,
    /// `None` until two samples have been taken.
    pub rates: Option<NetRates>,
}

/// Keeps the previous counters so rates are per second between two calls.
pub struct NetSampler {
    source: crate::source::Source,
}

impl NetSampler {
    pub fn new(source: crate::source::Source) -> Self {
        Self { source }
    }

    pub fn collect(&mut self) -> Vec<Interface> {
        let _ = &self.source;
        Vec::new() // replaced by the network work
    }
}
