//! The network stack's health as history keeps it, in the slow tier's samples (every
//! `slow_interval`): the rates of the last interval in [`bf16`](super::bf16), the
//! socket counts and the TCP states as `u32`, and the busiest remote addresses shared
//! with the previous sample while unchanged — about 150 bytes. A rate's `sustained`
//! value (the lower of the last two intervals') is not stored: it is taken again from
//! the sample before ([`decode`]'s `previous`), as the collector took it.

use super::bf16;
use crate::collect::network::{Conntrack, Network, Rate, Softnet, TcpHealth, UdpHealth};
use crate::collect::ports::connections::{Connections, RemoteCount, STATE_NAMES};
use std::sync::Arc;

/// Remote addresses kept per sample (the panel lists the first few).
pub const REMOTES_KEPT: usize = 5;

const NO_COUNT: u32 = u32::MAX;

#[derive(Debug, Clone)]
pub struct NetworkRecord {
    /// TCP listen overflows, listen drops, SYN queue full, syncookies, segments sent,
    /// resets, established resets, attempt fails; UDP receive and send buffer errors;
    /// conntrack drops and early drops; softnet dropped and squeezed.
    rates: [u16; 14],
    retransmit_percent: u16,
    /// TCP in use, time-wait, its limit, orphans, their limit, memory pages, the limit,
    /// the pressure mark; UDP in use; conntrack entries and their maximum.
    counts: [u32; 11],
    /// TCP sockets per state, in [`STATE_NAMES`] order, and all but the listeners.
    states: [u32; 11],
    total: u32,
    count_costs: [u16; 2],
    /// Bit 0 conntrack present, 1 softnet present, 2 states counted, 3 remotes
    /// approximate, 4 the count reused.
    flags: u8,
    top_remotes: Arc<[RemoteCount]>,
}

fn count(v: Option<u64>) -> u32 {
    v.map_or(NO_COUNT, |n| n.min(u64::from(NO_COUNT - 1)) as u32)
}

fn from_count(v: u32) -> Option<u64> {
    (v != NO_COUNT).then_some(u64::from(v))
}

fn now(rate: Option<Rate>) -> u16 {
    bf16::pack(rate.map(|r| r.now))
}

/// `n`'s record; its remote addresses are `previous`'s when they have not changed.
pub fn encode(n: &Network, previous: Option<&NetworkRecord>) -> NetworkRecord {
    let (t, u) = (&n.tcp, &n.udp);
    let ct = n.conntrack.as_ref();
    let sn = n.softnet.as_ref();
    let c = &n.connections;
    let remotes = &c.top_remotes[..c.top_remotes.len().min(REMOTES_KEPT)];
    let top_remotes = match previous {
        Some(p) if *p.top_remotes == *remotes => Arc::clone(&p.top_remotes),
        _ => Arc::from(remotes),
    };
    let flags = u8::from(ct.is_some())
        | u8::from(sn.is_some()) << 1
        | u8::from(!c.states.is_empty()) << 2
        | u8::from(c.remotes_approximate) << 3
        | u8::from(c.reused) << 4;
    NetworkRecord {
        rates: [
            now(t.listen_overflows_per_s),
            now(t.listen_drops_per_s),
            now(t.syn_queue_full_per_s),
            now(t.syncookies_sent_per_s),
            now(t.segments_sent_per_s),
            now(t.resets_per_s),
            now(t.established_resets_per_s),
            now(t.attempt_fails_per_s),
            now(u.rcvbuf_errors_per_s),
            now(u.sndbuf_errors_per_s),
            now(ct.and_then(|c| c.drops_per_s)),
            now(ct.and_then(|c| c.early_drops_per_s)),
            now(sn.and_then(|s| s.dropped_per_s)),
            now(sn.and_then(|s| s.squeezed_per_s)),
        ],
        retransmit_percent: bf16::pack(t.retransmit_percent),
        counts: [
            t.in_use,
            t.time_wait,
            t.time_wait_limit,
            t.orphans,
            t.orphans_limit,
            t.memory_pages,
            t.memory_limit_pages,
            t.memory_pressure_pages,
            u.in_use,
            ct.map(|c| c.count),
            ct.and_then(|c| c.max),
        ]
        .map(count),
        states: STATE_NAMES.map(|(_, name)| count(c.states.get(name).copied())),
        total: count(Some(c.total)),
        count_costs: [bf16::pack(Some(c.count_cpu_ms)), bf16::pack(Some(c.counted_every_s))],
        flags,
        top_remotes,
    }
}

/// The network's health as `r` saw it; `previous` is the sample before, whose rates
/// make the sustained ones.
pub fn decode(r: &NetworkRecord, previous: Option<&NetworkRecord>) -> Network {
    let rate = |i: usize| {
        let now = bf16::unpack(r.rates[i])?;
        let before = previous.and_then(|p| bf16::unpack(p.rates[i]));
        Some(Rate { now, sustained: before.map_or(now, |b| b.min(now)) })
    };
    let [
        in_use,
        time_wait,
        time_wait_limit,
        orphans,
        orphans_limit,
        memory_pages,
        memory_limit,
        pressure,
        udp,
        ct_count,
        ct_max,
    ] = r.counts.map(from_count);
    let states = if r.flags & 4 != 0 {
        STATE_NAMES.iter().zip(r.states).map(|(&(_, name), n)| (name, from_count(n).unwrap_or(0))).collect()
    } else {
        Default::default()
    };
    Network {
        tcp: TcpHealth {
            listen_overflows_per_s: rate(0),
            listen_drops_per_s: rate(1),
            syn_queue_full_per_s: rate(2),
            syncookies_sent_per_s: rate(3),
            retransmit_percent: bf16::unpack(r.retransmit_percent),
            segments_sent_per_s: rate(4),
            resets_per_s: rate(5),
            established_resets_per_s: rate(6),
            attempt_fails_per_s: rate(7),
            in_use,
            time_wait,
            time_wait_limit,
            orphans,
            orphans_limit,
            memory_pages,
            memory_limit_pages: memory_limit,
            memory_pressure_pages: pressure,
        },
        udp: UdpHealth { rcvbuf_errors_per_s: rate(8), sndbuf_errors_per_s: rate(9), in_use: udp },
        conntrack: (r.flags & 1 != 0).then(|| Conntrack {
            count: ct_count.unwrap_or(0),
            max: ct_max,
            drops_per_s: rate(10),
            early_drops_per_s: rate(11),
        }),
        softnet: (r.flags & 2 != 0).then(|| Softnet { dropped_per_s: rate(12), squeezed_per_s: rate(13) }),
        connections: Connections {
            states,
            total: from_count(r.total).unwrap_or(0),
            top_remotes: r.top_remotes.to_vec(),
            remotes_approximate: r.flags & 8 != 0,
            count_cpu_ms: bf16::unpack(r.count_costs[0]).unwrap_or(0.0),
            counted_every_s: bf16::unpack(r.count_costs[1]).unwrap_or(0.0),
            reused: r.flags & 16 != 0,
        },
    }
}

impl NetworkRecord {
    /// Bytes its remote addresses hold (shared ones count once, with the first sample
    /// holding them).
    pub fn remotes_bytes(&self, previous: Option<&NetworkRecord>) -> usize {
        match previous {
            Some(p) if Arc::ptr_eq(&p.top_remotes, &self.top_remotes) => 0,
            _ => size_of_val(&*self.top_remotes),
        }
    }
}
