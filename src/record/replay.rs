//! Replaying a recording: a [`Player`] feeds its samples in order into a
//! [`History`], a [`Timeline`] and the snapshot at its head, exactly as the dashboard
//! feeds live updates — so the screen, `--once` and `--json` show a recorded moment
//! with the same code as a live one. A change of boot epoch between two samples is a
//! reboot, added to the timeline with the last sample before it and the first after.
//!
//! Findings are the recording's: those judged while recording, with the thresholds of
//! then, are shown, and the timeline is built from them. A recording made without them
//! (ctop 0.1.0, see [`super::Identity::findings`]) is judged again, each fast sample
//! with this ctop's thresholds.

use super::reader::Recording;
use super::{Record, Sample};
use crate::health::timeline::Timeline;
use crate::health::{self, Findings, Thresholds};
use crate::history::{Cadence, History};
use crate::snapshot::{Snapshot, Update};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// What a replay fills: the same state the dashboard keeps for live updates.
pub struct Shown {
    pub history: History,
    pub timeline: Timeline,
    /// Everything seen up to the head, as a live snapshot is.
    pub snapshot: Snapshot,
    pub findings: Findings,
}

impl Shown {
    pub fn new(cadence: Cadence) -> Self {
        Shown {
            history: History::new(cadence),
            timeline: Timeline::default(),
            snapshot: Snapshot::default(),
            findings: Findings::default(),
        }
    }

    pub fn fed(&mut self) -> Fed<'_> {
        Fed {
            history: &mut self.history,
            timeline: &mut self.timeline,
            snapshot: &mut self.snapshot,
            findings: &mut self.findings,
        }
    }
}

/// The same, borrowed from wherever it is kept (the dashboard's loop keeps its own).
pub struct Fed<'a> {
    pub history: &'a mut History,
    pub timeline: &'a mut Timeline,
    pub snapshot: &'a mut Snapshot,
    pub findings: &'a mut Findings,
}

impl Fed<'_> {
    /// Replaces everything shown with `whole`: a fresh start, or a window another
    /// thread played.
    pub fn replace_with(&mut self, whole: Shown) {
        *self.history = whole.history;
        *self.timeline = whole.timeline;
        *self.snapshot = whole.snapshot;
        *self.findings = whole.findings;
    }
}

pub struct Player {
    recording: Recording,
    thresholds: Thresholds,
    cadence: Cadence,
    /// Samples read from the current block but not played yet.
    queue: VecDeque<Sample>,
    next_block: usize,
    head_ms: Option<i64>,
    /// The last fast sample's time and boot epoch, to see a reboot.
    last_boot: Option<(i64, i64)>,
    scanned_ms: Option<i64>,
    /// The segment played holds the findings judged while recording.
    findings_recorded: bool,
    /// A fast sample played whose moment the timeline has not seen yet: it waits for
    /// the findings recorded with it (written after it).
    unobserved_ms: Option<i64>,
    /// The recorded findings within the history window, each with the time it was
    /// judged (oldest first), for a past moment stepped to.
    findings_log: VecDeque<(i64, Findings)>,
    /// The moment of a [`Self::seek_recent`] whose whole window is still to be played.
    partial_at: Option<i64>,
}

impl Player {
    /// A player before the recording's first sample; `cadence` sizes its history.
    pub fn new(recording: Recording, thresholds: Thresholds, cadence: Cadence) -> Self {
        Player {
            recording,
            thresholds,
            cadence,
            queue: VecDeque::new(),
            next_block: 0,
            head_ms: None,
            last_boot: None,
            scanned_ms: None,
            findings_recorded: false,
            unobserved_ms: None,
            findings_log: VecDeque::new(),
            partial_at: None,
        }
    }

    /// Whether the findings shown are the recorded ones (else judged again).
    pub fn findings_recorded(&self) -> bool {
        self.findings_recorded
    }

    /// The findings recorded as holding at `at_ms`, if the recording has them and
    /// they are still within the history window.
    pub fn findings_at(&self, at_ms: i64) -> Option<&Findings> {
        if !self.findings_recorded {
            return None;
        }
        let after = self.findings_log.partition_point(|(t, _)| *t <= at_ms);
        after.checked_sub(1).map(|i| &self.findings_log[i].1)
    }

    pub fn recording(&self) -> &Recording {
        &self.recording
    }

    /// The time of the last sample played.
    pub fn head_ms(&self) -> Option<i64> {
        self.head_ms
    }

    /// Nothing left to play.
    pub fn at_end(&self) -> bool {
        self.queue.is_empty() && self.next_block >= self.recording.blocks()
    }

    pub fn cadence(&self) -> Cadence {
        self.cadence
    }

    /// Starts again at `at_ms`: history and timeline filled with the window before it
    /// (read from the block that holds its start, found in the index).
    pub fn seek(&mut self, at_ms: i64, shown: Fed) {
        let window = i64::try_from(self.cadence.window.as_millis()).unwrap_or(i64::MAX);
        self.seek_with(at_ms, window, shown);
        self.partial_at = None;
    }

    /// A jump the user waits for (the `b` key): [`Self::seek`] with only the last
    /// [`QUICK_HISTORY`] of history played, which shows the moment itself (its panels,
    /// findings, latest process table and cgroups) in a few milliseconds, while another
    /// thread plays the whole window for the same moment; [`Filling::take`] hands that
    /// over when it is done, to replace this player and what it fed. Playing an hour
    /// is decoding 3,600 samples (~0.2 s on this VM when quiet, 0.7 s under load: see
    /// PERFORMANCE.md), too long to wait for on a key.
    pub fn jump(&mut self, at_ms: i64, shown: Fed, wake: fn()) -> Filling {
        self.seek_recent(at_ms, shown);
        self.fill(wake)
    }

    /// After [`Self::seek_recent`], the whole window for the same moment, played by
    /// another thread; `None` when the window is already whole.
    pub fn fill(&mut self, wake: fn()) -> Filling {
        let Some(at_ms) = self.partial_at.take() else { return Filling { rx: None } };
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let (path, thresholds, cadence) = (self.recording.path().to_path_buf(), self.thresholds.clone(), self.cadence);
        let spawned = std::thread::Builder::new().name("ctop-seek".into()).spawn(move || {
            let Ok(recording) = Recording::open(&path) else { return };
            let mut player = Player::new(recording, thresholds, cadence);
            let mut shown = Shown::new(cadence);
            player.seek(at_ms, shown.fed());
            if tx.send((player, shown)).is_ok() {
                wake();
            }
        });
        // No thread to spare: the recent history stays.
        Filling { rx: spawned.ok().map(|_| rx) }
    }

    /// [`Self::seek`] with only the last [`QUICK_HISTORY`] of the window played: what
    /// a jump costs before its moment is shown.
    pub fn seek_recent(&mut self, at_ms: i64, shown: Fed) {
        let quick = i64::try_from(QUICK_HISTORY.min(self.cadence.window).as_millis()).unwrap_or(i64::MAX);
        self.seek_with(at_ms, quick, shown);
        self.partial_at = (QUICK_HISTORY < self.cadence.window).then_some(at_ms);
    }

    fn seek_with(&mut self, at_ms: i64, window: i64, mut shown: Fed) {
        shown.replace_with(Shown::new(self.cadence));
        self.findings_recorded = false;
        if let Some(id) = self.recording.identity_at(at_ms) {
            shown.snapshot.host = id.host;
            shown.snapshot.platform = id.platform;
            self.findings_recorded = id.findings;
        }
        self.queue.clear();
        self.head_ms = None;
        self.last_boot = None;
        self.scanned_ms = None;
        self.unobserved_ms = None;
        self.findings_log.clear();
        self.next_block = self.recording.block_from(at_ms.saturating_sub(window));
        while self.queue.front().is_none_or(|s| s.at_ms < at_ms.saturating_sub(window)) && !self.at_end() {
            match self.queue.pop_front() {
                // Samples before the window are not decoded: only the findings are kept.
                None => {
                    let samples = self.recording.read_block_from(self.next_block, at_ms.saturating_sub(window));
                    self.next_block += 1;
                    self.queue.extend(samples);
                }
                // What was judged before the window still holds at its start.
                Some(Sample { at_ms, record: Record::Findings(recorded) }) => {
                    self.keep_findings(at_ms, super::findings::from_recorded(recorded), &mut shown);
                }
                Some(_) => {}
            }
        }
        self.play_until(at_ms, &mut shown);
    }

    fn read_next_block(&mut self) {
        let samples = self.recording.read_block(self.next_block);
        self.next_block += 1;
        self.queue.extend(samples);
    }

    /// Plays every sample up to `at_ms`; whether any was played.
    pub fn play_until(&mut self, at_ms: i64, shown: &mut Fed) -> bool {
        let mut played = false;
        loop {
            match self.queue.front() {
                Some(s) if s.at_ms > at_ms => break,
                Some(_) => {
                    let Some(sample) = self.queue.pop_front() else { break };
                    self.play(sample, shown);
                    played = true;
                }
                None if self.next_block < self.recording.blocks() => self.read_next_block(),
                None => break,
            }
        }
        // The findings of the last fast sample came with it, or they did not change.
        self.observe_unobserved(shown);
        if let (Some(head), Some(scan)) = (self.head_ms, self.scanned_ms) {
            // Ages on screen are taken against now: the scan as far before now as it
            // was before the head.
            let age = Duration::from_millis(u64::try_from(head - scan).unwrap_or(0));
            shown.snapshot.processes_scanned_at = Instant::now().checked_sub(age);
        }
        played
    }

    /// The time of the next sample to play.
    pub fn next_ms(&mut self) -> Option<i64> {
        while self.queue.is_empty() && self.next_block < self.recording.blocks() {
            self.read_next_block();
        }
        self.queue.front().map(|s| s.at_ms)
    }

    fn play(&mut self, sample: Sample, shown: &mut Fed) {
        let at = sample.at_ms;
        self.head_ms = Some(self.head_ms.map_or(at, |h| h.max(at)));
        let record = match sample.record {
            Record::Identity(id) => {
                shown.snapshot.host = id.host;
                shown.snapshot.platform = id.platform;
                self.findings_recorded = id.findings;
                return;
            }
            Record::Findings(recorded) => {
                self.keep_findings(at, super::findings::from_recorded(recorded), shown);
                self.observe_unobserved(shown);
                return;
            }
            record => record,
        };
        let Some(update) = record.into_update() else { return };
        let fast = matches!(update, Update::Fast(_));
        if let Update::Fast(f) = &update
            && let Some(boot) = f.time.boot_epoch
        {
            if let Some((last_ms, last_boot)) = self.last_boot
                // btime can move by a second as the clock is disciplined: not a reboot.
                && (boot - last_boot).abs() > 1
            {
                shown.timeline.rebooted(last_ms, at, shown.history.utc_offset_s(), shown.snapshot);
            }
            self.last_boot = Some((at, boot));
        }
        if matches!(update, Update::Processes(_)) {
            self.scanned_ms = Some(at);
        }
        shown.history.record(&update, at);
        shown.snapshot.apply(update);
        if fast && self.findings_recorded {
            self.observe_unobserved(shown);
            self.unobserved_ms = Some(at);
        } else if fast {
            *shown.findings = health::judge(shown.snapshot, &self.thresholds);
            shown.timeline.observe(at, shown.snapshot, shown.findings);
        }
    }

    /// The recorded findings from `at_ms` on: shown, and kept for stepping back.
    fn keep_findings(&mut self, at_ms: i64, findings: Findings, shown: &mut Fed) {
        let window = i64::try_from(self.cadence.window.as_millis()).unwrap_or(i64::MAX);
        // The oldest entry still needed is the one holding at the window's start.
        while self.findings_log.get(1).is_some_and(|(t, _)| *t <= at_ms.saturating_sub(window)) {
            self.findings_log.pop_front();
        }
        self.findings_log.push_back((at_ms, findings.clone()));
        *shown.findings = findings;
    }

    /// The timeline sees the last fast sample's moment, with the findings now shown.
    fn observe_unobserved(&mut self, shown: &mut Fed) {
        if let Some(at) = self.unobserved_ms.take() {
            shown.timeline.observe(at, shown.snapshot, shown.findings);
        }
    }
}

/// History a jump plays before showing its moment: enough for the slow tier, the
/// process table and the cgroup tree at their default cadences (5 s, 30 s, 30 s), and
/// at most two blocks read.
pub const QUICK_HISTORY: Duration = Duration::from_secs(60);

/// The whole window of a jump, being played by another thread ([`Player::jump`]).
pub struct Filling {
    rx: Option<std::sync::mpsc::Receiver<(Player, Shown)>>,
}

impl Filling {
    /// The player and what it fed, once the whole window is played; `None` before.
    pub fn take(&mut self) -> Option<(Player, Shown)> {
        let done = self.rx.as_ref()?.try_recv().ok();
        if done.is_some() {
            self.rx = None;
        }
        done
    }

    /// Still playing (or never could: no thread).
    pub fn pending(&self) -> bool {
        self.rx.is_some()
    }
}

/// Opens the recording at `path` on the moment `at` names (its end without one), with
/// `window` of history before it (`quick`: only the last [`QUICK_HISTORY`] of it,
/// the rest for [`Player::fill`] to play). Damage passed over is said on stderr.
pub fn open(
    path: &std::path::Path,
    at: Option<&str>,
    thresholds: &Thresholds,
    intervals: crate::snapshot::Intervals,
    window: Duration,
    quick: bool,
) -> Result<(Player, Shown), String> {
    let mut recording = Recording::open(path).map_err(|e| e.to_string())?;
    let Some((first, last)) = recording.span() else { return Err("the recording holds no samples".into()) };
    let recorded_every = recording.identity_at(last).map(|id| Duration::from_millis(id.interval_ms));
    let fast = recorded_every.filter(|d| !d.is_zero()).unwrap_or(intervals.fast);
    let cadence = Cadence { window, fast, slow: intervals.slow, processes: intervals.processes };
    let mut player = Player::new(recording, thresholds.clone(), cadence);
    let mut shown = Shown::new(cadence);
    let at_ms = match at {
        None => last,
        Some(text) => {
            player.seek_recent(last, shown.fed());
            parse_at(text, last, shown.history.utc_offset_s())?
        }
    };
    if !(first..=last + 999).contains(&at_ms) {
        let offset = shown.history.utc_offset_s();
        let local = |ms: i64| crate::history::when::local(ms.div_euclid(1000), offset, "%Y-%m-%d %H:%M:%S");
        eprintln!("ctop: warning: the recording holds {} to {}: showing the nearest", local(first), local(last));
    }
    if quick {
        player.seek_recent(at_ms.clamp(first, last), shown.fed());
    } else {
        player.seek(at_ms.clamp(first, last), shown.fed());
    }
    let skipped = player.recording().skipped();
    if !skipped.is_empty() {
        eprintln!("ctop: warning: {}: {skipped}", crate::sanitize::display(&path.display().to_string()));
    }
    Ok((player, shown))
}

/// The moment `--at` names, in epoch ms: a date and time (`2026-11-29 03:12:07`,
/// `2026-11-29T03:12`, `2026-11-29`) in the zone `utc_offset_s`, or what the `b` key
/// takes (`HH:MM`, `HH:MM:SS`, an epoch, `-10m`), counted back from `end_ms`, the
/// recording's end. A whole second names the sample its clock read.
pub fn parse_at(text: &str, end_ms: i64, utc_offset_s: i32) -> Result<i64, String> {
    let text = text.trim();
    if text.len() >= 10 && text.as_bytes()[4] == b'-' {
        let date: jiff::civil::DateTime = text
            .parse::<jiff::civil::DateTime>()
            .or_else(|_| text.parse::<jiff::civil::Date>().map(|d| d.to_datetime(jiff::civil::Time::midnight())))
            .map_err(|_| format!("`{text}`: give a date and time such as 2026-11-29 03:12:07"))?;
        let zone = jiff::tz::Offset::from_seconds(utc_offset_s).map_err(|e| e.to_string())?;
        let at = zone.to_timestamp(date).map_err(|e| e.to_string())?;
        return Ok(at.as_millisecond() + 999);
    }
    crate::history::when::parse(text, end_ms.div_euclid(1000), utc_offset_s).map(|s| s.saturating_mul(1000) + 999)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-29 12:00:00 UTC.
    const NOON_MS: i64 = 1_795_953_600_000;

    #[test]
    fn at_takes_dates_and_the_b_keys_times() {
        assert_eq!(parse_at("2026-11-29 11:30:00", NOON_MS, 0), Ok(NOON_MS - 1_800_000 + 999));
        assert_eq!(parse_at("2026-11-29T11:30", NOON_MS, 0), Ok(NOON_MS - 1_800_000 + 999));
        assert_eq!(parse_at("2026-11-29 12:30", NOON_MS, 3600), Ok(NOON_MS - 1_800_000 + 999));
        assert_eq!(parse_at("2026-11-29", NOON_MS, 0), Ok(NOON_MS - 43_200_000 + 999));
        assert_eq!(parse_at("11:30", NOON_MS, 0), Ok(NOON_MS - 1_800_000 + 999));
        assert_eq!(parse_at("-10m", NOON_MS, 0), Ok(NOON_MS - 600_000 + 999));
        for bad in ["2026-13-01", "2026-11-29 25:00", "yesterday", "", "12:60"] {
            assert!(parse_at(bad, NOON_MS, 0).is_err(), "{bad}");
        }
    }
}
