//! The bytes of a recording (see the [module doc](super)): the file header, block
//! headers with their checksums, and a sample's frame (CBOR, floats narrowed).

use super::cbor;
use super::{Record, RecordRef};
use ciborium::Value;
use ciborium_ll::Header;
use std::borrow::Cow;

pub const FILE_MAGIC: &[u8; 8] = b"ctop-rec";
/// The version this ctop writes; it reads every version from 1 on.
pub const VERSION: u32 = 2;
pub const FILE_HEADER_LEN: usize = 16;
/// Version 2's blocks: a ctop that reads only version 1 (whose reader checked no
/// file version) skips them as damage rather than misread their frames.
pub const BLOCK_MAGIC: &[u8; 4] = b"CTB2";
/// Version 1's blocks.
pub const BLOCK_MAGIC_V1: &[u8; 4] = b"CTB1";
pub const BLOCK_HEADER_LEN: usize = 40;
/// No block is larger (a header claiming more is damaged).
pub const MAX_PAYLOAD: u32 = 64 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Raw = 0,
    Zstd = 1,
    /// zstd with the segment's dictionary (version 2): the decompressed payload of its
    /// first `Zstd` block, or of its `Dictionary` block.
    ZstdWithDictionary = 2,
    /// A copy of the segment's first `Zstd` block's payload, holding no samples of its
    /// own: the dictionary survives damage to that block (version 2).
    Dictionary = 3,
}

pub fn file_header() -> [u8; FILE_HEADER_LEN] {
    let mut h = [0u8; FILE_HEADER_LEN];
    h[..8].copy_from_slice(FILE_MAGIC);
    h[8..12].copy_from_slice(&VERSION.to_le_bytes());
    let crc = crc32fast::hash(&h[..12]);
    h[12..].copy_from_slice(&crc.to_le_bytes());
    h
}

/// The format version a file header names, if it is one.
pub fn read_file_header(h: &[u8]) -> Option<u32> {
    let h = h.get(..FILE_HEADER_LEN)?;
    let crc = u32::from_le_bytes(h[12..16].try_into().ok()?);
    (&h[..8] == FILE_MAGIC && crc32fast::hash(&h[..12]) == crc).then(|| u32::from_le_bytes([h[8], h[9], h[10], h[11]]))
}

/// Whether `bytes` start a block header of any version.
pub fn is_block_magic(bytes: &[u8]) -> bool {
    bytes == BLOCK_MAGIC || bytes == BLOCK_MAGIC_V1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockHeader {
    pub codec: Codec,
    pub length: u32,
    pub samples: u32,
    pub first_ms: i64,
    pub last_ms: i64,
    pub payload_crc: u32,
}

impl BlockHeader {
    pub fn encode(&self) -> [u8; BLOCK_HEADER_LEN] {
        let mut h = [0u8; BLOCK_HEADER_LEN];
        h[..4].copy_from_slice(BLOCK_MAGIC);
        h[4] = self.codec as u8;
        h[8..12].copy_from_slice(&self.length.to_le_bytes());
        h[12..16].copy_from_slice(&self.samples.to_le_bytes());
        h[16..24].copy_from_slice(&self.first_ms.to_le_bytes());
        h[24..32].copy_from_slice(&self.last_ms.to_le_bytes());
        h[32..36].copy_from_slice(&self.payload_crc.to_le_bytes());
        let crc = crc32fast::hash(&h[..36]);
        h[36..].copy_from_slice(&crc.to_le_bytes());
        h
    }

    /// The header these bytes hold, if their checksum and fields are sound.
    pub fn decode(h: &[u8]) -> Option<Self> {
        let h = h.get(..BLOCK_HEADER_LEN)?;
        let u32_at = |i: usize| u32::from_le_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
        let i64_at = |i: usize| i64::from_le_bytes(h[i..i + 8].try_into().unwrap_or_default());
        if !is_block_magic(&h[..4]) || crc32fast::hash(&h[..36]) != u32_at(36) {
            return None;
        }
        let codec = match h[4] {
            0 => Codec::Raw,
            1 => Codec::Zstd,
            2 => Codec::ZstdWithDictionary,
            3 => Codec::Dictionary,
            _ => return None,
        };
        let header = BlockHeader {
            codec,
            length: u32_at(8),
            samples: u32_at(12),
            first_ms: i64_at(16),
            last_ms: i64_at(24),
            payload_crc: u32_at(32),
        };
        (header.length <= MAX_PAYLOAD && header.first_ms <= header.last_ms).then_some(header)
    }
}

/// The CBOR of a sample's kind and value (`{kind: value}`), without its time, as serde
/// writes it: the writer narrows its floats ([`narrow`]) and codes it
/// ([`DeltaEncoder`]) on its own thread.
pub fn encode_record(out: &mut Vec<u8>, record: &RecordRef) -> Result<(), String> {
    ciborium::into_writer(record, out).map_err(|e| e.to_string())
}

/// Appends the frame whose time field is `time` and whose kind and value are `body`:
/// the pair `[time, {kind: value}]`, as serde writes a tuple.
pub fn frame_with_body(out: &mut Vec<u8>, time: i64, body: &[u8]) -> Result<(), String> {
    let start = begin_frame(out, time)?;
    out.extend_from_slice(body);
    end_frame(out, start)
}

/// Appends a frame's length (left to [`end_frame`]) and the pair's head and time
/// field; gives where the frame starts.
fn begin_frame(out: &mut Vec<u8>, time: i64) -> Result<usize, String> {
    let time = cbor::integer_head(time.into()).ok_or("no time")?;
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    // A CBOR array of two items.
    out.push(0x82);
    cbor::write_head(out, time);
    Ok(start)
}

/// Writes the length of the frame that starts at `start` and runs to the end of `out`.
fn end_frame(out: &mut [u8], start: usize) -> Result<(), String> {
    let len = u32::try_from(out.len() - start - 4).map_err(|_| "sample too large".to_string())?;
    out[start..start + 4].copy_from_slice(&len.to_le_bytes());
    Ok(())
}

/// Significant bits a recorded float keeps after its leading one: 12, a relative error
/// under 1/16,000 (2^-13), finer than the three or four digits any panel shows and than
/// history's own hundredths of a percent (`history/fast.rs`). The bits dropped are the
/// noise of a rate's last digits, which no compressor can predict: measured on a
/// 23-minute recording here, 12 bits instead of `f32`'s 23 take the fast tier from 170
/// to 148 bytes a second (PERFORMANCE.md).
const FLOAT_BITS: u32 = 12;

/// Fields whose size does not make their last digits matter less, kept as the nearest
/// `f32`: the uptime is shown to the second under an hour and counts up for years.
const KEPT_AS_F32: [&str; 1] = ["uptime_seconds"];

/// Appends `body` (a sample's CBOR) with its floats rounded to [`FLOAT_BITS`] (but see
/// [`KEPT_AS_F32`]), noting on `tape` where its items went: CBOR then writes each
/// float in its shortest exact form (3 or 5 bytes instead of 9; whole numbers such as
/// 12.0 in 3), the bits dropped are zeros, and values that did not change repeat byte
/// for byte, which the compressor codes as a match. Rounding twice changes nothing.
pub fn narrow(body: &[u8], out: &mut Vec<u8>, tape: &mut cbor::Tape) -> Result<(), String> {
    let mut narrowed = |f: f64, key: Option<&str>| match key {
        Some(k) if KEPT_AS_F32.contains(&k) => f64::from(f as f32),
        _ => rounded(f),
    };
    cbor::rewrite(body, out, tape, &mut narrowed).ok_or_else(|| "not one whole CBOR item".into())
}

/// The `f32` nearest `f` with only [`FLOAT_BITS`] significant bits after the leading
/// one (rounding to nearest: a carry out of the mantissa moves the exponent up, as it
/// should).
fn rounded(f: f64) -> f64 {
    let x = f as f32;
    let dropped = 23 - FLOAT_BITS;
    let bits = (x.to_bits() + (1 << (dropped - 1))) & !((1 << dropped) - 1);
    let r = f32::from_bits(bits);
    f64::from(if r.is_finite() { r } else { x })
}

/// The kinds whose samples version 2 codes as differences from the one before
/// ([`super::delta`]); the others (the identity, the findings, the cgroup tree) are
/// written whole.
const DELTA_KINDS: [&str; 3] = ["fast", "slow", "processes"];

/// A block's frames as version 2 writes them, made one sample at a time: each sample's
/// floats narrowed ([`narrow`]), its time as the difference from the frame before (the
/// first from the block header's first time, known when the block is taken), and a
/// [`DELTA_KINDS`] sample's value as its differences from the previous sample of its
/// kind in the block. The first sample of each kind in a block is whole, so every
/// block reads alone.
#[derive(Default)]
pub struct DeltaEncoder {
    frames: Vec<u8>,
    samples: u32,
    /// The first frame's time and the last one's.
    first_at: i64,
    last_at: i64,
    /// The earliest time and the latest, for the block header.
    span: (i64, i64),
    /// The last sample of each of [`DELTA_KINDS`], narrowed (empty: none yet), and
    /// where its items are.
    previous: [(Vec<u8>, cbor::Tape); DELTA_KINDS.len()],
    narrowed: (Vec<u8>, cbor::Tape),
}

impl DeltaEncoder {
    /// Adds the sample taken at `at_ms` whose kind and value are `body` (from
    /// [`encode_record`]); one that cannot be coded (not a sample's CBOR) adds nothing.
    pub fn push(&mut self, at_ms: i64, body: &[u8]) -> Result<(), String> {
        let (narrowed, tape) = &mut self.narrowed;
        narrowed.clear();
        narrow(body, narrowed, tape)?;
        let sample = cbor::Item::root(narrowed, tape).ok_or("not a sample")?;
        let kind = sample.items().next().and_then(|key| cbor::text(key.bytes())).ok_or("not a sample")?;
        let delta_kind = DELTA_KINDS.iter().position(|k| *k == kind);
        // The first frame's time is written 0 here, and made the difference from the
        // earliest time when the block is taken (`frames`).
        let time = if self.samples == 0 { 0 } else { at_ms.wrapping_sub(self.last_at) };
        let start = begin_frame(&mut self.frames, time)?;
        let previous = delta_kind.and_then(|i| cbor::Item::root(&self.previous[i].0, &self.previous[i].1));
        super::delta::encode(sample, previous, &mut self.frames);
        if end_frame(&mut self.frames, start).is_err() {
            self.frames.truncate(start);
            return Err("sample too large".into());
        }
        if let Some(i) = delta_kind {
            std::mem::swap(&mut self.previous[i], &mut self.narrowed);
        }
        if self.samples == 0 {
            self.first_at = at_ms;
            self.span = (at_ms, at_ms);
        }
        self.samples += 1;
        self.last_at = at_ms;
        self.span = (self.span.0.min(at_ms), self.span.1.max(at_ms));
        Ok(())
    }

    /// Samples in the block.
    pub fn samples(&self) -> u32 {
        self.samples
    }

    /// The block's frames' bytes so far.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples == 0
    }

    /// The earliest and latest of the block's times (its header's).
    pub fn span(&self) -> (i64, i64) {
        self.span
    }

    /// The block's frames, the first one's time counted from the earliest.
    pub fn frames(&self) -> Result<Cow<'_, [u8]>, String> {
        let first = match frames(&self.frames).next() {
            Some(Ok(first)) if self.first_at != self.span.0 => first,
            _ => return Ok(Cow::Borrowed(&self.frames)),
        };
        // The first frame as pushed: `0x82`, a time of 0 (one byte), the body.
        let mut out = Vec::with_capacity(self.frames.len() + 8);
        frame_with_body(&mut out, self.first_at.wrapping_sub(self.span.0), &first[2..])?;
        out.extend_from_slice(&self.frames[4 + first.len()..]);
        Ok(Cow::Owned(out))
    }

    /// Empties it for the next block, keeping its buffers (but for the frames' past
    /// twice `keep` bytes: a block that grew once does not hold its size for good).
    pub fn clear(&mut self, keep: usize) {
        self.frames.clear();
        self.samples = 0;
        self.previous.iter_mut().for_each(|(bytes, _)| bytes.clear());
        if self.frames.capacity() > 2 * keep {
            self.frames.shrink_to(keep);
        }
    }
}

/// A frame's time, kind, and the bytes of its `{kind: value}` map, read by their CBOR
/// heads alone: a sample is not decoded to be copied or skipped.
fn split_raw(frame: &[u8]) -> Option<(i64, &str, &[u8])> {
    let (&first, rest) = frame.split_first()?;
    if first != 0x82 {
        return None;
    }
    let (time, len) = cbor::head(rest)?;
    let at = i64::try_from(cbor::integer(time)?).ok()?;
    let body = &rest[len..];
    let kind = match cbor::head(body)? {
        (Header::Map(Some(1)), len) => cbor::text(&body[len..])?,
        _ => return None,
    };
    Some((at, kind, body))
}

/// Reads a version-2 block's frames in order, undoing [`DeltaEncoder`].
pub struct DeltaDecoder {
    previous: [Option<Value>; DELTA_KINDS.len()],
    /// A frame of the kind could not be read: the ones after it, coded against it,
    /// cannot either.
    broken: [bool; DELTA_KINDS.len()],
    last_ms: i64,
}

impl DeltaDecoder {
    /// For a block whose header's first time is `first_ms`.
    pub fn new(first_ms: i64) -> Self {
        DeltaDecoder { previous: Default::default(), broken: Default::default(), last_ms: first_ms }
    }

    /// The next frame's sample. A frame that cannot be read leaves the samples of its
    /// kind after it unreadable too (their differences are from it); the others read.
    pub fn decode(&mut self, frame: &[u8]) -> Result<(i64, Record), FrameError> {
        self.decode_if(frame, |_, _| true)?.ok_or(FrameError::Undecodable)
    }

    /// [`Self::decode`], but a sample `wanted` (given its time and kind) refuses is only
    /// decoded as far as the samples after it need (`None`).
    pub fn decode_if(
        &mut self,
        frame: &[u8],
        wanted: impl Fn(i64, &str) -> bool,
    ) -> Result<Option<(i64, Record)>, FrameError> {
        let Some((dt, kind, body)) = split_raw(frame) else {
            // Which kind it was is unknown: none can be trusted after it.
            self.broken = [true; DELTA_KINDS.len()];
            return Err(FrameError::Undecodable);
        };
        self.last_ms = self.last_ms.wrapping_add(dt);
        let Some(i) = DELTA_KINDS.iter().position(|k| *k == kind) else {
            // Written as it is: read straight from its bytes.
            if !wanted(self.last_ms, kind) {
                return Ok(None);
            }
            let record = ciborium::from_reader::<Record, _>(body).map_err(|_| FrameError::Undecodable)?;
            return Ok(Some((self.last_ms, record)));
        };
        if self.broken[i] {
            return Err(FrameError::Undecodable);
        }
        let value = match ciborium::from_reader::<Value, _>(body) {
            Ok(Value::Map(mut entries)) if entries.len() == 1 => entries.pop().map(|(_, v)| v),
            _ => None,
        };
        let Some(mut value) = value else {
            self.broken[i] = true;
            return Err(FrameError::Undecodable);
        };
        if let Some(p) = &self.previous[i]
            && super::delta::decode(&mut value, p).is_none()
        {
            self.broken[i] = true;
            return Err(FrameError::Undecodable);
        }
        if !wanted(self.last_ms, kind) {
            self.previous[i] = Some(value);
            return Ok(None);
        }
        let item = Value::Map(vec![(Value::Text(kind.into()), value)]);
        let record = item.deserialized::<Record>().map_err(|_| FrameError::Undecodable);
        if let Value::Map(mut entries) = item {
            self.previous[i] = entries.pop().map(|(_, v)| v);
        }
        Ok(Some((self.last_ms, record?)))
    }
}

/// Why a frame could not be read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// The payload ends inside the frame.
    Truncated,
    /// Not CBOR, or a kind or shape this version does not know.
    Undecodable,
}

/// Splits a block's payload into its frames' bytes.
pub fn frames(payload: &[u8]) -> impl Iterator<Item = Result<&[u8], FrameError>> {
    let mut rest = payload;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some((len, after)) = rest.split_first_chunk::<4>() else {
            rest = &[];
            return Some(Err(FrameError::Truncated));
        };
        let len = u32::from_le_bytes(*len) as usize;
        if after.len() < len {
            rest = &[];
            return Some(Err(FrameError::Truncated));
        }
        let (frame, next) = after.split_at(len);
        rest = next;
        Some(Ok(frame))
    })
}

/// One frame's sample.
pub fn decode_sample(frame: &[u8]) -> Result<(i64, Record), FrameError> {
    ciborium::from_reader::<(i64, Record), _>(frame).map_err(|_| FrameError::Undecodable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip_and_any_flipped_bit_is_caught() {
        let h = BlockHeader {
            codec: Codec::Zstd,
            length: 1234,
            samples: 60,
            first_ms: 1_795_953_600_000,
            last_ms: 1_795_953_659_000,
            payload_crc: 0xdead_beef,
        };
        let bytes = h.encode();
        assert_eq!(BlockHeader::decode(&bytes), Some(h));
        for bit in 0..BLOCK_HEADER_LEN * 8 {
            let mut b = bytes;
            b[bit / 8] ^= 1 << (bit % 8);
            assert_eq!(BlockHeader::decode(&b), None, "bit {bit}");
        }
        assert_eq!(read_file_header(&file_header()), Some(VERSION));
        assert_eq!(read_file_header(&file_header()[..15]), None);
    }

    fn body(record: &RecordRef) -> Vec<u8> {
        let mut body = Vec::new();
        encode_record(&mut body, record).unwrap();
        body
    }

    #[test]
    fn a_frame_from_a_body_is_the_pair_serde_writes() {
        let identity = super::super::Identity { ctop_version: "9.9".into(), ..Default::default() };
        let record = RecordRef::Identity(&identity);
        for at_ms in [0, 1_795_953_600_000, -1] {
            let mut framed = Vec::new();
            frame_with_body(&mut framed, at_ms, &body(&record)).unwrap();
            let mut direct = Vec::new();
            ciborium::into_writer(&(at_ms, &record), &mut direct).unwrap();
            assert_eq!(framed[4..], direct[..]);
            assert!(
                matches!(decode_sample(&framed[4..]), Ok((t, Record::Identity(id))) if t == at_ms && *id == identity)
            );
        }
    }

    fn narrowed(value: &Value) -> Value {
        let mut bytes = Vec::new();
        ciborium::into_writer(value, &mut bytes).unwrap();
        let (mut once, mut twice, mut tape) = (Vec::new(), Vec::new(), cbor::Tape::default());
        narrow(&bytes, &mut once, &mut tape).unwrap();
        narrow(&once, &mut twice, &mut tape).unwrap();
        assert_eq!(once, twice, "rounding twice changes nothing");
        assert!(narrow(&bytes[..bytes.len() - 1], &mut Vec::new(), &mut tape).is_err());
        ciborium::from_reader(&once[..]).unwrap()
    }

    #[test]
    fn floats_keep_twelve_bits_and_the_uptime_its_f32() {
        let v = narrowed(&Value::Array(vec![
            Value::Float(12.0),
            Value::Float(0.1),
            Value::Float(f64::NAN),
            Value::Float(-123_456_789.0),
            Value::Map(vec![
                (Value::Text("uptime_seconds".into()), Value::Float(1_234_567.891)),
                (Value::Text("rate".into()), Value::Float(1_234_567.891)),
            ]),
            Value::Tag(7, Box::new(Value::Float(0.1))),
            Value::Text("0.1".into()),
        ]));
        let Value::Array(items) = v else { unreachable!() };
        assert_eq!(items[0], Value::Float(12.0));
        let close = |v: &Value, want: f64| matches!(v, Value::Float(f) if ((f - want) / want).abs() <= 1.0 / 8192.0);
        assert!(close(&items[1], 0.1) && items[1] != Value::Float(f64::from(0.1f32)), "{:?}", items[1]);
        assert!(matches!(items[2], Value::Float(f) if f.is_nan()));
        assert!(close(&items[3], -123_456_789.0), "{:?}", items[3]);
        let Value::Map(fields) = &items[4] else { unreachable!() };
        assert_eq!(fields[0].1, Value::Float(f64::from(1_234_567.891f64 as f32)));
        assert!(close(&fields[1].1, 1_234_567.891) && fields[1].1 != fields[0].1, "{:?}", fields[1]);
        assert!(matches!(&items[5], Value::Tag(7, f) if close(f, 0.1) && **f != Value::Float(0.1)));
        assert_eq!(items[6], Value::Text("0.1".into()));
        // Twelve bits: only the top 13 of the significand may be set.
        for (i, f) in [0.1, 99.95, 1.0 / 3.0, 65_504.7, 1e-7, 3.0e38].into_iter().enumerate() {
            let r = rounded(f) as f32;
            assert_eq!(r.to_bits() & ((1 << (23 - FLOAT_BITS)) - 1), 0, "{i}: {f} -> {r}");
            assert!(((f64::from(r) - f) / f).abs() <= 1.0 / 8192.0, "{f} -> {r}");
        }
    }

    #[test]
    fn a_frame_is_split_by_its_heads_alone() {
        for at in [0i64, 23, 24, 1_795_953_600_000, -1, -25, -70_000] {
            let identity = super::super::Identity::default();
            let mut frame = Vec::new();
            frame_with_body(&mut frame, at, &body(&RecordRef::Identity(&identity))).unwrap();
            let (t, kind, body) = split_raw(&frame[4..]).unwrap();
            assert_eq!((t, kind), (at, "identity"));
            assert!(matches!(ciborium::from_reader::<Record, _>(body), Ok(Record::Identity(_))));
        }
        assert_eq!(split_raw(&[0x82, 0x1b, 1, 2]), None, "an argument cut short");
        assert_eq!(split_raw(&[0x83, 0x00, 0xa1]), None);
    }

    fn narrowed_body(body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        narrow(body, &mut out, &mut cbor::Tape::default()).unwrap();
        out
    }

    #[test]
    fn a_block_reads_back_sample_by_sample_whatever_the_order_of_its_times() {
        let identity = super::super::Identity { ctop_version: "9.9".into(), ..Default::default() };
        let mut written = Vec::new();
        let mut encoder = DeltaEncoder::default();
        // The first sample is not the earliest (a fast tier dated by its clock's second).
        for (i, at) in [5_000, 3_000, 7_000, 7_000, 9_500].into_iter().enumerate() {
            let mut fast = crate::snapshot::FastTier::default();
            fast.time.epoch = at / 1000;
            fast.time.local = format!("{i}");
            fast.time.uptime_seconds = Some(at as f64 + 0.123);
            let b = if i == 3 { body(&RecordRef::Identity(&identity)) } else { body(&RecordRef::Fast(&fast)) };
            encoder.push(at, &b).unwrap();
            written.push((at, narrowed_body(&b)));
        }
        assert!(encoder.push(1, b"\xa1").is_err(), "a body cut short adds nothing");
        assert_eq!((encoder.samples(), encoder.span()), (5, (3_000, 9_500)));
        let frames_bytes = encoder.frames().unwrap();
        let mut decoder = DeltaDecoder::new(3_000);
        let read: Vec<_> = frames(&frames_bytes).map(|f| decoder.decode(f.unwrap()).unwrap()).collect();
        for ((at, record), (want_at, want)) in read.iter().zip(&written) {
            assert_eq!(at, want_at);
            assert_eq!(narrowed_body(&body(&record.as_written())), *want);
        }
        assert_eq!(read.len(), written.len());
        encoder.clear(1 << 20);
        assert!(encoder.is_empty() && encoder.frames().unwrap().is_empty());
    }

    #[test]
    fn frames_stop_at_a_truncated_one() {
        let mut payload = Vec::new();
        for body in [&b"ab"[..], b"cde"] {
            payload.extend_from_slice(&(body.len() as u32).to_le_bytes());
            payload.extend_from_slice(body);
        }
        let all: Vec<_> = frames(&payload).collect();
        assert_eq!(all, vec![Ok(&b"ab"[..]), Ok(&b"cde"[..])]);
        let cut: Vec<_> = frames(&payload[..payload.len() - 1]).collect();
        assert_eq!(cut, vec![Ok(&b"ab"[..]), Err(FrameError::Truncated)]);
    }
}
