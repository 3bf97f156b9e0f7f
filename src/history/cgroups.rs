//! Services and containers as history keeps them, at the cgroup walk's cadence (every
//! `slow_interval`): not all of a host's hundreds of cgroups, but the [`KEPT`] that
//! matter — those nearest a limit (memory, pids, CPU quota) first, then the busiest
//! services and containers by CPU and memory, as the Services panel ranks them — each
//! with what the panel and the rules use, in 32 bytes ([`CgroupRecord`]); and the OOM
//! kills seen, shared with the previous sample while unchanged. A past frame's cgroup
//! tree holds only those kept; swap, I/O operations, `memory.high` and pressure are
//! not kept per cgroup.

use super::bf16;
use super::names::{NameId, Names};
use super::ring::Span;
use crate::collect::cgroups::{Cgroup, CgroupKind, Cgroups, OomEvent};
use std::sync::Arc;

/// Cgroups kept per sample.
pub const KEPT: usize = 8;
/// Of those, at most this many are chosen for being near a limit.
const NEAR_A_LIMIT: usize = 3;

const KINDS: [CgroupKind; 6] = [
    CgroupKind::Service,
    CgroupKind::Scope,
    CgroupKind::Slice,
    CgroupKind::Container,
    CgroupKind::Pod,
    CgroupKind::Other,
];

#[derive(Debug, Clone)]
pub struct CgroupsRecord {
    pub at_ms: i64,
    pub entries: Span,
    pub oom_events: Arc<[OomEvent]>,
    pub truncated: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct CgroupRecord {
    pub path: NameId,
    pub name: NameId,
    kind: u8,
    depth: u8,
    /// CPU %, throttled %, memory, its limit, reclaimable, I/O read and write B/s.
    figures: [u16; 7],
    /// pids and `pids.max` (`u32::MAX`: unknown).
    pids: [u32; 2],
    /// `memory.high` and `max` events in the window (`u16::MAX`: unknown or more).
    memory_events: [u16; 2],
}

/// How near `c` is to one of its limits, in % (0 with none).
fn nearness(c: &Cgroup) -> f64 {
    let pids = c.pids.zip(c.pids_limit.filter(|&m| m > 0)).map(|(n, m)| n as f64 * 100.0 / m as f64);
    let pressed = c.memory_high_events.unwrap_or(0) + c.memory_max_events.unwrap_or(0) > 0;
    [c.memory_limit_percent(), pids, c.throttled_percent, pressed.then_some(100.0)]
        .into_iter()
        .flatten()
        .fold(0.0, f64::max)
}

/// The indices of the cgroups of `list` kept, in list (path) order.
pub fn choose(list: &[Cgroup]) -> Vec<usize> {
    let mut near: Vec<usize> = (0..list.len()).filter(|&i| nearness(&list[i]) > 0.0).collect();
    near.sort_by(|&a, &b| nearness(&list[b]).total_cmp(&nearness(&list[a])));
    near.truncate(NEAR_A_LIMIT);
    let mut busy: Vec<usize> = (0..list.len()).filter(|&i| list[i].kind != CgroupKind::Slice).collect();
    let cpu = |i: usize| list[i].cpu_percent.unwrap_or(0.0);
    busy.sort_by(|&a, &b| cpu(b).total_cmp(&cpu(a)).then(list[b].memory_bytes.cmp(&list[a].memory_bytes)));
    let mut kept = near;
    for i in busy {
        if kept.len() == KEPT {
            break;
        }
        if !kept.contains(&i) {
            kept.push(i);
        }
    }
    kept.sort_unstable();
    kept
}

fn bytes(v: Option<u64>) -> u16 {
    bf16::pack(v.map(|b| b as f64))
}

fn count(v: Option<u64>) -> u32 {
    v.map_or(u32::MAX, |n| n.min(u64::from(u32::MAX - 1)) as u32)
}

pub fn encode(c: &Cgroup, names: &mut Names) -> Option<CgroupRecord> {
    let events = |v: Option<u64>| v.map_or(u16::MAX, |n| n.min(u64::from(u16::MAX)) as u16);
    Some(CgroupRecord {
        path: names.id(&c.path)?,
        name: names.id(&c.name)?,
        kind: KINDS.iter().position(|k| *k == c.kind).unwrap_or(KINDS.len() - 1) as u8,
        depth: c.depth.min(usize::from(u8::MAX)) as u8,
        figures: [
            bf16::pack(c.cpu_percent),
            bf16::pack(c.throttled_percent),
            bytes(c.memory_bytes),
            bytes(c.memory_limit_bytes),
            bytes(c.memory_reclaimable_bytes),
            bf16::pack(c.io_read_bytes_per_s),
            bf16::pack(c.io_write_bytes_per_s),
        ],
        pids: [count(c.pids), count(c.pids_limit)],
        memory_events: [events(c.memory_high_events), events(c.memory_max_events)],
    })
}

/// The cgroup as it was; its image from the latest reading where it is still there.
pub fn decode(r: &CgroupRecord, names: &Names, now: &Cgroups) -> Cgroup {
    let path = names.name(r.path);
    let [cpu, throttled, memory, limit, reclaimable, read, write] = r.figures.map(bf16::unpack);
    let [memory, limit, reclaimable] = [memory, limit, reclaimable].map(|b| b.map(|b| b as u64));
    let [pids, pids_limit] = r.pids.map(|n| (n != u32::MAX).then_some(u64::from(n)));
    let [high, max] = r.memory_events.map(|n| (n != u16::MAX).then_some(u64::from(n)));
    Cgroup {
        path: path.to_string(),
        name: names.name(r.name).to_string(),
        kind: KINDS[usize::from(r.kind).min(KINDS.len() - 1)],
        image: now.list.iter().find(|c| c.path == path).and_then(|c| c.image.clone()),
        depth: usize::from(r.depth),
        cpu_percent: cpu,
        throttled_percent: throttled,
        memory_bytes: memory,
        memory_limit_bytes: limit,
        memory_reclaimable_bytes: reclaimable,
        io_read_bytes_per_s: read,
        io_write_bytes_per_s: write,
        pids,
        pids_limit,
        memory_high_events: high,
        memory_max_events: max,
        ..Cgroup::default()
    }
}
