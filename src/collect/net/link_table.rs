//! The links and addresses of the running kernel's network namespace as netlink last
//! dumped them, dumped again only after the kernel announced a change to them
//! (`rtnetlink`'s subscription), with every link's counters from the counters-only dump
//! (`RTM_GETSTATS`) at each call: at 400 interfaces the link dump each second was most of
//! the fast tier (PERFORMANCE.md, *A big node*). Without the subscription, links and
//! addresses are dumped at each call; on a kernel before 4.7 (no `RTM_GETSTATS`) the
//! links are, with their counters, at each call.

use super::rtnetlink::{self, Changes, RouteSocket};
use super::{Address, IFF_UP, NetCounters, Observed};
use std::collections::HashMap;
use std::io;

/// One link as last dumped.
struct Link {
    index: u32,
    name: String,
    admin_up: bool,
    operstate: &'static str,
    mtu: Option<u32>,
    carrier: Option<bool>,
    counters: Option<NetCounters>,
}

/// Where each call's counters come from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Counters {
    /// Not known yet: `RTM_GETSTATS` is tried at the first call.
    Untried,
    StatsDump,
    /// Linux before 4.7: with the links, which are then dumped at every call.
    LinkDump,
}

pub(super) struct LinkTable {
    socket: RouteSocket,
    links: Vec<Link>,
    /// Position in `links` by index, for the counters' dump.
    position: HashMap<u32, usize>,
    addresses: HashMap<u32, Vec<Address>>,
    counters: Counters,
    /// Set until the first dumps succeed, and after a failed one.
    stale: bool,
    links_dumped: u64,
}

impl LinkTable {
    pub fn open() -> io::Result<Self> {
        Ok(Self {
            socket: RouteSocket::open()?,
            links: Vec::new(),
            position: HashMap::new(),
            addresses: HashMap::new(),
            counters: Counters::Untried,
            stale: true,
            links_dumped: 0,
        })
    }

    pub fn descriptors(&self) -> usize {
        self.socket.descriptors()
    }

    /// Whether the kernel announces changes (else everything is dumped at each call).
    pub fn is_subscribed(&self) -> bool {
        self.socket.is_subscribed()
    }

    /// How many link dumps were made: one, and one per announced change, where the
    /// kernel announces them and has `RTM_GETSTATS`.
    pub fn link_dumps(&self) -> u64 {
        self.links_dumped
    }

    /// Every interface now. After an error, what is kept is dumped afresh at the next call.
    pub fn observe(&mut self) -> io::Result<Vec<Observed>> {
        let result = self.refresh();
        self.stale = result.is_err();
        result?;
        Ok(self
            .links
            .iter()
            .filter(|l| l.counters.is_some() || self.counters == Counters::LinkDump)
            .map(|l| Observed {
                name: l.name.clone(),
                index: Some(l.index),
                admin_up: l.admin_up,
                operstate: l.operstate.to_string(),
                mtu: l.mtu,
                carrier: l.carrier,
                counters: l.counters,
                addresses: self.addresses.get(&l.index).cloned().unwrap_or_default(),
            })
            .collect())
    }

    fn refresh(&mut self) -> io::Result<()> {
        // Drained before the dumps: what is announced while they run is seen next time.
        let changes = match self.stale {
            true => {
                self.socket.changes();
                Changes::ALL
            }
            false => self.socket.changes(),
        };
        if changes.addresses {
            self.dump_addresses()?;
        }
        if self.counters == Counters::Untried {
            self.dump_links(false)?;
            self.counters = match self.dump_counters() {
                Ok(()) => Counters::StatsDump,
                Err(e) if unsupported(&e) => Counters::LinkDump,
                Err(e) => return Err(e),
            };
        } else if changes.links && self.counters == Counters::StatsDump {
            self.dump_links(false)?;
        }
        match self.counters {
            Counters::LinkDump => self.dump_links(true),
            _ => self.dump_counters(),
        }
    }

    fn dump_addresses(&mut self) -> io::Result<()> {
        let addresses = &mut self.addresses;
        for list in addresses.values_mut() {
            list.clear();
        }
        let result = self
            .socket
            .addresses(|a| addresses.entry(a.index).or_default().push(Address { ip: a.ip, prefix_len: a.prefix_len }));
        addresses.retain(|_, list| !list.is_empty());
        result
    }

    fn dump_links(&mut self, counters: bool) -> io::Result<()> {
        self.links_dumped += 1;
        self.links.clear();
        self.position.clear();
        let (links, position) = (&mut self.links, &mut self.position);
        self.socket.links(counters, |link| {
            position.insert(link.index, links.len());
            links.push(Link {
                index: link.index,
                name: link.name.to_string(),
                admin_up: link.flags & IFF_UP != 0,
                operstate: rtnetlink::operstate_name(link.operstate.unwrap_or(0)),
                mtu: link.mtu,
                carrier: link.carrier,
                counters: link.counters,
            })
        })
    }

    /// Every link's counters; a link the dump does not name is gone (its announcement
    /// is read at the next call) and is left without, so not shown. A link it names
    /// that was not dumped yet is shown from the next call, once announced.
    fn dump_counters(&mut self) -> io::Result<()> {
        for link in &mut self.links {
            link.counters = None;
        }
        let (links, position) = (&mut self.links, &self.position);
        self.socket.counters(|index, counters| {
            if let Some(link) = position.get(&index).and_then(|&i| links.get_mut(i)) {
                link.counters = Some(counters);
            }
        })
    }
}

/// How a kernel without `RTM_GETSTATS` answers it.
fn unsupported(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EOPNOTSUPP | libc::EINVAL))
}
