//! A memory controller whose EDAC counters are both 0 is sound: no finding names it,
//! while the other controller's errors still do. Mutation testing found this unchecked
//! (both controllers of fixtures/hardware/server-ecc-hot have errors): "0 corrected ECC
//! memory errors" as a warning would have gone unnoticed.

mod fixture_tree;

use ctop::collect::hardware::HardwareSampler;
use ctop::health::{self, Thresholds};
use ctop::snapshot::Snapshot;
use ctop::source::{FixedSystem, Source};
use std::path::Path;
use std::sync::Arc;

#[test]
fn a_memory_controller_with_no_ecc_errors_is_not_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("m");
    fixture_tree::copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hardware/server-ecc-hot"), &root);
    // mc0's 3 corrected errors cleared (as `echo 1 > reset_counters` would); mc1 keeps its 2 uncorrected.
    std::fs::write(root.join("sys/devices/system/edac/mc/mc0/ce_count"), "0\n").unwrap();
    let hardware = HardwareSampler::default().collect(&Source::new(&root, Arc::new(FixedSystem::default())));
    let counts: Vec<_> =
        hardware.memory_controllers.iter().map(|m| (m.name.as_str(), m.corrected, m.uncorrected)).collect();
    assert_eq!(counts, [("mc0", 0, 0), ("mc1", 0, 2)], "the counts written to the tree");
    let findings = health::judge(&Snapshot { hardware, ..Snapshot::default() }, &Thresholds::default());
    let subjects: Vec<&str> = findings.problems.iter().map(|p| p.subject.as_str()).collect();
    assert!(!subjects.contains(&"mc0"), "{subjects:?}");
    assert!(subjects.contains(&"mc1"), "{subjects:?}");
}
