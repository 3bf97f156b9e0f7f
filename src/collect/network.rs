//! How the network stack is coping, read on the slow tier: TCP listen-queue overflows,
//! SYN-queue overflows and cookies, retransmissions and resets, sockets against their
//! limits, UDP buffer errors, the conntrack table and the softnet backlog. Counters
//! from [`netstat`](super::netstat), [`sockstat`](super::sockstat),
//! [`conntrack`](super::conntrack) and [`softnet`](super::softnet) become rates over
//! the time between two readings; each rate also has its `sustained` value, the lower
//! of the last two intervals' rates, so health can tell a burst from a flood.
//!
//! The connection counts per state and per remote address come from the same scan as
//! the listening ports ([`super::ports::connections`]) and are put in here by the
//! snapshot's slow tier.

use super::conntrack::ConntrackCounters;
use super::netstat::ProtocolCounters;
use super::ports::connections::Connections;
use super::sockstat::SocketTotals;
use super::softnet::SoftnetCounters;
use crate::source::Source;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// A rate per second over the last interval, and the lower of it and the interval's
/// before (what has held for two intervals).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rate {
    pub now: f64,
    pub sustained: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Network {
    pub tcp: TcpHealth,
    pub udp: UdpHealth,
    /// `None` without the conntrack module.
    pub conntrack: Option<Conntrack>,
    /// `None` where `/proc/net/softnet_stat` is unreadable.
    pub softnet: Option<Softnet>,
    /// TCP sockets per state and the busiest remote addresses; empty where the
    /// connections could not be counted.
    #[serde(flatten)]
    pub connections: Connections,
}

/// Rates are `None` until two readings have been taken or where the kernel lacks the
/// counter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TcpHealth {
    #[serde(serialize_with = "now")]
    pub listen_overflows_per_s: Option<Rate>,
    /// Includes the overflows.
    #[serde(serialize_with = "now")]
    pub listen_drops_per_s: Option<Rate>,
    /// SYNs met with a full SYN queue: dropped (`TCPReqQFullDrop`) or answered with a
    /// cookie (`TCPReqQFullDoCookies`).
    #[serde(serialize_with = "now")]
    pub syn_queue_full_per_s: Option<Rate>,
    #[serde(serialize_with = "now")]
    pub syncookies_sent_per_s: Option<Rate>,
    /// Retransmitted segments in % of segments sent over the interval; `None` when
    /// none were sent.
    pub retransmit_percent: Option<f64>,
    /// Segments sent per second, so a percentage of few segments can be told apart.
    #[serde(serialize_with = "now")]
    pub segments_sent_per_s: Option<Rate>,
    /// Resets sent (`Tcp: OutRsts`): what a port scan, a flood at closed ports or a
    /// full accept queue with `tcp_abort_on_overflow` make.
    #[serde(serialize_with = "now")]
    pub resets_per_s: Option<Rate>,
    /// Established connections reset (`EstabResets`) and failed connection attempts
    /// (`AttemptFails`), both ways.
    #[serde(serialize_with = "now")]
    pub established_resets_per_s: Option<Rate>,
    #[serde(serialize_with = "now")]
    pub attempt_fails_per_s: Option<Rate>,
    pub in_use: Option<u64>,
    pub time_wait: Option<u64>,
    pub time_wait_limit: Option<u64>,
    pub orphans: Option<u64>,
    pub orphans_limit: Option<u64>,
    pub memory_pages: Option<u64>,
    pub memory_limit_pages: Option<u64>,
    pub memory_pressure_pages: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UdpHealth {
    #[serde(serialize_with = "now")]
    pub rcvbuf_errors_per_s: Option<Rate>,
    #[serde(serialize_with = "now")]
    pub sndbuf_errors_per_s: Option<Rate>,
    pub in_use: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Conntrack {
    pub count: u64,
    pub max: Option<u64>,
    #[serde(serialize_with = "now")]
    pub drops_per_s: Option<Rate>,
    #[serde(serialize_with = "now")]
    pub early_drops_per_s: Option<Rate>,
}

impl Conntrack {
    pub fn use_percent(&self) -> Option<f64> {
        self.max.filter(|&m| m > 0).map(|m| self.count as f64 * 100.0 / m as f64)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Softnet {
    #[serde(serialize_with = "now")]
    pub dropped_per_s: Option<Rate>,
    #[serde(serialize_with = "now")]
    pub squeezed_per_s: Option<Rate>,
}

/// The JSON shows a rate as its number over the last interval.
fn now<S: serde::Serializer>(rate: &Option<Rate>, s: S) -> Result<S::Ok, S::Error> {
    rate.map(|r| r.now).serialize(s)
}

/// Read back (a recording) from that number: what held over two intervals is not kept,
/// so it is taken as the last interval's.
impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        f64::deserialize(d).map(|now| Rate { now, sustained: now })
    }
}

/// One reading of every counter.
#[derive(Debug, Clone, Copy, Default)]
struct Reading {
    protocol: ProtocolCounters,
    conntrack: Option<ConntrackCounters>,
    softnet: Option<SoftnetCounters>,
}

/// Keeps the previous reading (and the rates it gave) to make rates.
pub struct NetworkSampler {
    source: Source,
    previous: Option<(Instant, Reading)>,
    last: Network,
}

impl NetworkSampler {
    pub fn new(source: Source) -> Self {
        Self { source, previous: None, last: Network::default() }
    }

    pub fn collect(&mut self) -> Network {
        let now = Instant::now();
        let reading = Reading {
            protocol: ProtocolCounters::read(&self.source),
            conntrack: ConntrackCounters::read(&self.source),
            softnet: SoftnetCounters::read(&self.source),
        };
        let totals = SocketTotals::read(&self.source);
        let previous = self.previous.replace((now, reading));
        let elapsed = previous.map(|(at, _)| now.duration_since(at).as_secs_f64()).filter(|s| *s > 0.0);
        let before = previous.map(|(_, r)| r);
        let last = &self.last;
        // A rate from the counter `f` of both readings; None where either lacks it or
        // it went backwards (a namespace or module recreated).
        let rate = |f: &dyn Fn(&Reading) -> Option<u64>, previous: Option<Rate>| -> Option<Rate> {
            let (b, n, secs) = (f(before.as_ref()?)?, f(&reading)?, elapsed?);
            let now = n.checked_sub(b)? as f64 / secs;
            Some(Rate { now, sustained: previous.map_or(now, |p| p.now.min(now)) })
        };
        let p = |f: fn(&ProtocolCounters) -> Option<u64>| move |r: &Reading| f(&r.protocol);
        let (t, u) = (&last.tcp, &last.udp);
        let sent = rate(&p(|c| c.out_segments), t.segments_sent_per_s);
        let retransmitted = rate(&p(|c| c.retransmitted_segments), None);
        let tcp = TcpHealth {
            listen_overflows_per_s: rate(&p(|c| c.listen_overflows), t.listen_overflows_per_s),
            listen_drops_per_s: rate(&p(|c| c.listen_drops), t.listen_drops_per_s),
            syn_queue_full_per_s: rate(
                &p(|c| Some(c.req_queue_full_drops.unwrap_or(0) + c.req_queue_full_cookies.unwrap_or(0))),
                t.syn_queue_full_per_s,
            ),
            syncookies_sent_per_s: rate(&p(|c| c.syncookies_sent), t.syncookies_sent_per_s),
            retransmit_percent: match (retransmitted, sent) {
                (Some(r), Some(s)) if s.now > 0.0 => Some(r.now * 100.0 / s.now),
                _ => None,
            },
            segments_sent_per_s: sent,
            resets_per_s: rate(&p(|c| c.resets_sent), t.resets_per_s),
            established_resets_per_s: rate(&p(|c| c.established_resets), t.established_resets_per_s),
            attempt_fails_per_s: rate(&p(|c| c.attempt_fails), t.attempt_fails_per_s),
            in_use: totals.tcp_in_use,
            time_wait: totals.time_wait,
            time_wait_limit: totals.time_wait_limit,
            orphans: totals.orphans,
            orphans_limit: totals.orphans_limit,
            memory_pages: totals.memory_pages,
            memory_limit_pages: totals.memory_limit_pages,
            memory_pressure_pages: totals.memory_pressure_pages,
        };
        let udp = UdpHealth {
            rcvbuf_errors_per_s: rate(&p(|c| c.udp_rcvbuf_errors), u.rcvbuf_errors_per_s),
            sndbuf_errors_per_s: rate(&p(|c| c.udp_sndbuf_errors), u.sndbuf_errors_per_s),
            in_use: totals.udp_in_use,
        };
        let last_conntrack = last.conntrack.as_ref();
        let conntrack = reading.conntrack.map(|c| Conntrack {
            count: c.count,
            max: c.max,
            drops_per_s: rate(&|r| r.conntrack?.drops, last_conntrack.and_then(|l| l.drops_per_s)),
            early_drops_per_s: rate(&|r| r.conntrack?.early_drops, last_conntrack.and_then(|l| l.early_drops_per_s)),
        });
        let last_softnet = last.softnet.as_ref();
        let softnet = reading.softnet.map(|_| Softnet {
            dropped_per_s: rate(&|r| Some(r.softnet?.dropped), last_softnet.and_then(|l| l.dropped_per_s)),
            squeezed_per_s: rate(&|r| Some(r.softnet?.squeezed), last_softnet.and_then(|l| l.squeezed_per_s)),
        });
        self.last = Network { tcp, udp, conntrack, softnet, connections: Connections::default() };
        self.last.clone()
    }
}
