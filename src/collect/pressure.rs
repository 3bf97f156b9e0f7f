//! Signs of a machine under stress that the usual numbers hide: pressure stall
//! information (`/proc/pressure/{cpu,memory,io}` avg10) and OOM kills
//! (`/proc/vmstat` `oom_kill`).

use super::kept::KeptReader;
use crate::source::Source;
use serde::{Deserialize, Serialize};

/// Share of the last 10 s in which some (or all) tasks were stalled, in percent;
/// `None` where the kernel has no PSI.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pressure {
    pub cpu_some: Option<f64>,
    pub memory_some: Option<f64>,
    pub memory_full: Option<f64>,
    pub io_some: Option<f64>,
    pub io_full: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OomKills {
    /// OOM kills since boot.
    pub since_boot: Option<u64>,
    /// OOM kills since ctop started watching.
    pub while_watching: Option<u64>,
}

pub fn collect(source: &Source) -> Pressure {
    PressureSampler::new(source).collect()
}

/// The three PSI files kept open, for reading every tick.
#[derive(Debug)]
pub struct PressureSampler {
    cpu: KeptReader,
    memory: KeptReader,
    io: KeptReader,
}

impl PressureSampler {
    pub fn new(source: &Source) -> Self {
        Self {
            cpu: KeptReader::new(source.path("/proc/pressure/cpu")),
            memory: KeptReader::new(source.path("/proc/pressure/memory")),
            io: KeptReader::new(source.path("/proc/pressure/io")),
        }
    }

    pub fn collect(&mut self) -> Pressure {
        let cpu = read_psi(&mut self.cpu);
        let memory = read_psi(&mut self.memory);
        let io = read_psi(&mut self.io);
        Pressure { cpu_some: cpu.0, memory_some: memory.0, memory_full: memory.1, io_some: io.0, io_full: io.1 }
    }
}

/// The `some` and `full` avg10 of one PSI file. Parsed here rather than with
/// procfs-core's `CpuPressure` & co.: those need both lines, and kernels before 5.13
/// write only `some` for the CPU; they also slice a truncated line out of bounds.
fn read_psi(file: &mut KeptReader) -> (Option<f64>, Option<f64>) {
    let Some(text) = file.read_text() else { return (None, None) };
    let avg10 = |kind: &str| {
        text.lines().find_map(|l| {
            let mut words = l.split_whitespace();
            (words.next()? == kind).then_some(())?;
            words.find_map(|w| w.strip_prefix("avg10="))?.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0)
        })
    };
    (avg10("some"), avg10("full"))
}

/// Remembers the OOM kill count when ctop started, to tell kills while watching.
pub struct OomWatch {
    vmstat: KeptReader,
    first: Option<u64>,
}

impl OomWatch {
    pub fn new(source: Source) -> Self {
        let mut vmstat = KeptReader::new(source.path("/proc/vmstat"));
        let first = read_oom_kills(&mut vmstat);
        Self { vmstat, first }
    }

    pub fn collect(&mut self) -> OomKills {
        let now = read_oom_kills(&mut self.vmstat);
        // The first readable count is the baseline (the file may appear late, e.g. a
        // --root image being filled).
        if self.first.is_none() {
            self.first = now;
        }
        OomKills { since_boot: now, while_watching: now.zip(self.first).map(|(n, f)| n.saturating_sub(f)) }
    }
}

/// `oom_kill` of `/proc/vmstat`; the field exists since Linux 4.13.
fn read_oom_kills(vmstat: &mut KeptReader) -> Option<u64> {
    let text = vmstat.read_text()?;
    text.lines().find_map(|l| l.strip_prefix("oom_kill ")).and_then(|v| v.trim().parse().ok())
}
