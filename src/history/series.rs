//! What the graphs draw: one [`Column`] per screen column, each the min, max and mean
//! of the samples in its stretch of time, with the parts (user/system/iowait/steal,
//! receive/transmit) of its highest sample so a spike keeps its colour and split.
//! Aggregating the whole window on every frame cost 0.6 ms a frame at 3,600 samples
//! (measured: +380 ms/min of CPU at ten frames a second), so columns are aligned to
//! time and kept ([`SeriesCache`]): a frame aggregates only the newest column.

use super::History;
use super::fast::{FastRecord, IfaceRecord};
use super::names::NameId;
use super::sealed::Sample;
use std::collections::VecDeque;

/// A value history can graph.
#[derive(Debug, Clone, PartialEq)]
pub enum Metric {
    /// CPU busy %, in parts: user, system, iowait, steal.
    Cpu,
    /// The 1-minute load average.
    Load,
    /// Memory used % (of the container's limit where there is one).
    Memory,
    /// Receive and transmit bytes/s of the interface of this name.
    Interface(String),
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Column {
    /// Samples in this column; 0 leaves the other fields meaningless.
    pub samples: u32,
    pub min: f32,
    pub max: f32,
    pub mean: f32,
    /// The parts of the highest sample, adding up to `max`.
    pub parts: [f32; 4],
}

impl Column {
    fn add(&mut self, parts: [f32; 4]) {
        let value: f32 = parts.iter().sum();
        if self.samples == 0 {
            *self = Column { samples: 1, min: value, max: value, mean: value, parts };
            return;
        }
        self.samples += 1;
        self.min = self.min.min(value);
        self.mean += (value - self.mean) / self.samples as f32;
        if value > self.max {
            self.max = value;
            self.parts = parts;
        }
    }
}

/// Columns already aggregated, per metric and column span. Columns are aligned to
/// multiples of their span since the epoch, so a column once past never changes: a frame
/// aggregates only the newest column (and any new ones), not the whole window again.
#[derive(Debug, Default)]
pub(super) struct SeriesCache {
    series: Vec<CachedSeries>,
    /// The busiest interfaces, chosen again once a minute of samples.
    busiest: Option<(i64, usize, Vec<String>)>,
}

#[derive(Debug)]
struct CachedSeries {
    metric: Metric,
    span_ms: i64,
    /// The column index (time / span) of `columns[0]`.
    first: i64,
    columns: VecDeque<Column>,
    /// Columns before this index hold every sample they will ever hold.
    settled_before: i64,
}

/// Series kept at most (the graphs on screen, and room for a resize).
const CACHED_SERIES: usize = 12;

impl SeriesCache {
    pub(super) fn bytes(&self) -> usize {
        self.series.iter().map(|s| size_of::<CachedSeries>() + s.columns.capacity() * size_of::<Column>()).sum()
    }
}

impl History {
    /// `width` columns covering the `window_ms` up to `to_ms`, oldest first, in `out`;
    /// returns the time they cover (epoch ms, from the start of the first column to the
    /// end of the last), which the axis is labelled with.
    pub fn columns(
        &self,
        metric: &Metric,
        to_ms: i64,
        window_ms: i64,
        width: usize,
        out: &mut Vec<Column>,
    ) -> (i64, i64) {
        out.clear();
        let span = (window_ms / width.max(1) as i64).max(1);
        let last = to_ms.div_euclid(span);
        let first = last + 1 - width as i64;
        let range = (first * span, (last + 1) * span);
        if width == 0 {
            return range;
        }
        let interface = match metric {
            Metric::Interface(name) => self.names.lookup(name),
            _ => None,
        };
        let mut cache = self.series.borrow_mut();
        let found = cache.series.iter().position(|c| c.metric == *metric && c.span_ms == span);
        let i = match found {
            Some(i) => i,
            None => {
                if cache.series.len() == CACHED_SERIES {
                    cache.series.remove(0);
                }
                let columns = VecDeque::with_capacity(width + 1);
                cache.series.push(CachedSeries {
                    metric: metric.clone(),
                    span_ms: span,
                    first,
                    columns,
                    settled_before: first,
                });
                cache.series.len() - 1
            }
        };
        let c = &mut cache.series[i];
        while c.first < first && c.columns.pop_front().is_some() {
            c.first += 1;
        }
        if c.columns.is_empty() || c.first > first {
            c.columns.clear();
            c.first = first;
            c.settled_before = first;
        }
        let redo_from = c.settled_before.clamp(first, last + 1);
        c.columns.truncate((redo_from - c.first) as usize);
        c.columns.resize(width.min((last + 1 - c.first) as usize), Column::default());
        let start = self.fast.last_at_or_before(redo_from * span - 1).map_or(0, |i| i + 1);
        let mut sample = Sample::default();
        for i in start..self.fast.len() {
            if !self.fast.read(i, &mut sample) {
                break;
            }
            let k = sample.record.at_ms.div_euclid(span);
            if k > last {
                break;
            }
            let Some(parts) = parts(metric, &sample.record, &sample.interfaces, interface) else { continue };
            if let Some(column) = c.columns.get_mut((k - c.first) as usize) {
                column.add(parts);
            }
        }
        c.settled_before = self.fast.newest_at_ms().map_or(first, |t| t.div_euclid(span));
        out.resize(width - c.columns.len(), Column::default());
        out.extend(c.columns.iter().copied());
        range
    }

    /// The `n` interfaces (loopback aside) with the highest receive + transmit rate in
    /// `from_ms..=to_ms`, busiest first; none that carried nothing. Chosen again once a
    /// minute of samples has passed, not on every frame.
    pub fn busiest_interfaces(&self, from_ms: i64, to_ms: i64, n: usize) -> Vec<String> {
        let minute = to_ms.div_euclid(60_000);
        let mut cache = self.series.borrow_mut();
        if let Some((at, count, names)) = &cache.busiest
            && *at == minute
            && *count == n
        {
            return names.clone();
        }
        let names = self.choose_busiest(from_ms, to_ms, n);
        cache.busiest = Some((minute, n, names.clone()));
        names
    }

    fn choose_busiest(&self, from_ms: i64, to_ms: i64, n: usize) -> Vec<String> {
        // Indexed by name id: one pass over the samples, whatever the interface count.
        let mut peaks = vec![0.0f32; self.names.len()];
        let mut sample = Sample::default();
        let from = self.fast.last_at_or_before(from_ms - 1).map_or(0, |i| i + 1);
        for i in from..self.fast.len() {
            if self.fast.at_ms(i).is_none_or(|t| t > to_ms) || !self.fast.read(i, &mut sample) {
                break;
            }
            for i in sample.interfaces.iter().filter(|i| !is_loopback(i)) {
                if let Some(peak) = peaks.get_mut(usize::from(i.name)) {
                    *peak = peak.max(i.rx + i.tx);
                }
            }
        }
        let mut busiest: Vec<(NameId, f32)> =
            peaks.into_iter().enumerate().filter(|p| p.1 > 0.0).map(|(id, p)| (id as NameId, p)).collect();
        busiest.sort_by(|a, b| b.1.total_cmp(&a.1).then(self.names.name(a.0).cmp(self.names.name(b.0))));
        busiest.into_iter().take(n).map(|(id, _)| self.names.name(id).to_string()).collect()
    }
}

fn parts(metric: &Metric, r: &FastRecord, interfaces: &[IfaceRecord], interface: Option<NameId>) -> Option<[f32; 4]> {
    match metric {
        Metric::Cpu => {
            let t = r.cpu_total()?;
            Some([t.user, t.system, t.iowait, t.steal].map(|v| v as f32))
        }
        Metric::Load => Some([r.load().map(|l| l.one as f32)?, 0.0, 0.0, 0.0]),
        Metric::Memory => Some([r.memory_used_percent()? as f32, 0.0, 0.0, 0.0]),
        Metric::Interface(_) => {
            let i = interfaces.iter().find(|i| Some(i.name) == interface)?;
            (i.flags & 8 != 0).then_some([i.rx, i.tx, 0.0, 0.0])
        }
    }
}

fn is_loopback(i: &IfaceRecord) -> bool {
    i.kind == 2
}
