//! Disk I/O as history keeps it, in the fast tier's samples: per disk its name and the
//! last interval's rates in [`bf16`](super::bf16) (22 bytes). The sustained rates the
//! rules judge (about the last 10 s, `collect::diskio`) are not stored: they are the
//! samples' rates over that window put together again ([`sustained`]), as the counters
//! would give them. Label, rotational and partitions come from the latest reading of
//! the disk, as an interface's link details do.

use super::bf16;
use super::names::{NameId, Names};
use crate::collect::diskio::{DiskIo, DiskRates, SUSTAINED_WINDOW};
use std::sync::Arc;

#[derive(Debug, Clone, Copy)]
pub struct DiskRecord {
    pub name: NameId,
    /// The rates are known (not a disk's first reading).
    pub known: bool,
    /// reads/s, writes/s, read B/s, write B/s, read await, write await, queue, util, seconds.
    pub rates: [u16; 9],
}

pub fn encode(disk: &DiskIo, names: &mut Names) -> Option<DiskRecord> {
    let name = names.id(&disk.name)?;
    let r = disk.rates.unwrap_or_default();
    let rates = [
        r.reads_per_s,
        r.writes_per_s,
        r.read_bytes_per_s,
        r.write_bytes_per_s,
        r.read_await_ms,
        r.write_await_ms,
        r.queue_size,
        r.util_percent,
        r.seconds,
    ]
    .map(|v| bf16::pack(Some(v)));
    Some(DiskRecord { name, known: disk.rates.is_some(), rates })
}

/// The length of the interval `d`'s rates are over (0 when unknown).
pub fn seconds(d: &DiskRecord) -> f64 {
    if d.known { bf16::unpack(d.rates[8]).unwrap_or(0.0) } else { 0.0 }
}

fn rates(d: &DiskRecord) -> Option<DiskRates> {
    if !d.known {
        return None;
    }
    let [reads, writes, read_bytes, write_bytes, read_await, write_await, queue, util, seconds] =
        d.rates.map(|v| bf16::unpack(v).unwrap_or(0.0));
    Some(DiskRates {
        reads_per_s: reads,
        writes_per_s: writes,
        read_bytes_per_s: read_bytes,
        write_bytes_per_s: write_bytes,
        read_await_ms: read_await,
        write_await_ms: write_await,
        queue_size: queue,
        util_percent: util,
        seconds,
    })
}

/// The rates over the newest intervals of `newest_first` (one disk's rates in the
/// samples at and before the moment) until they cover [`SUSTAINED_WINDOW`]: each rate
/// weighted by its interval's length, each await by its operations — what the
/// difference of the counters at both ends gives.
pub fn sustained(newest_first: impl Iterator<Item = DiskRates>) -> Option<DiskRates> {
    let mut sum = DiskRates::default();
    let (mut read_ops, mut write_ops) = (0.0, 0.0);
    for r in newest_first {
        let s = r.seconds;
        sum.reads_per_s += r.reads_per_s * s;
        sum.writes_per_s += r.writes_per_s * s;
        sum.read_bytes_per_s += r.read_bytes_per_s * s;
        sum.write_bytes_per_s += r.write_bytes_per_s * s;
        sum.read_await_ms += r.read_await_ms * r.reads_per_s * s;
        sum.write_await_ms += r.write_await_ms * r.writes_per_s * s;
        sum.queue_size += r.queue_size * s;
        sum.util_percent += r.util_percent * s;
        sum.seconds += s;
        read_ops += r.reads_per_s * s;
        write_ops += r.writes_per_s * s;
        // The collector's window is at least this long (it keeps the reading that
        // starts it), so stop at the first interval that reaches it (a millisecond's
        // leeway for the sum's rounding).
        if sum.seconds >= SUSTAINED_WINDOW.as_secs_f64() - 0.001 {
            break;
        }
    }
    let s = sum.seconds;
    if s <= 0.0 {
        return None;
    }
    let per = |ops: f64, total: f64| if ops > 0.0 { total / ops } else { 0.0 };
    Some(DiskRates {
        reads_per_s: sum.reads_per_s / s,
        writes_per_s: sum.writes_per_s / s,
        read_bytes_per_s: sum.read_bytes_per_s / s,
        write_bytes_per_s: sum.write_bytes_per_s / s,
        read_await_ms: per(read_ops, sum.read_await_ms),
        write_await_ms: per(write_ops, sum.write_await_ms),
        queue_size: sum.queue_size / s,
        util_percent: sum.util_percent / s,
        seconds: s,
    })
}

/// The disk as it was: `d`'s rates, the sustained ones from `earlier` (the same disk's
/// records in the samples before, newest first), the rest from the latest reading.
pub fn decode<'a>(
    d: &DiskRecord,
    earlier: impl Iterator<Item = &'a DiskRecord>,
    names: &Names,
    now: &[DiskIo],
) -> DiskIo {
    let name = names.name(d.name);
    let live = now.iter().find(|l| *l.name == *name);
    let last = rates(d);
    let sustained = last.and_then(|r| sustained(std::iter::once(r).chain(earlier.map_while(rates))));
    DiskIo {
        name: live.map_or_else(|| Arc::from(name), |l| Arc::clone(&l.name)),
        label: live.and_then(|l| l.label.clone()),
        rotational: live.and_then(|l| l.rotational),
        partitions: live.map_or_else(|| Arc::from([]), |l| Arc::clone(&l.partitions)),
        rates: last,
        sustained,
    }
}
