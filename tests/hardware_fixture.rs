//! Hardware signs on fixture trees (fixtures/hardware): poisoned memory, EDAC ECC
//! counts, hwmon temperatures against their own limits, thermal throttling rising
//! between readings; and a KVM guest, where none of it exists and nothing is said.

mod fixture_tree;

use ctop::collect::hardware::{Hardware, HardwareSampler};
use ctop::health::{self, Severity, Thresholds};
use ctop::snapshot::Snapshot;
use ctop::source::{FixedSystem, Source};
use std::path::Path;
use std::sync::Arc;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hardware").join(name)
}

fn source(root: &Path) -> Source {
    Source::new(root, Arc::new(FixedSystem::default()))
}

/// (severity, subject, message) of every finding.
fn findings(hardware: Hardware) -> Vec<(Severity, String, String)> {
    let snapshot = Snapshot { hardware, ..Snapshot::default() };
    let found = health::judge(&snapshot, &Thresholds::default());
    found.problems.into_iter().map(|p| (p.severity, p.subject, p.message)).collect()
}

#[test]
fn a_server_with_memory_errors_and_heat() {
    let h = HardwareSampler::default().collect(&source(&fixture("server-ecc-hot")));
    assert_eq!(h.corrupted_bytes, Some(8192));
    assert_eq!(h.memory_controllers.iter().map(|m| (m.corrected, m.uncorrected)).collect::<Vec<_>>(), [(3, 0), (0, 2)]);
    assert_eq!(h.temperatures.len(), 5);
    let package = &h.temperatures[0];
    assert_eq!((package.chip.as_str(), package.label.as_str(), package.celsius), ("coretemp", "Package id 0", 88.0));
    assert_eq!((package.max_celsius, package.crit_celsius), (Some(85.0), Some(100.0)));
    let acpi = h.temperatures.iter().find(|t| t.chip == "acpitz").unwrap();
    assert_eq!((acpi.label.as_str(), acpi.crit_celsius), ("temp1", None), "a crit of 0 is no limit");
    assert_eq!((h.throttle_events, h.new_throttle_events), (Some(27), None));
    let mut found = findings(h);
    found.sort_by(|a, b| a.1.cmp(&b.1));
    let expected = [
        (Severity::Error, "coretemp Core 1", "coretemp Core 1 at 101°C (critical 100°C)"),
        (Severity::Warning, "coretemp Package id 0", "coretemp Package id 0 at 88°C (max 85°C)"),
        (Severity::Warning, "mc0", "mc0: 3 corrected ECC memory errors"),
        (Severity::Error, "mc1", "mc1: 2 uncorrected ECC memory errors"),
        (Severity::Error, "memory", "8.00 KiB of memory poisoned by hardware errors (HardwareCorrupted)"),
    ];
    assert_eq!(found, expected.map(|(s, a, b)| (s, a.to_string(), b.to_string())));
}

#[test]
fn throttling_that_rises_between_readings_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("m");
    fixture_tree::copy_tree(&fixture("server-ecc-hot"), &root);
    let mut sampler = HardwareSampler::default();
    sampler.collect(&source(&root));
    let same = sampler.collect(&source(&root));
    assert_eq!(same.new_throttle_events, Some(0));
    assert!(!findings(same).iter().any(|f| f.1 == "throttling"));
    std::fs::write(root.join("sys/devices/system/cpu/cpu1/thermal_throttle/core_throttle_count"), "10\n").unwrap();
    let rising = sampler.collect(&source(&root));
    assert_eq!((rising.throttle_events, rising.new_throttle_events), (Some(30), Some(3)));
    let throttling = findings(rising).into_iter().find(|f| f.1 == "throttling").unwrap();
    assert_eq!(
        throttling,
        (Severity::Warning, "throttling".into(), "CPU thermal throttling: 3 new events (too hot)".into())
    );
}

#[test]
fn a_vm_has_none_of_it_and_nothing_is_said() {
    let h = HardwareSampler::default().collect(&source(&fixture("kvm-guest")));
    assert_eq!(h, Hardware { corrupted_bytes: Some(0), ..Hardware::default() });
    assert!(findings(h).is_empty());
    let here = HardwareSampler::default().collect(&Source::live());
    assert_eq!(here.corrupted_bytes.unwrap_or(0), 0, "this machine's memory is sound");
}
