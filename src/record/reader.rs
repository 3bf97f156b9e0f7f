//! Reading a recording: [`Recording::open`] walks the block headers of every segment
//! (40 bytes read per block) into an index of where each block is and which times it
//! holds, skipping what is damaged; blocks are then read, checked and decoded on
//! demand, so a moment of a long recording costs one block's read.

use super::format::{self, BlockHeader, Codec, FrameError};
use super::writer::segment_number;
use super::{Identity, Record, Sample};
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// A block payload never decompresses to more (the writer closes blocks at 1 MiB).
const MAX_RAW: u64 = 64 << 20;
/// How much is read at a time while looking for the next block past damage.
const SCAN_CHUNK: usize = 64 << 10;

/// What the reader passed over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    /// Bytes that held no readable block: damage between blocks, a torn last block,
    /// and blocks whose contents failed their checksum.
    pub bytes: u64,
    /// Blocks whose contents failed their checksum or would not decompress.
    pub blocks: u64,
    /// Samples that could not be decoded (damaged, or of a kind this version does not
    /// know).
    pub samples: u64,
    /// Files in the directory that are not segments this version can read.
    pub files: u64,
}

impl Skipped {
    pub fn is_empty(&self) -> bool {
        *self == Skipped::default()
    }
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "skipped {} damaged bytes, {} damaged blocks, {} unreadable samples, {} unreadable files",
            self.bytes, self.blocks, self.samples, self.files
        )
    }
}

#[derive(Debug, Clone, Copy)]
struct BlockAt {
    file: usize,
    offset: u64,
    header: BlockHeader,
}

/// One segment file.
struct Segment {
    file: File,
    version: u32,
    /// Where its dictionary can be read: its first `Zstd` block and its `Dictionary`
    /// copy (version 2).
    dictionary_at: Vec<BlockAt>,
    /// Read on first need; `Some(None)`: neither copy could be read.
    dictionary: Option<Option<Vec<u8>>>,
}

pub struct Recording {
    /// What was opened: a directory or one segment.
    path: PathBuf,
    files: Vec<Segment>,
    /// Every intact-looking block, in the order written.
    blocks: Vec<BlockAt>,
    skipped: Skipped,
}

impl Recording {
    /// Opens a recording directory (every segment in it, in order) or one segment file.
    pub fn open(path: &Path) -> io::Result<Recording> {
        let paths = if path.is_dir() {
            let mut numbered: Vec<(u64, PathBuf)> = std::fs::read_dir(path)?
                .flatten()
                .filter_map(|e| Some((segment_number(e.file_name().as_bytes())?, e.path())))
                .collect();
            numbered.sort_unstable();
            numbered.into_iter().map(|(_, p)| p).collect()
        } else {
            vec![path.to_path_buf()]
        };
        let mut recording =
            Recording { path: path.to_path_buf(), files: Vec::new(), blocks: Vec::new(), skipped: Skipped::default() };
        for p in paths {
            let Ok(file) = File::open(&p) else {
                recording.skipped.files += 1;
                continue;
            };
            let mut header = [0u8; format::FILE_HEADER_LEN];
            let version = file.read_exact_at(&mut header, 0).ok().and_then(|_| format::read_file_header(&header));
            let Some(version) = version.filter(|v| (1..=format::VERSION).contains(v)) else {
                recording.skipped.files += 1;
                continue;
            };
            recording.files.push(Segment { file, version, dictionary_at: Vec::new(), dictionary: None });
            let index = recording.files.len() - 1;
            recording.index_file(index)?;
        }
        if recording.files.is_empty() {
            return Err(io::Error::other("no recording there (no readable ctop-*.rec segment)"));
        }
        Ok(recording)
    }

    /// Walks one segment's block headers.
    fn index_file(&mut self, index: usize) -> io::Result<()> {
        let file = &self.files[index].file;
        let len = file.metadata()?.len();
        let mut offset = format::FILE_HEADER_LEN as u64;
        let mut header = [0u8; format::BLOCK_HEADER_LEN];
        let mut dictionary_at = Vec::new();
        while offset < len {
            let block = file.read_exact_at(&mut header, offset).ok().and_then(|_| BlockHeader::decode(&header));
            match block {
                Some(h) if offset + format::BLOCK_HEADER_LEN as u64 + u64::from(h.length) <= len => {
                    let block = BlockAt { file: index, offset, header: h };
                    if h.codec == Codec::Dictionary || (h.codec == Codec::Zstd && dictionary_at.is_empty()) {
                        dictionary_at.push(block);
                    }
                    if h.codec != Codec::Dictionary {
                        self.blocks.push(block);
                    }
                    offset += format::BLOCK_HEADER_LEN as u64 + u64::from(h.length);
                }
                // A torn last block (or a header damaged into a length past the end):
                // look for a block after it all the same.
                _ => {
                    let next = next_header(file, offset + 1, len)?.unwrap_or(len);
                    self.skipped.bytes += next - offset;
                    offset = next;
                }
            }
        }
        self.files[index].dictionary_at = dictionary_at;
        Ok(())
    }

    /// The times (epoch ms) of the first and last samples.
    pub fn span(&self) -> Option<(i64, i64)> {
        let first = self.blocks.iter().map(|b| b.header.first_ms).min()?;
        let last = self.blocks.iter().map(|b| b.header.last_ms).max()?;
        Some((first, last))
    }

    /// The directory or segment opened.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn blocks(&self) -> usize {
        self.blocks.len()
    }

    /// Samples in the blocks indexed so far (as their headers say).
    pub fn samples(&self) -> u64 {
        self.blocks.iter().map(|b| u64::from(b.header.samples)).sum()
    }

    pub fn skipped(&self) -> Skipped {
        self.skipped
    }

    /// The first block that may hold a sample at or after `at_ms`: found by a binary
    /// search (blocks are in time order but for a clock set back, which at worst
    /// starts the search a little early or late).
    pub fn block_from(&self, at_ms: i64) -> usize {
        self.blocks.partition_point(|b| b.header.last_ms < at_ms)
    }

    /// The samples of block `i`, in the order written; a damaged block gives none and
    /// is counted.
    pub fn read_block(&mut self, i: usize) -> Vec<Sample> {
        self.read_block_from(i, i64::MIN)
    }

    /// The samples of block `i` taken at or after `from_ms`, and the findings before
    /// it (what still held at `from_ms`); the others are not decoded (in a version-2
    /// block, only as far as the samples after them need).
    pub fn read_block_from(&mut self, i: usize, from_ms: i64) -> Vec<Sample> {
        let Some(&b) = self.blocks.get(i) else { return Vec::new() };
        if b.header.codec == Codec::ZstdWithDictionary {
            self.load_dictionary(b.file);
        }
        let segment = &self.files[b.file];
        let raw = read_payload(&segment.file, &b, segment.dictionary.as_ref().and_then(|d| d.as_deref()));
        let Some(raw) = raw else {
            self.skipped.blocks += 1;
            self.skipped.bytes += format::BLOCK_HEADER_LEN as u64 + u64::from(b.header.length);
            return Vec::new();
        };
        let mut samples = Vec::with_capacity(b.header.samples as usize);
        let mut deltas = (self.files[b.file].version >= 2).then(|| format::DeltaDecoder::new(b.header.first_ms));
        for frame in format::frames(&raw) {
            let wanted = |at_ms: i64, kind: &str| at_ms >= from_ms || kind == "findings";
            let sample = frame.and_then(|f| match &mut deltas {
                Some(d) => d.decode_if(f, wanted),
                None => format::decode_sample(f).map(Some),
            });
            match sample {
                Ok(Some((at_ms, record))) => samples.push(Sample { at_ms, record }),
                Ok(None) => {}
                Err(FrameError::Truncated | FrameError::Undecodable) => self.skipped.samples += 1,
            }
        }
        samples
    }

    /// Reads segment `file`'s dictionary, once: the first of its copies that reads.
    fn load_dictionary(&mut self, file: usize) {
        let segment = &mut self.files[file];
        if segment.dictionary.is_none() {
            let found = segment.dictionary_at.iter().find_map(|b| read_payload(&segment.file, b, None));
            segment.dictionary = Some(found);
        }
    }

    /// Every sample from `from_ms` to `to_ms` (inclusive), in the order written.
    pub fn read_between(&mut self, from_ms: i64, to_ms: i64) -> Vec<Sample> {
        let mut out = Vec::new();
        let mut i = self.block_from(from_ms);
        while i < self.blocks.len() && self.blocks[i].header.first_ms <= to_ms {
            out.extend(self.read_block(i).into_iter().filter(|s| (from_ms..=to_ms).contains(&s.at_ms)));
            i += 1;
        }
        out
    }

    /// Every sample of the recording.
    pub fn read_all(&mut self) -> Vec<Sample> {
        (0..self.blocks.len()).flat_map(|i| self.read_block(i)).collect()
    }

    /// The identity written at the start of the segment that holds time `at_ms` (the
    /// first segment's before it).
    pub fn identity_at(&mut self, at_ms: i64) -> Option<Identity> {
        let i = self.block_from(at_ms).min(self.blocks.len().checked_sub(1)?);
        let file = self.blocks[i].file;
        let first = self.blocks.iter().position(|b| b.file == file)?;
        self.read_block(first).into_iter().find_map(|s| match s.record {
            Record::Identity(id) => Some(*id),
            _ => None,
        })
    }
}

/// A block's payload, read, checked and decompressed (`Dictionary` copies as a `Zstd`
/// block).
fn read_payload(file: &File, b: &BlockAt, dictionary: Option<&[u8]>) -> Option<Vec<u8>> {
    let mut payload = vec![0u8; b.header.length as usize];
    file.read_exact_at(&mut payload, b.offset + format::BLOCK_HEADER_LEN as u64).ok()?;
    if crc32fast::hash(&payload) != b.header.payload_crc {
        return None;
    }
    match (b.header.codec, dictionary) {
        (Codec::Raw, _) => Some(payload),
        (Codec::Zstd | Codec::Dictionary, _) => decompress(&payload, &[]),
        (Codec::ZstdWithDictionary, Some(d)) => decompress(&payload, d),
        (Codec::ZstdWithDictionary, None) => None,
    }
}

fn decompress(payload: &[u8], dictionary: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let reader = io::BufReader::new(payload);
    zstd::stream::read::Decoder::with_dictionary(reader, dictionary).ok()?.take(MAX_RAW).read_to_end(&mut out).ok()?;
    Some(out)
}

/// The offset of the next sound block header at or after `from`, if any.
fn next_header(file: &File, mut from: u64, len: u64) -> io::Result<Option<u64>> {
    let mut chunk = vec![0u8; SCAN_CHUNK + format::BLOCK_HEADER_LEN];
    while from < len {
        let want = chunk.len().min((len - from) as usize);
        let n = file.read_at(&mut chunk[..want], from)?;
        if n == 0 {
            break;
        }
        let seen = &chunk[..n];
        for (i, _) in seen.windows(4).enumerate().filter(|(_, w)| format::is_block_magic(w)) {
            let at = from + i as u64;
            let h = seen.get(i..i + format::BLOCK_HEADER_LEN).and_then(BlockHeader::decode);
            if h.is_some_and(|h| at + format::BLOCK_HEADER_LEN as u64 + u64::from(h.length) <= len) {
                return Ok(Some(at));
            }
        }
        // Overlap by a header's length so one cut between chunks is still found.
        if n < want || n <= format::BLOCK_HEADER_LEN {
            break;
        }
        from += (n - format::BLOCK_HEADER_LEN) as u64;
    }
    Ok(None)
}
