//! The clock: admins date logs by the epoch, so a kernel clock that nothing keeps
//! synchronised is a warning. Judged as systemd-timedated does (adjtimex `maxerror`
//! at its 16 s ceiling). The wording says whose clock it is: a container reads its
//! host's; a VM's is its own, set at boot and kept by nothing unless NTP (or the
//! hypervisor's PTP clock through chrony) runs in the guest.

use super::rules::Problems;
use super::{Key, Severity, Thresholds};
use crate::collect::clock::Clock;
use crate::collect::platform::Platform;

pub(super) fn judge(found: &mut Problems, clock: &Clock, platform: &Platform, t: &Thresholds) {
    let Some(max_error) = clock.max_error_seconds else { return };
    if max_error < t.clock_max_error_warning_seconds {
        return;
    }
    let message = if platform.container.is_some() {
        "clock not synchronised (the host's): epoch may be off".to_string()
    } else if platform.virtualization.is_some() {
        "clock not synchronised: epoch may be off (no NTP in this VM)".to_string()
    } else {
        "clock not synchronised: epoch may be off".to_string()
    };
    // A hint about trust, not a failure: listed after what is broken now.
    found.add(Severity::Warning, Key::Clock, "clock", message, 0.25);
}
