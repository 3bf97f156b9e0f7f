//! The flight recorder: `--record DIR` writes what the collectors send, as the history
//! keeps it, to append-only files; `--replay DIR` reads them back as timed [`Update`]s
//! that feed a [`crate::history::History`] exactly as live ones do, so a replayed
//! moment is drawn, judged and reported by the same code as a live one.
//!
//! # The format (version 2; version 1 is still read)
//!
//! A recording is a directory of **segments**, `ctop-00000001.rec`, `ctop-00000002.rec`
//! … (numbered in the order written; each is created `O_CREAT|O_EXCL|O_NOFOLLOW`, mode
//! 0600). When the directory would pass `--record-max`, the oldest segments are deleted
//! first; the one being written never is. A single segment file can be replayed alone.
//!
//! A segment is a 16-byte **file header** followed by **blocks**:
//!
//! ```text
//! file header  "ctop-rec" | version u32 LE (2) | crc32 of the 12 bytes before, u32 LE
//! block        header (40 bytes) | payload (`length` bytes)
//!   header     "CTB2" ("CTB1" in version 1) | codec u8 | 3 bytes zero | length u32
//!              | samples u32 | first sample's time i64 | last sample's time i64
//!              | crc32 of the payload u32 | crc32 of the 36 header bytes before u32
//!   codec      0 raw, 1 zstd, 2 zstd with the segment's dictionary, 3 dictionary copy
//! payload      (compressed) sample frames, one after another:
//!   frame      length u32 | one CBOR item: [time, {kind: value}]
//!   time       version 2: ms after the frame before (the block's first frame: after
//!              the header's first time); version 1: epoch ms
//! ```
//!
//! A version-2 segment is its identity block (raw), its first data block (zstd alone),
//! a copy of that block's payload (codec 3, no samples of its own), then blocks coded
//! with codec 2: zstd with the first data block's frames, decompressed, as a raw-content
//! dictionary. The first sample of a block costs most (every field name, every disk,
//! interface and process name); against the dictionary it costs what changed since the
//! segment began. A reader needs the dictionary and the block, never a chain of blocks:
//! either copy of the dictionary serves, so damage to one loses only its own samples.
//!
//! In version 2 every integer of a `fast`, `slow` or `processes` sample after the first
//! of its kind in a block is written as its difference from the same field of the
//! sample of that kind before it ([`delta`]): counters and byte figures become small
//! numbers zstd can code in a few bits. Floats are written as they are (their
//! differences compressed worse).
//!
//! All integers are little-endian. Each block reaches the file in one `write(2)`: a
//! `kill -9` or a power cut loses at most the block being filled (one minute at most,
//! see [`writer::BLOCK_SECONDS`]). The first block of every segment holds an
//! `identity` sample (host name, kernel, distribution, platform, boot epoch, ctop's
//! version), so every segment can be read alone.
//!
//! **Self-describing and version-tolerant.** A sample is CBOR (RFC 8949) made by serde
//! from the collectors' own structs, with their field names: a later ctop reads every
//! older file with no conversion (fields it added are missing there and take their
//! default; every struct is `#[serde(default)]`), and an older ctop skips what it does
//! not know (unknown fields are ignored; a sample of an unknown kind is skipped and
//! counted). Floating-point values are stored with 12 significant bits after the leading
//! one (a relative error under 1/16,000: four digits, more than any panel shows; the
//! uptime as the nearest `f32`), see [`format`].
//!
//! **Compact.** Samples are small once compressed together: zstd over a block of about
//! a minute of samples codes each sample against the ones before it and against the
//! segment's dictionary (field names and values that did not change cost almost
//! nothing), and integers are differences (above). The cgroup tree, the largest sample
//! by far on a busy host, is written at most every 30 s (see [`writer`]). Measured on
//! the same 30-minute recording written by each version: 214 bytes a second in version
//! 1, 168 in version 2 (PERFORMANCE.md).
//!
//! **Seekable.** Block headers carry the times of their first and last samples, so
//! the reader's index is the chain of headers (40 bytes read per block, a minute each:
//! 1,440 reads for a day), and a moment is found by a binary search over it and one
//! block decompressed (two the first time in a segment: its dictionary).
//!
//! **Damage.** A block whose header checksum fails is skipped by scanning forward for
//! the next valid header; one whose payload checksum fails is skipped by its length; a
//! torn last block is ignored. The reader counts what it skipped ([`reader::Skipped`]).
//! A writer started on a directory whose last segment is damaged leaves that segment
//! as it is (its intact blocks stay readable) and writes a new one.
//!
//! Kinds (the CBOR map's one key): `identity` ([`Identity`]), `fast`
//! ([`crate::snapshot::FastTier`]), `slow` ([`SlowTier`]), `processes` (the summary
//! history keeps: totals, top by CPU and memory, repeated binaries), `cgroups`, and
//! `findings` (added after 0.1.0: the problems as judged while recording, see
//! [`findings`]; written when they change, after the sample that changed them, and
//! again at the start of every block so that a block read alone knows them; the
//! identity's `findings` says a segment has them, and a replay of one without them
//! judges each moment again).
//!
//! **Versions.** This ctop reads every segment of version 1 or 2, each by its own
//! rules (a recording directory may hold both: a writer started on an older recording
//! adds segments of its own version), and skips and counts a segment of a later
//! version. Version 2 changed how frames are coded, which ctop 0.1.0 (version 1, whose
//! reader checked no file version) could not know: its blocks carry a new magic,
//! `CTB2`, which that reader takes for damage and skips, rather than misread.

pub mod cbor;
pub mod delta;
pub mod findings;
pub mod format;
pub mod headless;
pub mod reader;
pub mod replay;
pub mod writer;

use crate::collect::cgroups::Cgroups;
use crate::collect::disks::Filesystem;
use crate::collect::hardware::Hardware;
use crate::collect::host::Host;
use crate::collect::kernel_limits::KernelLimits;
use crate::collect::network::Network;
use crate::collect::platform::Platform;
use crate::collect::ports::ListeningSocket;
use crate::collect::procs::Processes;
use crate::collect::raid::MdArray;
use crate::snapshot::{FastTier, Update};
use findings::RecordedFinding;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Who was recorded: written at the start of every segment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Identity {
    pub host: Host,
    pub platform: Platform,
    pub boot_epoch: Option<i64>,
    /// The ctop that wrote the segment (`CARGO_PKG_VERSION`).
    pub ctop_version: String,
    /// The fast tier's interval, in milliseconds.
    pub interval_ms: u64,
    /// The segment holds the findings as judged while recording (`findings` samples);
    /// without them (a recording by ctop 0.1.0) a replay judges each moment again.
    pub findings: bool,
}

/// The slow tier's update, as a struct (the `Update::Slow` variant's fields).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SlowTier {
    pub filesystems: Vec<Filesystem>,
    pub listening: Vec<ListeningSocket>,
    pub raid: Vec<MdArray>,
    pub kernel_limits: KernelLimits,
    pub hardware: Hardware,
    pub network: Network,
}

/// One sample as written: borrowed from the update, nothing copied.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordRef<'a> {
    Identity(&'a Identity),
    Fast(&'a FastTier),
    Slow(SlowRef<'a>),
    Processes(&'a Processes),
    Cgroups(&'a Cgroups),
    Findings(&'a [RecordedFinding]),
}

#[derive(Serialize)]
pub struct SlowRef<'a> {
    filesystems: &'a [Filesystem],
    listening: &'a [ListeningSocket],
    raid: &'a [MdArray],
    kernel_limits: &'a KernelLimits,
    hardware: &'a Hardware,
    network: &'a Network,
}

/// One sample as read back.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Record {
    Identity(Box<Identity>),
    Fast(Box<FastTier>),
    Slow(Box<SlowTier>),
    Processes(Arc<Processes>),
    Cgroups(Box<Cgroups>),
    Findings(Vec<RecordedFinding>),
}

/// A sample and the time it was taken (epoch milliseconds).
#[derive(Debug, Clone)]
pub struct Sample {
    pub at_ms: i64,
    pub record: Record,
}

impl<'a> RecordRef<'a> {
    /// What the recorder keeps of an update (`None`: nothing measured, e.g. a scan's
    /// start). The process table is written as history keeps it, summarized.
    pub fn of(update: &'a Update, summary: &'a mut Option<Processes>) -> Option<Self> {
        Some(match update {
            Update::Fast(f) => RecordRef::Fast(f),
            Update::Slow { filesystems, listening, raid, kernel_limits, hardware, network } => {
                RecordRef::Slow(SlowRef { filesystems, listening, raid, kernel_limits, hardware, network })
            }
            Update::Processes(p) => RecordRef::Processes(summary.insert(crate::history::summarize_processes(p))),
            Update::Cgroups(c) => RecordRef::Cgroups(c),
            Update::ProcessScanStarted(_) => return None,
        })
    }

    /// The kind's name, as the CBOR map's key.
    pub fn kind(&self) -> &'static str {
        match self {
            RecordRef::Identity(_) => "identity",
            RecordRef::Fast(_) => "fast",
            RecordRef::Slow(_) => "slow",
            RecordRef::Processes(_) => "processes",
            RecordRef::Cgroups(_) => "cgroups",
            RecordRef::Findings(_) => "findings",
        }
    }
}

impl Record {
    /// The sample as it is written (to write a recording's samples again).
    pub fn as_written(&self) -> RecordRef<'_> {
        match self {
            Record::Identity(id) => RecordRef::Identity(id),
            Record::Fast(f) => RecordRef::Fast(f),
            Record::Slow(s) => RecordRef::Slow(SlowRef {
                filesystems: &s.filesystems,
                listening: &s.listening,
                raid: &s.raid,
                kernel_limits: &s.kernel_limits,
                hardware: &s.hardware,
                network: &s.network,
            }),
            Record::Processes(p) => RecordRef::Processes(p),
            Record::Cgroups(c) => RecordRef::Cgroups(c),
            Record::Findings(f) => RecordRef::Findings(f),
        }
    }

    /// The update this sample replays as; `None` for the identity and the findings.
    pub fn into_update(self) -> Option<Update> {
        Some(match self {
            Record::Identity(_) | Record::Findings(_) => return None,
            Record::Fast(f) => Update::Fast(f),
            Record::Slow(s) => {
                let s = *s;
                Update::Slow {
                    filesystems: s.filesystems,
                    listening: s.listening,
                    raid: s.raid,
                    kernel_limits: Box::new(s.kernel_limits),
                    hardware: Box::new(s.hardware),
                    network: Box::new(s.network),
                }
            }
            Record::Processes(p) => Update::Processes(p),
            Record::Cgroups(c) => Update::Cgroups(c),
        })
    }
}
