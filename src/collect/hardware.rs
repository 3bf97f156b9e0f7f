//! Signs of failing or overheating hardware: memory the kernel has poisoned
//! (`HardwareCorrupted` in `/proc/meminfo`), ECC errors counted by EDAC per memory
//! controller (`/sys/devices/system/edac/mc/mc*/{ce,ue}_count`), temperatures with the
//! chip's own limits (`/sys/class/hwmon/hwmon*/temp*_{input,max,crit,label}`), and CPU
//! thermal throttling events (`/sys/devices/system/cpu/cpu*/thermal_throttle/*_count`),
//! rising between readings. VMs and containers usually have none of these files:
//! then everything is empty or `None`. Read on the slow tier.

use crate::source::Source;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryController {
    /// `mc0`.
    pub name: String,
    pub corrected: u64,
    pub uncorrected: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Temperature {
    /// The hwmon chip's name (`coretemp`, `k10temp`, `nvme`) and the sensor's label
    /// (`Package id 0`, `Tctl`) or its file stem (`temp1`).
    pub chip: String,
    pub label: String,
    pub celsius: f64,
    /// The chip's own limits, where it has them.
    pub max_celsius: Option<f64>,
    pub crit_celsius: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Hardware {
    /// Memory taken out of use after uncorrectable errors; `None` without the field.
    pub corrupted_bytes: Option<u64>,
    pub memory_controllers: Vec<MemoryController>,
    pub temperatures: Vec<Temperature>,
    /// Thermal throttling events of all CPUs since boot, and how many are new since the
    /// previous reading (`None` on the first).
    pub throttle_events: Option<u64>,
    pub new_throttle_events: Option<u64>,
}

/// Keeps the previous throttling count, to tell new events from old ones.
#[derive(Debug, Default)]
pub struct HardwareSampler {
    previous_throttle: Option<u64>,
}

impl HardwareSampler {
    pub fn collect(&mut self, source: &Source) -> Hardware {
        let throttle_events = throttle_count(source);
        let new_throttle_events =
            self.previous_throttle.zip(throttle_events).map(|(before, now)| now.saturating_sub(before));
        self.previous_throttle = throttle_events;
        Hardware {
            corrupted_bytes: corrupted_bytes(source),
            memory_controllers: memory_controllers(source),
            temperatures: temperatures(source),
            throttle_events,
            new_throttle_events,
        }
    }
}

fn number(path: &Path) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// Directory entries of `dir` whose names start with `prefix`, sorted.
fn entries(dir: &Path, prefix: &str) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.starts_with(prefix)))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

fn corrupted_bytes(source: &Source) -> Option<u64> {
    let meminfo = source.read("/proc/meminfo").ok()?;
    let kib: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("HardwareCorrupted:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

fn memory_controllers(source: &Source) -> Vec<MemoryController> {
    entries(&source.path("/sys/devices/system/edac/mc"), "mc")
        .into_iter()
        .filter_map(|dir| {
            Some(MemoryController {
                name: dir.file_name()?.to_str()?.to_string(),
                corrected: number(&dir.join("ce_count"))?,
                uncorrected: number(&dir.join("ue_count"))?,
            })
        })
        .collect()
}

fn temperatures(source: &Source) -> Vec<Temperature> {
    let mut out = Vec::new();
    for chip_dir in entries(&source.path("/sys/class/hwmon"), "hwmon") {
        let chip = std::fs::read_to_string(chip_dir.join("name")).map(|n| n.trim().to_string()).unwrap_or_default();
        for input in entries(&chip_dir, "temp").into_iter().filter(|p| p.to_string_lossy().ends_with("_input")) {
            let Some(stem) = input.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix("_input")) else {
                continue;
            };
            let millidegrees = |suffix: &str| {
                let text = std::fs::read_to_string(chip_dir.join(format!("{stem}_{suffix}"))).ok()?;
                text.trim().parse::<i64>().ok().map(|m| m as f64 / 1000.0)
            };
            let Some(celsius) = millidegrees("input") else { continue };
            // A limit of 0 (or below) is a chip saying it has none.
            let limit = |suffix| millidegrees(suffix).filter(|c| *c > 0.0);
            let label = std::fs::read_to_string(chip_dir.join(format!("{stem}_label")))
                .map(|l| l.trim().to_string())
                .unwrap_or_else(|_| stem.to_string());
            out.push(Temperature {
                chip: chip.clone(),
                label,
                celsius,
                max_celsius: limit("max"),
                crit_celsius: limit("crit"),
            });
        }
    }
    out
}

fn throttle_count(source: &Source) -> Option<u64> {
    let mut total = None;
    for cpu in entries(&source.path("/sys/devices/system/cpu"), "cpu") {
        let dir = cpu.join("thermal_throttle");
        for file in ["core_throttle_count", "package_throttle_count"] {
            if let Some(n) = number(&dir.join(file)) {
                total = Some(total.unwrap_or(0) + n);
            }
        }
    }
    total
}
