//! The flight recorder's file format: what is written reads back, a recording cut at
//! any byte or with bytes flipped reads every intact block and says what it skipped
//! (never a panic), a writer started on a damaged recording keeps it and goes on, and
//! `--record-max` holds.

use ctop::collect::cgroups::CgroupSampler;
use ctop::collect::procs::ProcessScanner;
use ctop::record::format;
use ctop::record::reader::Recording;
use ctop::record::writer::{Writer, segment_name};
use ctop::record::{Identity, Record, RecordRef, Sample};
use ctop::snapshot::{FastSampler, SlowSampler, Update};
use ctop::source::Source;
use std::path::Path;
use std::sync::Arc;

/// Real updates of every kind from this machine: `fast` fast-tier samples, a slow
/// tier, a process table and the cgroups.
fn updates(fast: usize) -> Vec<Update> {
    let source = Source::live();
    let mut sampler = FastSampler::new(source.clone());
    let mut out: Vec<Update> = Vec::new();
    let mut procs = ProcessScanner::new(source.clone());
    procs.scan();
    for _ in 0..fast {
        out.push(Update::Fast(Box::new(sampler.collect())));
    }
    out.push(SlowSampler::new(source.clone()).collect());
    out.push(Update::Processes(Arc::new(procs.scan())));
    out.push(Update::Cgroups(Box::new(CgroupSampler::new(source).collect())));
    out
}

fn identity() -> Identity {
    Identity { ctop_version: "test".into(), interval_ms: 1000, boot_epoch: Some(1), ..Identity::default() }
}

/// The sample's CBOR, as the writer takes it.
fn body(update: &Update) -> Vec<u8> {
    let mut summary = None;
    let record = RecordRef::of(update, &mut summary).expect("a measured update");
    let mut out = Vec::new();
    format::encode_record(&mut out, &record).unwrap();
    out
}

/// The sample's CBOR as written: its floats narrowed.
fn narrowed(update: &Update) -> Vec<u8> {
    let mut out = Vec::new();
    format::narrow(&body(update), &mut out, &mut Default::default()).unwrap();
    out
}

/// Writes `blocks` blocks of `per_block` samples (times 1 s apart from `start_ms`).
fn write_blocks(dir: &Path, blocks: usize, per_block: usize, start_ms: i64) {
    let mut writer = Writer::open(dir, 1 << 30, &identity()).unwrap();
    let source = updates(per_block);
    let mut at = start_ms;
    for _ in 0..blocks {
        for u in source.iter().take(per_block) {
            writer.push(at, &body(u));
            at += 1000;
        }
        writer.flush();
    }
    writer.finish();
}

fn data_samples(samples: &[Sample]) -> usize {
    samples.iter().filter(|s| !matches!(s.record, Record::Identity(_))).count()
}

fn only_segment(dir: &Path) -> std::path::PathBuf {
    dir.join(segment_name(1))
}

#[test]
fn every_kind_of_update_reads_back_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let written = updates(3);
    let mut writer = Writer::open(dir.path(), 1 << 30, &identity()).unwrap();
    for (i, u) in written.iter().enumerate() {
        writer.push(1_000 + i as i64, &body(u));
    }
    writer.finish();
    let mut recording = Recording::open(dir.path()).unwrap();
    let read = recording.read_all();
    assert!(recording.skipped().is_empty(), "{}", recording.skipped());
    let Record::Identity(id) = &read[0].record else { panic!("the segment starts with its identity") };
    assert_eq!(**id, identity());
    let replayed: Vec<Update> = read[1..].iter().filter_map(|s| s.record.clone().into_update()).collect();
    assert_eq!(replayed.len(), written.len());
    for (i, (w, r)) in written.iter().zip(&replayed).enumerate() {
        // Written again, a sample read back gives the same bytes: nothing was lost but
        // the float digits the writer drops.
        assert_eq!(narrowed(w), narrowed(r), "sample {i}");
        assert_eq!(read[i + 1].at_ms, 1_000 + i as i64);
    }
    assert_eq!(recording.span().map(|s| s.0), Some(1_000));
}

#[test]
fn a_recording_cut_at_every_byte_of_its_last_block_keeps_every_block_before() {
    let dir = tempfile::tempdir().unwrap();
    write_blocks(dir.path(), 3, 5, 1_000_000);
    let bytes = std::fs::read(only_segment(dir.path())).unwrap();
    let full = Recording::open(dir.path()).unwrap();
    assert_eq!(full.blocks(), 4, "the identity and three blocks");
    // The last block starts where its header is: found by walking the headers (the
    // first data block's dictionary copy among them).
    let last_start = *block_starts(&bytes).iter().rev().nth(1).unwrap();
    let cut_dir = tempfile::tempdir().unwrap();
    for cut in last_start..bytes.len() {
        std::fs::write(cut_dir.path().join(segment_name(1)), &bytes[..cut]).unwrap();
        let mut r = Recording::open(cut_dir.path()).unwrap();
        let samples = r.read_all();
        assert_eq!(data_samples(&samples), 10, "cut at {cut}");
        assert_eq!(r.skipped().bytes, (cut - last_start) as u64, "cut at {cut}");
    }
}

/// A small deterministic generator (no dependency needed for a test's dice).
struct Dice(u64);
impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[test]
fn cuts_anywhere_and_flipped_bytes_lose_only_the_blocks_they_touch() {
    let dir = tempfile::tempdir().unwrap();
    write_blocks(dir.path(), 6, 4, 2_000_000);
    let bytes = std::fs::read(only_segment(dir.path())).unwrap();
    let starts = block_starts(&bytes);
    let header = |i: usize| format::BlockHeader::decode(&bytes[starts[i]..]).unwrap();
    // Samples in the data blocks (not the identity's) that end by `offset`.
    let samples_before = |offset: usize| {
        (1..starts.len() - 1).filter(|&i| starts[i + 1] <= offset).map(|i| header(i).samples as usize).sum::<usize>()
    };
    let mut dice = Dice(12345);
    let work = tempfile::tempdir().unwrap();
    let path = work.path().join(segment_name(1));
    for _ in 0..200 {
        let cut = format::FILE_HEADER_LEN + dice.below(bytes.len() - format::FILE_HEADER_LEN);
        std::fs::write(&path, &bytes[..cut]).unwrap();
        let mut r = Recording::open(work.path()).unwrap();
        assert_eq!(data_samples(&r.read_all()), samples_before(cut), "cut at {cut}");
    }
    // Bytes flipped inside one data block (header or contents): that block is lost,
    // every other one is read, and the reader says so; the first data block is also
    // the dictionary of the others, which its copy keeps readable.
    let data_blocks: Vec<usize> = (1..starts.len() - 1).filter(|&i| header(i).samples == 4).collect();
    assert_eq!(data_blocks.len(), 6);
    let copy = (1..starts.len() - 1).find(|&i| header(i).codec == format::Codec::Dictionary).unwrap();
    for _ in 0..200 {
        let block = data_blocks[dice.below(data_blocks.len())];
        let (from, to) = (starts[block], starts[block + 1]);
        let mut damaged = bytes.clone();
        for _ in 0..1 + dice.below(4) {
            damaged[from + dice.below(to - from)] ^= 1 + dice.below(255) as u8;
        }
        std::fs::write(&path, &damaged).unwrap();
        let mut r = Recording::open(work.path()).unwrap();
        let read = data_samples(&r.read_all());
        assert_eq!(read, 24 - 4, "block {block} damaged");
        assert!(!r.skipped().is_empty(), "block {block}: the damage is reported");
    }
    // Damage to both copies of the dictionary loses the blocks that need it.
    let mut damaged = bytes.clone();
    for block in [data_blocks[0], copy] {
        damaged[starts[block + 1] - 1] ^= 0xff;
    }
    std::fs::write(&path, &damaged).unwrap();
    let mut r = Recording::open(work.path()).unwrap();
    assert_eq!(data_samples(&r.read_all()), 0);
    assert_eq!(r.skipped().blocks, 6);
}

/// Where each block of a segment starts, and its end.
fn block_starts(bytes: &[u8]) -> Vec<usize> {
    let mut starts = vec![format::FILE_HEADER_LEN];
    while *starts.last().unwrap() < bytes.len() {
        let at = *starts.last().unwrap();
        let h = format::BlockHeader::decode(&bytes[at..]).unwrap();
        starts.push(at + format::BLOCK_HEADER_LEN + h.length as usize);
    }
    starts
}

#[test]
fn a_writer_started_on_a_damaged_recording_keeps_it_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    write_blocks(dir.path(), 2, 3, 3_000_000);
    let path = only_segment(dir.path());
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 7]).unwrap();
    write_blocks(dir.path(), 1, 3, 4_000_000);
    let mut r = Recording::open(dir.path()).unwrap();
    let samples = r.read_all();
    assert_eq!(data_samples(&samples), 3 + 3, "the first block of the damaged segment, and the new one");
    assert!(r.skipped().bytes > 0);
    assert!(dir.path().join(segment_name(2)).exists(), "a new segment, after the damaged one");
}

#[test]
fn the_directory_stays_under_record_max_dropping_the_oldest_segments() {
    let dir = tempfile::tempdir().unwrap();
    let max = 1 << 20;
    let mut writer = Writer::open(dir.path(), max, &identity()).unwrap();
    writer.set_segment_bytes(64 << 10);
    // Incompressible samples, so the limit is reached quickly.
    let mut dice = Dice(7);
    let mut at = 0;
    for _ in 0..400 {
        let mut fast = ctop::snapshot::FastTier::default();
        fast.time.local = (0..4096).map(|_| char::from(b'a' + dice.below(26) as u8)).collect();
        writer.push(at, &body(&Update::Fast(Box::new(fast))));
        writer.flush();
        at += 1000;
        assert!(writer.bytes() <= max + (64 << 10), "{} bytes", writer.bytes());
    }
    writer.finish();
    assert!(!dir.path().join(segment_name(1)).exists(), "the oldest segment is gone");
    let on_disk: u64 = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    assert!(on_disk <= max + (64 << 10), "{on_disk} bytes on disk");
    let mut r = Recording::open(dir.path()).unwrap();
    let samples = r.read_all();
    assert_eq!(samples.last().map(|s| s.at_ms), Some(at - 1000), "the newest samples are kept");
    assert!(r.skipped().is_empty());
}

#[test]
fn segments_are_private_and_never_follow_a_link() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write_blocks(dir.path(), 1, 1, 0);
    let mode = std::fs::metadata(only_segment(dir.path())).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    // A segment's name taken by a link to a file elsewhere: never written through.
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "untouched").unwrap();
    std::os::unix::fs::symlink(&victim, dir.path().join(segment_name(2))).unwrap();
    write_blocks(dir.path(), 1, 1, 0);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
    assert!(dir.path().join(segment_name(3)).is_file());
    let mut r = Recording::open(dir.path()).unwrap();
    assert_eq!(data_samples(&r.read_all()), 2);
    assert_eq!(r.skipped().files, 1, "the link is not a segment");
    // The recording directory itself a link: refused.
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(dir.path(), &link).unwrap();
    assert!(Writer::open(&link, 1 << 30, &identity()).is_err());
}

#[test]
fn remote_addresses_inside_the_network_stack_read_back() {
    // Inside `Network`'s flattened connection counts, where serde's buffering once read
    // an address back in a form it was not written in.
    let mut network = ctop::collect::network::Network::default();
    network.connections.top_remotes =
        vec![ctop::collect::ports::connections::RemoteCount { address: "192.0.2.7".parse().unwrap(), connections: 3 }];
    let slow = Update::Slow {
        filesystems: Vec::new(),
        listening: Vec::new(),
        raid: Vec::new(),
        kernel_limits: Box::default(),
        hardware: Box::default(),
        network: Box::new(network),
    };
    let dir = tempfile::tempdir().unwrap();
    let mut writer = Writer::open(dir.path(), 1 << 30, &identity()).unwrap();
    // Twice: the second is read back through its differences from the first.
    writer.push(5, &body(&slow));
    writer.push(6, &body(&slow));
    writer.finish();
    let read = Recording::open(dir.path()).unwrap().read_all();
    assert_eq!(read.len(), 3, "the identity and both samples");
    let Some(Update::Slow { network, .. }) = read[2].record.clone().into_update() else { panic!("a slow sample") };
    assert_eq!(network.connections.top_remotes[0].address.to_string(), "192.0.2.7");
}
