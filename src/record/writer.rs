//! Writing a recording: [`Writer`] codes each sample as it comes into the frames of
//! the block being filled ([`DeltaEncoder`]), compresses each block and appends it
//! with one `write(2)` to the newest segment, starting a segment when it is full and
//! deleting the oldest while the directory is over its size limit; [`Recorder`] runs
//! a writer on a thread of its own, so a slow or full disk never holds up collection
//! or drawing. The dashboard's thread only serializes each update ([`Feed`]).
//!
//! The only files ctop writes are the segments: created in the recording directory by
//! its descriptor (`openat`, `O_CREAT|O_EXCL|O_NOFOLLOW`, mode 0600) and deleted by it
//! (`unlinkat`), which is all the sandbox lets through (see `sandbox.rs`).

use super::format::{self, BlockHeader, Codec, DeltaEncoder};
use super::{Identity, RecordRef};
use crate::collect::procs::Processes;
use crate::health::{Finding, Findings};
use crate::snapshot::Update;
use std::collections::VecDeque;
use std::ffi::CString;
use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A block is closed once its first sample is this old: what a crash can lose.
pub const BLOCK_SECONDS: u64 = 60;
/// ... or once it holds this much before compression.
const BLOCK_RAW_BYTES: usize = 1 << 20;
/// zstd's level: 9 gains ~10 % on the fast tier and 30 % on the cgroup tree over the
/// default 3 (measured on this VM's recordings, PERFORMANCE.md)...
const ZSTD_LEVEL: i32 = 9;
/// ... with its tables held small: level 9's own for a block over 256 KiB take about
/// 25 MB (measured: the headless recorder's peak RSS 22.5 MB); samples repeat within a
/// few kilobytes, so 64 K-entry tables lose almost nothing and cost 512 KiB.
const ZSTD_TABLE_LOG: u32 = 16;
const ZSTD_WINDOW_LOG: u32 = 20;
/// The flags every segment is created with, and the only ones the sandbox allows for a
/// file created after it is installed.
pub const CREATE_FLAGS: libc::c_int =
    libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW | libc::O_CLOEXEC;
/// The default `--record-max`.
pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;
/// The smallest `--record-max`: a few segments of a few blocks.
pub const MIN_MAX_BYTES: u64 = 1 << 20;

/// `1G`, `500M`, `64k`, `1048576` (bytes; K, M, G, T in powers of 1,024, an optional
/// `iB`/`B` after them).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let upper = text.trim().to_ascii_uppercase();
    let bad = || format!("`{text}`: give a size such as 1G, 500M or 64M (at least 1M)");
    let t = upper.strip_suffix("IB").or_else(|| upper.strip_suffix('B')).unwrap_or(&upper);
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let shift = match unit {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => return Err(bad()),
    };
    let bytes = n.checked_mul(1 << shift).ok_or_else(bad)?;
    if bytes < MIN_MAX_BYTES { Err(bad()) } else { Ok(bytes) }
}

/// The name of segment number `seq`; they sort in the order written.
pub fn segment_name(seq: u64) -> String {
    format!("ctop-{seq:08}.rec")
}

/// The number in a segment's name.
pub fn segment_number(name: &[u8]) -> Option<u64> {
    let digits = name.strip_prefix(b"ctop-")?.strip_suffix(b".rec")?;
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// The samples of the block being filled.
struct Block {
    frames: DeltaEncoder,
    opened: Option<Instant>,
}

pub struct Writer {
    dir: OwnedFd,
    path: PathBuf,
    max_bytes: u64,
    segment_bytes: u64,
    /// Oldest first, with their sizes; the last one is being written when `current` is.
    segments: VecDeque<(u64, u64)>,
    current: Option<File>,
    next_seq: u64,
    /// The identity's CBOR, narrowed, and when it was taken (ctop's start).
    identity: Vec<u8>,
    identity_ms: i64,
    /// The latest findings (their CBOR, without a time): repeated at the start of
    /// every block, so a block read alone (a seek) knows what was judged then.
    findings: Option<Vec<u8>>,
    block: Block,
    /// Plain while the segment has no data block yet; then with the segment's
    /// dictionary (its first data block, before compression).
    compressor: zstd::bulk::Compressor<'static>,
    has_dictionary: bool,
    /// The last thing that went wrong, for the problem list; cleared by a good write.
    pub problem: Option<String>,
    pub lost_samples: u64,
}

impl Writer {
    /// Opens (making it, mode 0700, if missing) the recording directory `path` and
    /// starts a new segment in it, after any already there.
    pub fn open(path: &Path, max_bytes: u64, identity: &Identity) -> io::Result<Writer> {
        match std::fs::DirBuilder::new().mode(0o700).create(path) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
        let c_path = CString::new(path.as_os_str().as_bytes()).map_err(|_| io::ErrorKind::InvalidInput)?;
        // SAFETY: a valid C string; the descriptor returned is owned below.
        let fd = unsafe {
            libc::open(c_path.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC)
        };
        if fd < 0 {
            let e = io::Error::last_os_error();
            return Err(if e.raw_os_error() == Some(libc::ELOOP) || e.raw_os_error() == Some(libc::ENOTDIR) {
                io::Error::other("not a directory (or a symbolic link, which is not followed)")
            } else {
                e
            });
        }
        // SAFETY: just opened, owned by nothing else.
        let dir = unsafe { OwnedFd::from_raw_fd(fd) };
        let mut segments: Vec<(u64, u64)> = std::fs::read_dir(path)?
            .flatten()
            .filter_map(|e| Some((segment_number(e.file_name().as_bytes())?, e.metadata().ok()?.len())))
            .collect();
        segments.sort_unstable();
        let next_seq = segments.last().map_or(1, |s| s.0 + 1);
        let mut body = Vec::new();
        format::encode_record(&mut body, &RecordRef::Identity(identity)).map_err(io::Error::other)?;
        let mut narrowed = Vec::new();
        format::narrow(&body, &mut narrowed, &mut Default::default()).map_err(io::Error::other)?;
        let mut writer = Writer {
            dir,
            path: path.to_path_buf(),
            max_bytes,
            segment_bytes: (max_bytes / 8).clamp(64 << 10, 64 << 20),
            segments: segments.into(),
            current: None,
            next_seq,
            identity: narrowed,
            identity_ms: now_ms(),
            findings: None,
            block: Block { frames: DeltaEncoder::default(), opened: None },
            compressor: compressor(None)?,
            has_dictionary: false,
            problem: None,
            lost_samples: 0,
        };
        writer.start_segment()?;
        writer.enforce_max();
        Ok(writer)
    }

    /// The recording directory's descriptor, for the sandbox's rules.
    pub fn directory_fd(&self) -> RawFd {
        self.dir.as_raw_fd()
    }

    /// Segments of a test's size: `segment_bytes` each.
    pub fn set_segment_bytes(&mut self, segment_bytes: u64) {
        self.segment_bytes = segment_bytes;
    }

    /// Adds the sample taken at `at_ms` whose kind and value are `body` (from
    /// [`format::encode_record`]); closes the block when it is due.
    pub fn push(&mut self, at_ms: i64, body: &[u8]) {
        if self.block.frames.is_empty()
            && let Some(findings) = self.findings.take()
        {
            self.add(at_ms, &findings);
            self.findings = Some(findings);
        }
        self.add(at_ms, body);
        if self.block_due() {
            self.flush();
        }
    }

    /// Adds the findings judged at `at_ms` (`body` from [`format::encode_record`]),
    /// which hold until the next.
    pub fn push_findings(&mut self, at_ms: i64, body: Vec<u8>) {
        // Already the block's first sample: not repeated before itself.
        self.findings = None;
        self.push(at_ms, &body);
        self.findings = Some(body);
    }

    fn add(&mut self, at_ms: i64, body: &[u8]) {
        let b = &mut self.block;
        if b.frames.is_empty() {
            b.opened = Some(Instant::now());
        }
        if b.frames.push(at_ms, body).is_err() {
            self.lost_samples += 1;
        }
    }

    fn block_due(&self) -> bool {
        let b = &self.block;
        b.frames.len() >= BLOCK_RAW_BYTES || b.opened.is_some_and(|t| t.elapsed() >= Duration::from_secs(BLOCK_SECONDS))
    }

    /// Writes the block being filled, if any.
    pub fn flush(&mut self) {
        if self.block.frames.is_empty() {
            return;
        }
        let frames = std::mem::take(&mut self.block.frames);
        let result = self.write_block(&frames);
        let samples = frames.samples();
        self.block.frames = frames;
        match result {
            Ok(()) => self.problem = None,
            Err(e) => {
                self.lost_samples += u64::from(samples);
                self.problem =
                    Some(format!("recording to {}: {e} ({} samples lost)", self.path.display(), self.lost_samples));
            }
        }
        self.block.frames.clear(BLOCK_RAW_BYTES);
        self.block.opened = None;
    }

    /// Compresses the block being filled and appends it with one write, in a new
    /// segment when the current one is full or was left torn by a failed write. A
    /// segment's first data block is compressed alone and becomes the dictionary of
    /// the blocks after it (written a second time, as a `Dictionary` block, so that
    /// damage to one copy loses only that block's samples).
    fn write_block(&mut self, block: &DeltaEncoder) -> io::Result<()> {
        let frames = block.frames().map_err(io::Error::other)?;
        let mut payload = self.compressor.compress(&frames)?;
        let full = self.segments.back().is_some_and(|&(_, size)| size + payload.len() as u64 > self.segment_bytes);
        if self.current.is_none() || full {
            self.start_segment()?;
            payload = self.compressor.compress(&frames)?;
        }
        let (samples, (first_ms, last_ms)) = (block.samples(), block.span());
        let bytes = if self.has_dictionary {
            block_bytes(Codec::ZstdWithDictionary, &payload, samples, first_ms, last_ms)
        } else {
            let mut bytes = block_bytes(Codec::Zstd, &payload, samples, first_ms, last_ms);
            bytes.extend_from_slice(&block_bytes(Codec::Dictionary, &payload, 0, first_ms, last_ms));
            self.compressor = compressor(Some(&frames))?;
            self.has_dictionary = true;
            bytes
        };
        let written = self.write_once(&bytes);
        self.enforce_max();
        written
    }

    fn write_once(&mut self, bytes: &[u8]) -> io::Result<()> {
        let Some(file) = self.current.as_mut() else { return Err(io::ErrorKind::NotFound.into()) };
        let result = file.write(bytes);
        let written = *result.as_ref().unwrap_or(&0);
        if let Some(last) = self.segments.back_mut() {
            last.1 += written as u64;
        }
        match result {
            // Each block is made durable before the next is filled: a power cut then
            // loses at most the block being filled.
            Ok(n) if n == bytes.len() => file.sync_data(),
            outcome => {
                // A torn block: the reader skips it; the next block starts a new
                // segment rather than follow it.
                self.current = None;
                Err(outcome.err().unwrap_or_else(|| io::Error::from(io::ErrorKind::WriteZero)))
            }
        }
    }

    fn start_segment(&mut self) -> io::Result<()> {
        self.current = None;
        let seq = self.next_seq;
        self.next_seq += 1;
        let name = CString::new(segment_name(seq)).map_err(|_| io::ErrorKind::InvalidInput)?;
        // SAFETY: a valid directory descriptor and C string; the result is owned below.
        let fd = unsafe { libc::openat(self.dir.as_raw_fd(), name.as_ptr(), CREATE_FLAGS, 0o600 as libc::c_uint) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: just created, owned by nothing else.
        self.current = Some(unsafe { File::from_raw_fd(fd) });
        self.segments.push_back((seq, 0));
        self.compressor = compressor(None)?;
        self.has_dictionary = false;
        let mut first = format::file_header().to_vec();
        let at = now_ms();
        let mut identity = Vec::new();
        // A frame's time is the difference from its block's first (version 2).
        format::frame_with_body(&mut identity, self.identity_ms.wrapping_sub(at), &self.identity)
            .map_err(io::Error::other)?;
        first.extend_from_slice(&block_bytes(Codec::Raw, &identity, 1, at, at));
        self.write_once(&first)
    }

    /// Deletes the oldest segments while the directory is over its limit (never the
    /// one being written).
    fn enforce_max(&mut self) {
        while self.segments.iter().map(|s| s.1).sum::<u64>() > self.max_bytes && self.segments.len() > 1 {
            let Some((seq, _)) = self.segments.pop_front() else { break };
            let Ok(name) = CString::new(segment_name(seq)) else { continue };
            // SAFETY: a valid directory descriptor and C string.
            if unsafe { libc::unlinkat(self.dir.as_raw_fd(), name.as_ptr(), 0) } != 0 {
                let e = io::Error::last_os_error();
                if e.kind() != io::ErrorKind::NotFound {
                    self.problem =
                        Some(format!("recording to {}: cannot delete old segment: {e}", self.path.display()));
                }
            }
        }
    }

    /// Writes what is pending and makes it durable.
    pub fn finish(&mut self) {
        self.flush();
        if let Some(f) = &self.current {
            let _ = f.sync_all();
        }
    }

    /// Bytes in the recording directory's segments.
    pub fn bytes(&self) -> u64 {
        self.segments.iter().map(|s| s.1).sum()
    }
}

/// `bytes` compressed as the writer compresses a block (for measuring what parts of a
/// recording cost: `examples/record_sizes.rs`).
pub fn compress(bytes: &[u8], dictionary: Option<&[u8]>) -> Vec<u8> {
    compressor(dictionary).and_then(|mut c| c.compress(bytes)).unwrap_or_default()
}

/// zstd at [`ZSTD_LEVEL`] with its tables held small; with `dictionary`, a raw-content
/// dictionary (zstd matches against it as if it came before each block).
fn compressor(dictionary: Option<&[u8]>) -> io::Result<zstd::bulk::Compressor<'static>> {
    use zstd::zstd_safe::CParameter;
    let mut c = match dictionary {
        Some(d) => zstd::bulk::Compressor::with_dictionary(ZSTD_LEVEL, d)?,
        None => zstd::bulk::Compressor::new(ZSTD_LEVEL)?,
    };
    c.set_parameter(CParameter::WindowLog(ZSTD_WINDOW_LOG))?;
    c.set_parameter(CParameter::HashLog(ZSTD_TABLE_LOG))?;
    c.set_parameter(CParameter::ChainLog(ZSTD_TABLE_LOG))?;
    Ok(c)
}

/// A block: header and payload, in one buffer for one write.
pub fn block_bytes(codec: Codec, payload: &[u8], samples: u32, first_ms: i64, last_ms: i64) -> Vec<u8> {
    let header = BlockHeader {
        codec,
        length: payload.len() as u32,
        samples,
        first_ms,
        last_ms,
        payload_crc: crc32fast::hash(payload),
    };
    let mut out = Vec::with_capacity(format::BLOCK_HEADER_LEN + payload.len());
    out.extend_from_slice(&header.encode());
    out.extend_from_slice(payload);
    out
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// When an update was taken: now, but for the fast tier no later than the second its
/// clock read, so a past moment shows the epoch the live header showed for it.
pub fn taken_at(update: &Update) -> i64 {
    match update {
        Update::Fast(f) if f.time.epoch > 0 => now_ms().min(f.time.epoch * 1000 + 999),
        _ => now_ms(),
    }
}

enum Message {
    /// A sample's CBOR (see [`Writer::push`]).
    Sample(i64, Vec<u8>),
    /// The findings' CBOR without a time (see [`Writer::push_findings`]).
    Findings(i64, Vec<u8>),
    Finish,
}

/// Samples waiting for the writer thread at most; past that (a disk that does not
/// answer) new ones are dropped and counted, never queued without bound.
const QUEUE: usize = 256;

/// The cgroup tree is recorded at most this often (epoch ms): on a host with thousands
/// of cgroups it is the largest sample by far (230 KB of CBOR measured with 1,881), and
/// services move on the scale of the process table's 30 s.
const CGROUPS_EVERY_MS: i64 = 30_000;

/// The sending side: encodes updates on the caller's thread, for the writer's.
#[derive(Clone)]
pub struct Feed {
    tx: SyncSender<Message>,
    dropped: Arc<AtomicU64>,
    cgroups_at: Arc<AtomicI64>,
    /// The findings last sent: they are written when they change.
    findings: Arc<Mutex<Option<Vec<Finding>>>>,
    problem: Arc<Mutex<Option<String>>>,
}

impl Feed {
    /// Records what `update` carries, taken at `at_ms`.
    pub fn record(&self, update: &Update, at_ms: i64) {
        if matches!(update, Update::Cgroups(_)) {
            let last = self.cgroups_at.load(Ordering::Relaxed);
            if last != 0 && (0..CGROUPS_EVERY_MS).contains(&(at_ms - last)) {
                return;
            }
            self.cgroups_at.store(at_ms, Ordering::Relaxed);
        }
        let mut summary: Option<Processes> = None;
        let Some(record) = RecordRef::of(update, &mut summary) else { return };
        let mut body = Vec::new();
        if format::encode_record(&mut body, &record).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        self.send(Message::Sample(at_ms, body));
    }

    /// Records the findings judged at `at_ms`, if they changed since the last call.
    pub fn findings(&self, findings: &Findings, at_ms: i64) {
        let Ok(mut last) = self.findings.lock() else { return };
        if last.as_deref() == Some(&findings.problems[..]) {
            return;
        }
        let mut body = Vec::new();
        let recorded = super::findings::recorded(findings);
        if format::encode_record(&mut body, &RecordRef::Findings(&recorded)).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        last.clone_from(&Some(findings.problems.clone()));
        self.send(Message::Findings(at_ms, body));
    }

    fn send(&self, message: Message) {
        if let Err(TrySendError::Full(_)) = self.tx.try_send(message) {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// What is wrong with the recording now (a full disk), for the problem list.
    pub fn problem(&self) -> Option<String> {
        let dropped = self.dropped.load(Ordering::Relaxed);
        let problem = self.problem.lock().ok().and_then(|p| p.clone());
        match (problem, dropped) {
            (Some(p), _) => Some(p),
            (None, 0) => None,
            (None, n) => Some(format!("recording: {n} samples dropped (the disk does not keep up)")),
        }
    }
}

/// A [`Writer`] on its own thread.
pub struct Recorder {
    feed: Feed,
    thread: Option<JoinHandle<()>>,
    dir_fd: RawFd,
    finishing: Arc<AtomicBool>,
    done: mpsc::Receiver<()>,
}

impl Recorder {
    /// Opens the recording (errors here are the user's to fix: exit 1 with the reason)
    /// and starts its thread.
    pub fn start(path: &Path, max_bytes: u64, identity: &Identity) -> io::Result<Recorder> {
        let mut writer = Writer::open(path, max_bytes, identity)?;
        let dir_fd = writer.directory_fd();
        let (tx, rx) = mpsc::sync_channel::<Message>(QUEUE);
        let problem = Arc::new(Mutex::new(None));
        let shared = problem.clone();
        let finishing = Arc::new(AtomicBool::new(false));
        let stop = finishing.clone();
        let (done_tx, done) = mpsc::channel();
        let thread = std::thread::Builder::new().name("ctop-record".into()).spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                // Wakes for a block that is due even when samples stop coming.
                match rx.recv_timeout(Duration::from_secs(BLOCK_SECONDS)) {
                    Ok(Message::Sample(at, body)) => writer.push(at, &body),
                    Ok(Message::Findings(at, body)) => writer.push_findings(at, body),
                    Ok(Message::Finish) | Err(RecvTimeoutError::Disconnected) => break,
                    Err(RecvTimeoutError::Timeout) => {
                        if writer.block_due() {
                            writer.flush();
                        }
                    }
                }
                if let Ok(mut p) = shared.lock() {
                    p.clone_from(&writer.problem);
                }
            }
            // What is still queued was taken before the stop: keep it.
            loop {
                match rx.try_recv() {
                    Ok(Message::Sample(at, body)) => writer.push(at, &body),
                    Ok(Message::Findings(at, body)) => writer.push_findings(at, body),
                    Ok(Message::Finish) | Err(_) => break,
                }
            }
            writer.finish();
            let _ = done_tx.send(());
        })?;
        let feed = Feed { tx, dropped: Arc::default(), cgroups_at: Arc::default(), findings: Arc::default(), problem };
        Ok(Recorder { feed, thread: Some(thread), dir_fd, finishing, done })
    }

    pub fn feed(&self) -> Feed {
        self.feed.clone()
    }

    pub fn record(&self, update: &Update, at_ms: i64) {
        self.feed.record(update, at_ms);
    }

    /// What is wrong with the recording now (a full disk), for the problem list.
    pub fn problem(&self) -> Option<String> {
        self.feed.problem()
    }

    /// Records the findings judged at `at_ms`, if they changed.
    pub fn findings(&self, findings: &Findings, at_ms: i64) {
        self.feed.findings(findings, at_ms);
    }

    /// The recording directory's descriptor, for the sandbox's rules.
    pub fn directory_fd(&self) -> RawFd {
        self.dir_fd
    }

    /// Writes what is pending, makes it durable and stops the thread (as dropping it
    /// does).
    pub fn finish(self) {}
}

/// How long quitting waits for the last block to be written: a disk that does not
/// answer (a hung NFS mount) must not keep ctop from exiting.
const FINISH_DEADLINE: Duration = Duration::from_secs(10);

impl Drop for Recorder {
    fn drop(&mut self) {
        self.finishing.store(true, Ordering::Relaxed);
        // Wakes the thread; with the queue full it stops at its next message anyway.
        let _ = self.feed.tx.try_send(Message::Finish);
        if self.done.recv_timeout(FINISH_DEADLINE).is_ok()
            && let Some(t) = self.thread.take()
        {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_in_powers_of_1024_and_small_or_bad_ones_are_refused() {
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("500M"), Ok(500 << 20));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("2gb"), Ok(2 << 30));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        for bad in ["", "1", "10k", "G", "-1G", "1.5G", "1X", "99999999999T"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn segment_names_round_trip() {
        assert_eq!(segment_name(7), "ctop-00000007.rec");
        assert_eq!(segment_number(b"ctop-00000007.rec"), Some(7));
        assert_eq!(segment_number(b"ctop-.rec"), None);
        assert_eq!(segment_number(b"ctop-0000x007.rec"), None);
        assert_eq!(segment_number(b"other"), None);
    }
}
