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

pub struct Recording {
    files: Vec<(PathBuf, File)>,
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
        let mut recording = Recording { files: Vec::new(), blocks: Vec::new(), skipped: Skipped::default() };
        for p in paths {
            let Ok(file) = File::open(&p) else {
                recording.skipped.files += 1;
                continue;
            };
            let mut header = [0u8; format::FILE_HEADER_LEN];
            if file.read_exact_at(&mut header, 0).is_err() || format::read_file_header(&header).is_none() {
                recording.skipped.files += 1;
                continue;
            }
            recording.files.push((p, file));
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
        let file = &self.files[index].1;
        let len = file.metadata()?.len();
        let mut offset = format::FILE_HEADER_LEN as u64;
        let mut header = [0u8; format::BLOCK_HEADER_LEN];
        while offset < len {
            let block = file.read_exact_at(&mut header, offset).ok().and_then(|_| BlockHeader::decode(&header));
            match block {
                Some(h) if offset + format::BLOCK_HEADER_LEN as u64 + u64::from(h.length) <= len => {
                    self.blocks.push(BlockAt { file: index, offset, header: h });
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
        Ok(())
    }

    /// The times (epoch ms) of the first and last samples.
    pub fn span(&self) -> Option<(i64, i64)> {
        let first = self.blocks.iter().map(|b| b.header.first_ms).min()?;
        let last = self.blocks.iter().map(|b| b.header.last_ms).max()?;
        Some((first, last))
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
        let Some(&b) = self.blocks.get(i) else { return Vec::new() };
        let file = &self.files[b.file].1;
        let mut payload = vec![0u8; b.header.length as usize];
        let start = b.offset + format::BLOCK_HEADER_LEN as u64;
        let raw = file
            .read_exact_at(&mut payload, start)
            .ok()
            .filter(|_| crc32fast::hash(&payload) == b.header.payload_crc)
            .and_then(|_| match b.header.codec {
                Codec::Raw => Some(payload),
                Codec::Zstd => decompress(&payload),
            });
        let Some(raw) = raw else {
            self.skipped.blocks += 1;
            self.skipped.bytes += format::BLOCK_HEADER_LEN as u64 + u64::from(b.header.length);
            return Vec::new();
        };
        let mut samples = Vec::with_capacity(b.header.samples as usize);
        for frame in format::frames(&raw) {
            match frame.and_then(format::decode_sample) {
                Ok((at_ms, record)) => samples.push(Sample { at_ms, record }),
                Err(FrameError::Truncated | FrameError::Undecodable) => self.skipped.samples += 1,
            }
        }
        samples
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

fn decompress(payload: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    zstd::stream::read::Decoder::new(payload).ok()?.take(MAX_RAW).read_to_end(&mut out).ok()?;
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
        for (i, _) in seen.windows(4).enumerate().filter(|(_, w)| *w == format::BLOCK_MAGIC) {
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
