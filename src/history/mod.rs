//! History: every sample of the last `history_minutes`, in memory, bounded and known in
//! advance, so the screen can draw graphs of the window and any past moment of it.
//!
//! Each tier has its own [`ring`] at its own cadence: the fast tier (CPU split, per
//! core, load, memory, swap, pressure, container limits, OOM counts, per-interface
//! rates and link state, per-disk I/O) every `interval`; the slow tier (per-filesystem
//! sizes and state, listening sockets, the network stack's health, kernel limits,
//! RAID) every `slow_interval`; the services and containers that matter most, and the
//! OOM kills in them, every cgroup walk; a summary of the process table (totals, top by
//! CPU and memory, repeated binaries) every scan. Records are compact ([`fast`],
//! [`disks`], [`slow`], [`network`], [`cgroups`], [`procs`]), and the fast tier's older
//! samples are sealed into compressed blocks ([`sealed`]): under 1 MiB an hour on a
//! 2-CPU machine with three interfaces, two disks and 500 cgroups. [`History::bytes`]
//! says what it holds.
//!
//! One path for live and past: history is fed [`Update`]s — the same values the
//! collector threads send — with the time they were taken ([`History::record`]), and
//! gives back a whole [`Snapshot`] for any moment it holds ([`History::snapshot_at`]),
//! which the screen draws and health judges exactly as a live one. A recording read
//! back (the flight recorder) is one more producer of timed updates, fed to a
//! `History` the same way: the screen never knows where a frame came from.

mod bf16;
mod cgroups;
mod disks;
mod fast;
mod names;
mod network;
mod procs;
mod ring;
mod sealed;
mod series;
mod slow;
pub mod when;

/// The process table as history (and the flight recorder) keeps it.
pub use procs::summarize as summarize_processes;
pub use series::{Column, Metric};

use crate::collect::diskio::SUSTAINED_WINDOW;
use crate::snapshot::{FastTier, Snapshot, Update};
use cgroups::{CgroupRecord, CgroupsRecord};
use names::{NameId, Names};
use procs::ProcRecord;
use ring::{Ring, Spill};
use sealed::{Sample, Sealed};
use slow::{MountRecord, SlowRecord};
use std::cell::RefCell;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Process summaries kept at most, whatever the scan interval (a scan every second
/// would otherwise keep 3,600 tables an hour).
pub const MAX_PROCESS_SUMMARIES: usize = 720;

/// How often each tier is sampled, to size the rings.
#[derive(Debug, Clone, Copy)]
pub struct Cadence {
    pub window: Duration,
    pub fast: Duration,
    pub slow: Duration,
    pub processes: Duration,
}

pub struct History {
    fast: Sealed,
    /// The sample being recorded, its vectors reused.
    recording: Sample,
    slow: Ring<SlowRecord>,
    cgroups: Ring<CgroupsRecord>,
    cgroup_entries: Spill<CgroupRecord>,
    procs: Ring<ProcRecord>,
    names: Names,
    /// The latest fast tier in full: what history does not keep per sample (the CPU
    /// model, addresses, link details) is taken from it for past frames.
    latest: Option<Box<FastTier>>,
    /// Fast samples since unused names were last forgotten.
    since_compact: usize,
    /// The graphs' columns, aggregated once (drawing happens on this thread only).
    series: RefCell<series::SeriesCache>,
}

/// Records a ring holds to cover `window` at one every `every`.
fn slots(window: Duration, every: Duration) -> usize {
    let every = every.max(Duration::from_millis(1)).as_secs_f64();
    (window.as_secs_f64() / every).ceil().min(10_000_000.0) as usize + 1
}

impl History {
    pub fn new(cadence: Cadence) -> Self {
        Self {
            fast: Sealed::new(slots(cadence.window, cadence.fast)),
            recording: Sample::default(),
            slow: Ring::new(slots(cadence.window, cadence.slow)),
            cgroups: Ring::new(slots(cadence.window, cadence.slow)),
            cgroup_entries: Spill::default(),
            procs: Ring::new(slots(cadence.window, cadence.processes).min(MAX_PROCESS_SUMMARIES)),
            names: Names::default(),
            latest: None,
            since_compact: 0,
            series: RefCell::default(),
        }
    }

    /// Keeps what `update` carries, taken at `at_ms` (epoch milliseconds; later updates
    /// of one tier come with later times).
    pub fn record(&mut self, update: &Update, at_ms: i64) {
        match update {
            Update::Fast(f) => self.record_fast(f, at_ms),
            // Hardware (temperatures, memory errors) is not kept: a past frame has none.
            Update::Slow { filesystems, listening, network, kernel_limits, raid, .. } => {
                let listening = match self.slow.last() {
                    Some(last) if *last.listening == listening[..] => last.listening.clone(),
                    _ => Arc::from(listening.as_slice()),
                };
                let network = network::encode(network, self.slow.last().map(|last| &last.network));
                let raid = match self.slow.last() {
                    Some(last) if *last.raid == raid[..] => last.raid.clone(),
                    _ => Arc::from(raid.as_slice()),
                };
                let kernel_limits = slow::encode_limits(kernel_limits);
                let names = &mut self.names;
                let encoded: Vec<MountRecord> =
                    filesystems.iter().filter_map(|fs| slow::encode_mount(fs, names)).collect();
                let mounts = slow::share_chunks(&encoded, self.slow.last().map(|last| &last.mounts[..]));
                self.slow.push(SlowRecord { at_ms, mounts, listening, network, kernel_limits, raid });
            }
            Update::Processes(p) => {
                self.procs.push(ProcRecord { at_ms, processes: Arc::new(procs::summarize(p)) });
            }
            // Only a notice that a scan began: nothing measured to keep.
            Update::ProcessScanStarted(_) => {}
            Update::Cgroups(c) => self.record_cgroups(c, at_ms),
        }
    }

    fn record_cgroups(&mut self, c: &crate::collect::cgroups::Cgroups, at_ms: i64) {
        if self.cgroups.is_empty() {
            self.cgroup_entries.reserve(self.cgroups.capacity() * cgroups::KEPT);
        }
        let oom_events = match self.cgroups.last() {
            Some(last) if *last.oom_events == c.oom_events[..] => last.oom_events.clone(),
            _ => Arc::from(c.oom_events.as_slice()),
        };
        if let Some(old) = self.cgroups.make_room() {
            self.cgroup_entries.drop_front(old.entries);
        }
        let names = &mut self.names;
        let kept = cgroups::choose(&c.list);
        let entries = self.cgroup_entries.push(kept.into_iter().filter_map(|i| cgroups::encode(&c.list[i], names)));
        self.cgroups.push(CgroupsRecord { at_ms, entries, oom_events, truncated: c.truncated });
    }

    fn record_fast(&mut self, f: &FastTier, at_ms: i64) {
        // Times only go forward, so a clock stepped back cannot unorder the ring.
        let at_ms = self.fast.newest_at_ms().map_or(at_ms, |last| at_ms.max(last + 1));
        let s = &mut self.recording;
        let names = &mut self.names;
        s.record = fast::encode(f, at_ms, names, &mut s.cores, &mut s.interfaces);
        s.disks.clear();
        s.disks.extend(f.disks.iter().filter_map(|d| disks::encode(d, names)));
        self.fast.push(&self.recording);
        match &mut self.latest {
            Some(latest) => latest.as_mut().clone_from(f),
            None => self.latest = Some(Box::new(f.clone())),
        }
        self.since_compact += 1;
        if self.since_compact >= self.fast.capacity() {
            self.forget_unused_names();
        }
    }

    /// Renumbers the names records still use and forgets the others: once per window,
    /// so interfaces and mounts that come and go (containers) do not pile up.
    fn forget_unused_names(&mut self) {
        self.since_compact = 0;
        let mut in_use = vec![false; self.names.len()];
        // Samples that already left a block's front may hold names forgotten before.
        self.fast.rewrite_names(|name| {
            if let Some(used) = in_use.get_mut(usize::from(*name)) {
                *used = true;
            }
        });
        for m in self.slow.iter().flat_map(|s| s.mounts.iter().flat_map(|chunk| chunk.iter())) {
            in_use[usize::from(m.name)] = true;
        }
        for c in self.cgroup_entries.iter_mut() {
            in_use[usize::from(c.path)] = true;
            in_use[usize::from(c.name)] = true;
        }
        let remap = self.names.compact(&in_use);
        self.fast.rewrite_names(|name| *name = remap.get(usize::from(*name)).copied().unwrap_or(NameId::MAX));
        slow::rename_mounts(self.slow.iter_mut().map(|s| &mut s.mounts), |name| remap[usize::from(name)]);
        for c in self.cgroup_entries.iter_mut() {
            c.path = remap[usize::from(c.path)];
            c.name = remap[usize::from(c.name)];
        }
    }

    /// Fast-tier samples held.
    pub fn len(&self) -> usize {
        self.fast.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fast.is_empty()
    }

    /// Process summaries held.
    pub fn process_summaries(&self) -> usize {
        self.procs.len()
    }

    /// Bytes history holds now (rings as allocated, names, process summaries).
    pub fn bytes(&self) -> usize {
        let procs = procs::bytes(self.procs.iter().map(|p| &*p.processes));
        let mut shared = 0;
        let mut last: Option<&SlowRecord> = None;
        for s in self.slow.iter() {
            if !last.is_some_and(|l| Arc::ptr_eq(&l.listening, &s.listening)) {
                shared += size_of_val(&*s.listening);
            }
            if !last.is_some_and(|l| Arc::ptr_eq(&l.raid, &s.raid)) {
                shared += s.raid.iter().map(raid_bytes).sum::<usize>();
            }
            shared += s.network.remotes_bytes(last.map(|l| &l.network));
            shared += slow::mounts_bytes(&s.mounts, last.map(|l| &l.mounts[..]));
            last = Some(s);
        }
        let mut shared_oom_events = 0;
        let mut last: Option<&Arc<[crate::collect::cgroups::OomEvent]>> = None;
        for c in self.cgroups.iter() {
            if !last.is_some_and(|l| Arc::ptr_eq(l, &c.oom_events)) {
                shared_oom_events += c
                    .oom_events
                    .iter()
                    .map(|e| size_of_val(e) + e.path.len() + e.name.len() + e.local_time.len())
                    .sum::<usize>();
            }
            last = Some(&c.oom_events);
        }
        self.fast.bytes()
            + self.recording_bytes()
            + self.slow.bytes()
            + shared
            + self.cgroups.bytes()
            + self.cgroup_entries.bytes()
            + shared_oom_events
            + self.procs.bytes()
            + procs
            + self.names.bytes()
            + self.series.borrow().bytes()
    }

    /// The sample being recorded's reused vectors.
    fn recording_bytes(&self) -> usize {
        let s = &self.recording;
        size_of_val(&s.cores[..]) + size_of_val(&s.interfaces[..]) + size_of_val(&s.disks[..])
    }

    /// The times (epoch ms) of the oldest and newest fast samples.
    pub fn span(&self) -> Option<(i64, i64)> {
        Some((self.fast.at_ms(0)?, self.fast.newest_at_ms()?))
    }

    /// The local zone's offset from UTC as of the newest sample.
    pub fn utc_offset_s(&self) -> i32 {
        self.fast.newest().map_or(0, |r| r.utc_offset_s)
    }

    /// The time of the sample `by` samples away from the one shown at `from` (the last
    /// at or before it), kept within what history holds.
    pub fn step(&self, from: i64, by: isize) -> Option<i64> {
        if self.fast.is_empty() {
            return None;
        }
        let here = self.fast.last_at_or_before(from).unwrap_or(0) as isize;
        let to = (here + by).clamp(0, self.fast.len() as isize - 1);
        self.fast.at_ms(to as usize)
    }

    /// Everything seen at `at_ms` (the last sample of each tier at or before it; the
    /// oldest one before history starts), as a snapshot; identity and what history does
    /// not keep come from `live`. `None` when history is empty.
    pub fn snapshot_at(&self, at_ms: i64, live: &Snapshot) -> Option<Snapshot> {
        let latest = self.latest.as_deref()?;
        let i = self.fast.last_at_or_before(at_ms).unwrap_or(0);
        let sample = self.fast.get(i)?;
        let r = &sample.record;
        let mut f = fast::decode(r, sample.cores.iter(), sample.interfaces.iter(), &self.names, latest);
        f.disks = self.disks_at(i, &sample, &latest.disks);
        let mut s = Snapshot { host: live.host.clone(), platform: live.platform.clone(), ..Snapshot::default() };
        s.apply(Update::Fast(Box::new(f)));
        if let Some(at) = self.slow.last_at_or_before(r.at_ms, |s| s.at_ms)
            && let Some(slow) = self.slow.get(at)
        {
            s.filesystems = slow
                .mounts
                .iter()
                .flat_map(|chunk| chunk.iter())
                .map(|m| slow::decode_mount(m, &self.names, &live.filesystems))
                .collect();
            s.listening = slow.listening.to_vec();
            let before = at.checked_sub(1).and_then(|b| self.slow.get(b)).map(|b| &b.network);
            s.network = network::decode(&slow.network, before);
            s.kernel_limits = slow::decode_limits(&slow.kernel_limits);
            s.raid = slow.raid.to_vec();
        }
        if let Some(c) = self.cgroups.last_at_or_before(r.at_ms, |c| c.at_ms).and_then(|i| self.cgroups.get(i)) {
            s.cgroups.list =
                self.cgroup_entries.get(c.entries).map(|e| cgroups::decode(e, &self.names, &live.cgroups)).collect();
            s.cgroups.oom_events = c.oom_events.to_vec();
            s.cgroups.truncated = c.truncated;
        }
        if let Some(p) = self.procs.last_at_or_before(r.at_ms, |p| p.at_ms).and_then(|i| self.procs.get(i)) {
            s.processes = Some(p.processes.clone());
            let age = Duration::from_millis(u64::try_from(r.at_ms - p.at_ms).unwrap_or(0));
            // Ages on screen are taken against now: place the scan as far before now as
            // it was before the moment shown.
            s.processes_scanned_at = Instant::now().checked_sub(age);
        }
        Some(s)
    }

    /// The disks of `sample`, the fast sample at index `i`, their sustained rates from
    /// the samples before it.
    fn disks_at(
        &self,
        i: usize,
        sample: &Sample,
        now: &[crate::collect::diskio::DiskIo],
    ) -> Vec<crate::collect::diskio::DiskIo> {
        let mut earlier = Vec::new();
        let mut before = Sample::default();
        sample
            .disks
            .iter()
            .map(|d| {
                earlier.clear();
                // Decoding stops where `disks::decode` would: at a sample without this
                // disk's rates, or once the samples cover the sustained window.
                let mut seconds = disks::seconds(d);
                for j in (0..i).rev() {
                    if seconds >= SUSTAINED_WINDOW.as_secs_f64() || !self.fast.read(j, &mut before) {
                        break;
                    }
                    match before.disks.iter().find(|e| e.name == d.name && e.known) {
                        Some(e) => {
                            seconds += disks::seconds(e);
                            earlier.push(*e);
                        }
                        None => break,
                    }
                }
                disks::decode(d, earlier.iter(), &self.names, now)
            })
            .collect()
    }

    /// The time (epoch ms) of the sample a snapshot at `at_ms` shows.
    pub fn sample_time(&self, at_ms: i64) -> Option<i64> {
        let i = self.fast.last_at_or_before(at_ms).unwrap_or(0);
        self.fast.at_ms(i)
    }
}

/// What one RAID array holds, its members' names included.
fn raid_bytes(a: &crate::collect::raid::MdArray) -> usize {
    let text = [Some(&a.name), Some(&a.state), a.level.as_ref(), a.slots.as_ref()].into_iter().flatten();
    size_of_val(a)
        + a.members.iter().map(|m| size_of_val(m) + m.name.len()).sum::<usize>()
        + text.map(String::len).sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_the_sizes_performance_md_quotes() {
        // A fast sample before sealing: 6 bytes of counts, the record, and per core,
        // interface and disk.
        assert_eq!(sealed::plain_bytes(0, 0, 0), 6 + 116);
        assert_eq!(sealed::plain_bytes(1, 0, 0) - sealed::plain_bytes(0, 0, 0), 4);
        assert_eq!(sealed::plain_bytes(0, 1, 0) - sealed::plain_bytes(0, 0, 0), 12);
        assert_eq!(sealed::plain_bytes(0, 0, 1) - sealed::plain_bytes(0, 0, 0), 21);
        assert_eq!(size_of::<SlowRecord>(), 224);
        assert_eq!(size_of::<MountRecord>(), 32);
        assert_eq!(size_of::<CgroupsRecord>(), 40);
        assert_eq!(size_of::<CgroupRecord>(), 32);
    }

    #[test]
    fn rings_cover_the_window_at_each_cadence() {
        assert_eq!(slots(Duration::from_secs(3600), Duration::from_secs(1)), 3601);
        assert_eq!(slots(Duration::from_secs(3600), Duration::from_millis(1500)), 2401);
        assert_eq!(slots(Duration::from_secs(60), Duration::ZERO), 60_001);
    }

    fn filesystem(i: usize, used_bytes: u64) -> crate::collect::disks::Filesystem {
        use crate::collect::disks::{Filesystem, FsUsage, Usage};
        Filesystem {
            device: format!("pod{i}").into(),
            mountpoint: format!("/var/lib/kubelet/pods/{i}/volumes").into(),
            fstype: "tmpfs".into(),
            read_only: false,
            remounted_read_only: false,
            device_missing: false,
            usage: Usage::Measured(FsUsage {
                size_bytes: 1 << 20,
                used_bytes,
                avail_bytes: (1 << 20) - used_bytes,
                ..FsUsage::default()
            }),
        }
    }

    /// The filesystem entries the ring holds, each shared chunk once.
    fn mount_entries(history: &History) -> usize {
        let mut seen = std::collections::HashSet::new();
        let chunks = history.slow.iter().flat_map(|s| s.mounts.iter());
        chunks.filter(|chunk| seen.insert(chunk.as_ptr())).map(|chunk| chunk.len()).sum()
    }

    fn used_bytes(history: &History, record: &SlowRecord, mount: usize) -> u64 {
        let mounts: Vec<_> =
            record.mounts.iter().flat_map(|c| c.iter()).map(|m| slow::decode_mount(m, &history.names, &[])).collect();
        assert_eq!(mounts.len(), 150, "sample at {} ms", record.at_ms);
        assert_eq!(*mounts[mount].mountpoint, *format!("/var/lib/kubelet/pods/{mount}/volumes"));
        let crate::collect::disks::Usage::Measured(u) = mounts[mount].usage else { panic!("{:?}", mounts[mount]) };
        u.used_bytes
    }

    #[test]
    fn unchanged_mounts_are_kept_once_and_every_sample_still_reads_back() {
        let every = Duration::from_secs(5);
        let cadence = Cadence { window: Duration::from_secs(20), fast: every, slow: every, processes: every };
        let mut history = History::new(cadence);
        assert_eq!(history.slow.capacity(), 5);
        // A name no record uses, before the mount points: forgetting it renumbers them.
        history.names.id("an interface gone long ago");
        // Mount 7's use per sample; the other 149 never change. 150 mounts are three
        // chunks (64, 64, 22): only the first changes with mount 7.
        let used = [1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 4, 3].map(|k: u64| k * 4096);
        for (n, &seven) in used.iter().enumerate() {
            let update = Update::Slow {
                filesystems: (0..150).map(|i| filesystem(i, if i == 7 { seven } else { 4096 })).collect(),
                listening: Vec::new(),
                raid: Vec::new(),
                kernel_limits: Box::default(),
                hardware: Box::default(),
                network: Box::default(),
            };
            history.record(&update, n as i64 * 5000);
            let kept = &used[(n + 1).saturating_sub(5)..=n];
            for (record, &expected) in history.slow.iter().zip(kept) {
                assert_eq!(used_bytes(&history, record, 7), expected, "after {} samples", n + 1);
                assert_eq!(used_bytes(&history, record, 149), 4096);
            }
            // The first chunk once per run of equal samples still in the ring, the others once.
            let runs = 1 + kept.windows(2).filter(|w| w[0] != w[1]).count();
            assert_eq!(mount_entries(&history), 64 * runs + 64 + 22, "after {} samples", n + 1);
        }
        // Forgetting unused names renumbers every entry and keeps the sharing.
        let before = mount_entries(&history);
        history.forget_unused_names();
        assert_eq!(history.names.lookup("an interface gone long ago"), None);
        assert_eq!(mount_entries(&history), before);
        let kept = &used[used.len() - 5..];
        for (record, &expected) in history.slow.iter().zip(kept) {
            assert_eq!(used_bytes(&history, record, 7), expected);
        }
    }
}
