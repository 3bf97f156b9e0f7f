//! Collectors: one module per area of the machine. Each reads its files through a
//! [`crate::source::Source`] and returns plain typed structs: no colours, no opinions,
//! and a missing or garbled file makes only that value unknown (`None`), never an error.

pub mod cgroups;
pub mod clock;
pub mod conntrack;
pub mod cpu;
mod descriptors;
pub mod diskio;
pub mod disks;
pub mod distro;
pub mod hardware;
pub mod host;
mod kept;
pub mod kernel_limits;
pub mod limits;
pub mod memory;
pub mod net;
mod netlink_deadline;
pub mod netstat;
pub mod network;
pub mod platform;
pub mod ports;
pub mod pressure;
pub mod procs;
pub mod raid;
pub mod sockstat;
pub mod softnet;
