//! Hardware signs, judged against the hardware's own limits: poisoned memory and
//! uncorrected ECC errors are errors (data was lost or nearly); corrected ECC errors a
//! warning (a DIMM on its way out); a temperature at the chip's `crit` an error, at its
//! `max` a warning; CPU thermal throttling that rose since the previous reading a
//! warning. Nothing here exists on most VMs, and then nothing is said.

use super::rules::{BROKEN, Problems};
use super::{Key, Severity};
use crate::collect::hardware::Hardware;
use crate::format;

pub(super) fn judge(found: &mut Problems, h: &Hardware) {
    if let Some(bytes) = h.corrupted_bytes.filter(|b| *b > 0) {
        let message = format!("{} of memory poisoned by hardware errors (HardwareCorrupted)", format::bytes(bytes));
        found.add(Severity::Error, Key::Hardware("memory".into()), "memory", message, BROKEN);
    }
    for mc in &h.memory_controllers {
        let key = || Key::Hardware(mc.name.clone());
        if mc.uncorrected > 0 {
            let message = format!("{}: {} uncorrected ECC memory errors", mc.name, mc.uncorrected);
            found.add(Severity::Error, key(), &mc.name, message, BROKEN);
        } else if mc.corrected > 0 {
            let message = format!("{}: {} corrected ECC memory errors", mc.name, mc.corrected);
            found.add(Severity::Warning, key(), &mc.name, message, 0.5);
        }
    }
    for t in &h.temperatures {
        let (severity, limit, word) = match (t.crit_celsius, t.max_celsius) {
            (Some(crit), _) if t.celsius >= crit => (Severity::Error, crit, "critical"),
            (_, Some(max)) if t.celsius >= max => (Severity::Warning, max, "max"),
            _ => continue,
        };
        let subject = format!("{} {}", t.chip, t.label);
        let message = format!("{subject} at {:.0}°C ({word} {:.0}°C)", t.celsius, limit);
        found.add(severity, Key::Hardware(subject.clone()), &subject, message, BROKEN);
    }
    if let Some(new) = h.new_throttle_events.filter(|n| *n > 0) {
        let message = format!("CPU thermal throttling: {new} new events (too hot)");
        found.add(Severity::Warning, Key::Hardware("throttling".into()), "throttling", message, 0.5);
    }
}
