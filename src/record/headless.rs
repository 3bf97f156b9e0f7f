//! `--record PATH --no-ui`: the collectors and the recorder without a screen or a
//! terminal, until SIGTERM, SIGINT or SIGHUP; then the block being filled is written and
//! made durable, and ctop exits 0. Each fast update is judged, as the dashboard judges
//! it, so the recording holds the findings of its moments.

use super::writer::{Recorder, taken_at};
use crate::health::{self, Thresholds};
use crate::snapshot::{Collectors, Intervals, Snapshot, Update};
use crate::source::Source;
use nix::sys::signal::{SigSet, Signal};

pub fn run(
    source: Source,
    intervals: Intervals,
    thresholds: Thresholds,
    recorder: Recorder,
    sandbox: bool,
) -> anyhow::Result<()> {
    // Blocked before any thread starts, so every thread inherits the mask and the
    // signals wait for `wait` below.
    let mut stop = SigSet::empty();
    for signal in [Signal::SIGTERM, Signal::SIGINT, Signal::SIGHUP] {
        stop.add(signal);
    }
    stop.thread_block()?;
    let mut snapshot = Snapshot::with_identity(&source);
    let collectors = Collectors::spawn(source, intervals, || {});
    let feed = recorder.feed();
    std::thread::Builder::new().name("ctop-feed".into()).spawn(move || {
        for update in collectors.updates.iter() {
            let at = taken_at(&update);
            feed.record(&update, at);
            let fast = matches!(update, Update::Fast(_));
            snapshot.apply(update);
            if fast {
                snapshot.recording_problem = feed.problem();
                feed.findings(&health::judge(&snapshot, &thresholds), at);
            }
        }
    })?;
    if sandbox && let Err(e) = crate::sandbox::install() {
        eprintln!("ctop: {e}; running without it");
    }
    stop.wait()?;
    if let Some(problem) = recorder.problem() {
        eprintln!("ctop: {}", crate::sanitize::display(&problem));
    }
    recorder.finish();
    Ok(())
}
