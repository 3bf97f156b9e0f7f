//! Listening sockets: TCP in LISTEN and bound UDP from `/proc/net/{tcp,tcp6,udp,udp6}`,
//! with the owning process found through the socket inodes in `/proc/[pid]/fd`
//! wherever those are readable.

use serde::Serialize;
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Tcp6,
    Udp,
    Udp6,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListeningSocket {
    pub protocol: Protocol,
    pub address: IpAddr,
    pub port: u16,
    pub uid: u32,
    pub inode: u64,
    /// `None` where `/proc/[pid]/fd` could not be read (another user's process).
    pub pid: Option<u32>,
    pub process: Option<String>,
}

pub fn collect(source: &crate::source::Source) -> Vec<ListeningSocket> {
    let _ = source;
    Vec::new() // replaced by the network work
}
