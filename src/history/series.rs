//! What the graphs draw: one [`Column`] per screen column, each the min, max and mean
//! of the samples in its stretch of time, with the parts (user/system/iowait/steal,
//! receive/transmit) of its highest sample so a spike keeps its colour and split.
//! Measured (benches/history.rs): aggregating an hour of 1 s samples into 250 columns
//! takes a few tens of microseconds, so it is done per frame, not cached.

use super::History;
use super::fast::{FastRecord, IfaceRecord};
use super::names::NameId;

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

impl History {
    /// `columns` columns evenly covering `from_ms..=to_ms`, oldest first, in `out`
    /// (cleared first, so its allocation is reused frame after frame).
    pub fn columns(&self, metric: &Metric, from_ms: i64, to_ms: i64, columns: usize, out: &mut Vec<Column>) {
        out.clear();
        out.resize(columns, Column::default());
        if columns == 0 || to_ms <= from_ms {
            return;
        }
        let interface = match metric {
            Metric::Interface(name) => match self.names.lookup(name) {
                Some(id) => Some(id),
                None => return,
            },
            _ => None,
        };
        let span = (to_ms - from_ms) as f64;
        let first = self.fast.last_at_or_before(from_ms, |r| r.at_ms).unwrap_or(0);
        for r in self.fast.iter().skip(first) {
            if r.at_ms < from_ms {
                continue;
            }
            if r.at_ms > to_ms {
                break;
            }
            let Some(parts) = self.parts(metric, r, interface) else { continue };
            let value: f32 = parts.iter().sum();
            let i = (((r.at_ms - from_ms) as f64 / span * columns as f64) as usize).min(columns - 1);
            let c = &mut out[i];
            if c.samples == 0 {
                *c = Column { samples: 1, min: value, max: value, mean: value, parts };
                continue;
            }
            c.samples += 1;
            c.min = c.min.min(value);
            c.mean += (value - c.mean) / c.samples as f32;
            if value > c.max {
                c.max = value;
                c.parts = parts;
            }
        }
    }

    fn parts(&self, metric: &Metric, r: &FastRecord, interface: Option<NameId>) -> Option<[f32; 4]> {
        match metric {
            Metric::Cpu => {
                let t = r.cpu_total()?;
                Some([t.user, t.system, t.iowait, t.steal].map(|v| v as f32))
            }
            Metric::Load => Some([r.load().map(|l| l.one as f32)?, 0.0, 0.0, 0.0]),
            Metric::Memory => Some([r.memory_used_percent()? as f32, 0.0, 0.0, 0.0]),
            Metric::Interface(_) => {
                let i = self.interfaces.get(r.interfaces).find(|i| Some(i.name) == interface)?;
                (i.flags & 8 != 0).then_some([i.rx, i.tx, 0.0, 0.0])
            }
        }
    }

    /// The `n` interfaces (loopback aside) with the highest receive + transmit rate in
    /// `from_ms..=to_ms`, busiest first; none that carried nothing.
    pub fn busiest_interfaces(&self, from_ms: i64, to_ms: i64, n: usize) -> Vec<String> {
        let mut peaks: Vec<(NameId, f32)> = Vec::new();
        for r in self.fast.iter().filter(|r| (from_ms..=to_ms).contains(&r.at_ms)) {
            for i in self.interfaces.get(r.interfaces).filter(|i| !is_loopback(i)) {
                let rate = i.rx + i.tx;
                match peaks.iter_mut().find(|p| p.0 == i.name) {
                    Some(p) => p.1 = p.1.max(rate),
                    None => peaks.push((i.name, rate)),
                }
            }
        }
        peaks.retain(|p| p.1 > 0.0);
        peaks.sort_by(|a, b| b.1.total_cmp(&a.1).then(self.names.name(a.0).cmp(self.names.name(b.0))));
        peaks.into_iter().take(n).map(|(id, _)| self.names.name(id).to_string()).collect()
    }
}

fn is_loopback(i: &IfaceRecord) -> bool {
    i.kind == 2
}
