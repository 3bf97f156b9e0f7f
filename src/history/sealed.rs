//! The fast tier's samples, sealed into compressed blocks: a sample changes little
//! from one second to the next, so every [`BLOCK`] samples are written as bytes, each
//! XORed with the one before (what did not change becomes zeros), and the block is
//! compressed with LZ4 (`lz4_flex`). A block is decoded only when a past moment or a
//! graph column needs one of its samples, and the last one decoded is kept, so a
//! frame's newest column or stepping through a minute decodes it once. Recording
//! writes into a reused buffer (no allocation per sample); sealing, once a block,
//! allocates the block.
//!
//! The samples' times are kept plain, beside the blocks, so finding a moment and
//! stepping cost no decoding.

use super::disks::DiskRecord;
use super::fast::{CoreRecord, FastRecord, IfaceRecord};
use super::names::NameId;
use std::cell::RefCell;
use std::collections::VecDeque;

/// Samples a block holds: a minute at 1 s, so sealing allocates once a minute.
pub const BLOCK: usize = 64;

/// One fast sample as history keeps it: the record and its per-core, per-interface and
/// per-disk entries.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    pub record: FastRecord,
    pub cores: Vec<CoreRecord>,
    pub interfaces: Vec<IfaceRecord>,
    pub disks: Vec<DiskRecord>,
}

/// At most `capacity` samples, oldest first.
#[derive(Debug)]
pub struct Sealed {
    capacity: usize,
    /// The time (epoch ms) of each sample held.
    times: VecDeque<i64>,
    /// Compressed blocks of [`BLOCK`] samples each, oldest first.
    blocks: VecDeque<Box<[u8]>>,
    /// How many blocks were ever dropped: the number of `blocks[0]`, to know the cached
    /// block.
    dropped_blocks: u64,
    /// Samples of `blocks[0]` that already left.
    skipped: usize,
    /// The samples not sealed yet, as bytes, and where each ends.
    open: Vec<u8>,
    open_ends: Vec<usize>,
    /// The newest record, for the zone offset.
    newest: Option<FastRecord>,
    cache: RefCell<Option<Decoded>>,
}

/// A block decoded: its number, its samples' bytes and where each ends.
#[derive(Debug)]
struct Decoded {
    number: u64,
    plain: Vec<u8>,
    ends: Vec<usize>,
}

impl Sealed {
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            capacity,
            times: VecDeque::with_capacity(capacity),
            blocks: VecDeque::with_capacity(capacity / BLOCK + 2),
            dropped_blocks: 0,
            skipped: 0,
            open: Vec::new(),
            open_ends: Vec::with_capacity(BLOCK),
            newest: None,
            cache: RefCell::new(None),
        }
    }

    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    pub fn at_ms(&self, i: usize) -> Option<i64> {
        self.times.get(i).copied()
    }

    pub fn newest_at_ms(&self) -> Option<i64> {
        self.times.back().copied()
    }

    pub fn newest(&self) -> Option<&FastRecord> {
        self.newest.as_ref()
    }

    /// The index of the last sample at or before `at_ms`.
    pub fn last_at_or_before(&self, at_ms: i64) -> Option<usize> {
        self.times.partition_point(|t| *t <= at_ms).checked_sub(1)
    }

    /// Adds `s` (its record's `at_ms` is its time), dropping the oldest when full.
    pub fn push(&mut self, s: &Sample) {
        if self.times.len() == self.capacity {
            self.drop_oldest();
        }
        self.times.push_back(s.record.at_ms);
        write_sample(s, &mut self.open);
        self.open_ends.push(self.open.len());
        self.newest = Some(s.record);
        if self.open_ends.len() == BLOCK {
            self.seal();
        }
    }

    fn drop_oldest(&mut self) {
        self.times.pop_front();
        if self.blocks.is_empty() {
            // Fewer samples than a block (a short window): drop the open one.
            let end = self.open_ends.first().copied().unwrap_or(0);
            self.open.drain(..end);
            self.open_ends.remove(0);
            self.open_ends.iter_mut().for_each(|e| *e -= end);
            return;
        }
        self.skipped += 1;
        if self.skipped == BLOCK {
            self.blocks.pop_front();
            self.dropped_blocks += 1;
            self.skipped = 0;
        }
    }

    /// Seals the open samples into a block ([`seal`]).
    fn seal(&mut self) {
        self.blocks.push_back(seal(&self.open, &self.open_ends));
        self.open.clear();
        self.open_ends.clear();
    }

    /// Reads sample `i` into `out` (its vectors reused); false when there is none.
    pub fn read(&self, i: usize, out: &mut Sample) -> bool {
        if i >= self.times.len() {
            return false;
        }
        let global = self.skipped + i;
        let (block, k) = (global / BLOCK, global % BLOCK);
        if block >= self.blocks.len() {
            let k = global - self.blocks.len() * BLOCK;
            let start = if k == 0 { 0 } else { self.open_ends[k - 1] };
            return read_sample(&self.open[start..self.open_ends[k]], out);
        }
        let number = self.dropped_blocks + block as u64;
        let mut cache = self.cache.borrow_mut();
        if cache.as_ref().is_none_or(|c| c.number != number) {
            *cache = Some(decode_block(number, &self.blocks[block]));
        }
        let Some(d) = cache.as_ref() else { return false };
        let start = if k == 0 { 0 } else { d.ends.get(k - 1).copied().unwrap_or(usize::MAX) };
        match d.plain.get(start..d.ends.get(k).copied().unwrap_or(0)) {
            Some(bytes) => read_sample(bytes, out),
            None => false,
        }
    }

    pub fn get(&self, i: usize) -> Option<Sample> {
        let mut s = Sample::default();
        self.read(i, &mut s).then_some(s)
    }

    /// Calls `f` on every name every sample holds (interfaces, disks), letting it
    /// change them: decodes and seals every block again, one at a time (so it holds one
    /// block more, not the window twice), once a window.
    pub fn rewrite_names(&mut self, mut f: impl FnMut(&mut NameId)) {
        let mut sample = Sample::default();
        let mut rewrite = |plain: &[u8], ends: &[usize], out: &mut Vec<u8>, out_ends: &mut Vec<usize>| {
            let mut start = 0;
            for &end in ends {
                read_sample(&plain[start..end], &mut sample);
                sample.interfaces.iter_mut().for_each(|i| f(&mut i.name));
                sample.disks.iter_mut().for_each(|d| f(&mut d.name));
                write_sample(&sample, out);
                out_ends.push(out.len());
                start = end;
            }
        };
        let (mut plain, mut ends) = (Vec::new(), Vec::new());
        for b in 0..self.blocks.len() {
            let d = decode_block(0, &self.blocks[b]);
            plain.clear();
            ends.clear();
            rewrite(&d.plain, &d.ends, &mut plain, &mut ends);
            self.blocks[b] = seal(&plain, &ends);
        }
        plain.clear();
        ends.clear();
        rewrite(&self.open, &self.open_ends, &mut plain, &mut ends);
        (self.open, self.open_ends) = (plain, ends);
        *self.cache.borrow_mut() = None;
    }

    /// Bytes held: blocks, times, the open samples and the decoded block kept.
    pub fn bytes(&self) -> usize {
        let cache = self.cache.borrow().as_ref().map_or(0, |d| d.plain.capacity() + d.ends.capacity() * 8);
        self.times.capacity() * size_of::<i64>()
            + self.blocks.capacity() * size_of::<Box<[u8]>>()
            + self.blocks.iter().map(|b| b.len()).sum::<usize>()
            + self.open.capacity()
            + self.open_ends.capacity() * size_of::<usize>()
            + cache
    }
}

/// Compresses samples (`plain`, each ending at its `ends`) into a block: their
/// lengths, then each sample XORed with the one before; when all have the same length
/// (the interfaces and disks did not change), byte `j` of every sample together, so a
/// field that did not change is one run of zeros LZ4 stores in a few bytes (measured:
/// the fast tier 13 % smaller than sample after sample when every figure changes every
/// second).
fn seal(plain: &[u8], ends: &[usize]) -> Box<[u8]> {
    let starts = std::iter::once(0).chain(ends.iter().copied());
    let lens: Vec<usize> = starts.zip(ends).map(|(s, e)| e - s).collect();
    let mut packed = Vec::with_capacity(4 * lens.len() + plain.len());
    lens.iter().for_each(|len| packed.extend_from_slice(&(*len as u32).to_le_bytes()));
    let xored = |k: usize, j: usize| {
        let start = if k == 0 { 0 } else { ends[k - 1] };
        let before = if k > 0 && j < lens[k - 1] { plain[start - lens[k - 1] + j] } else { 0 };
        plain[start + j] ^ before
    };
    if lens.iter().all(|l| *l == lens[0]) {
        for j in 0..lens.first().copied().unwrap_or(0) {
            packed.extend((0..lens.len()).map(|k| xored(k, j)));
        }
    } else {
        for (k, len) in lens.iter().enumerate() {
            packed.extend((0..*len).map(|j| xored(k, j)));
        }
    }
    lz4_flex::compress_prepend_size(&packed).into_boxed_slice()
}

/// Undoes [`seal`]; a block that does not decode (only a bug would make one)
/// gives no samples.
fn decode_block(number: u64, block: &[u8]) -> Decoded {
    let empty = Decoded { number, plain: Vec::new(), ends: Vec::new() };
    let packed = lz4_flex::decompress_size_prepended(block).unwrap_or_default();
    let Some((lens, data)) = packed.split_at_checked(4 * BLOCK) else { return empty };
    let lens: Vec<usize> =
        lens.chunks_exact(4).map(|l| u32::from_le_bytes([l[0], l[1], l[2], l[3]]) as usize).collect();
    let mut ends = Vec::with_capacity(BLOCK);
    lens.iter().fold(0, |end, len| {
        ends.push(end + len);
        end + len
    });
    if ends.last() != Some(&data.len()) {
        return empty;
    }
    let uniform = lens.iter().all(|l| *l == lens[0]);
    let mut plain = vec![0; data.len()];
    for (k, len) in lens.iter().enumerate() {
        let start = ends[k] - len;
        for j in 0..*len {
            let x = if uniform { data[j * BLOCK + k] } else { data[start + j] };
            let before = if k > 0 && j < lens[k - 1] { plain[start - lens[k - 1] + j] } else { 0 };
            plain[start + j] = x ^ before;
        }
    }
    Decoded { number, plain, ends }
}

/// The sample as bytes: entry counts, the record's fields, then the entries, all
/// little-endian. Hand-written rather than a serde format: fixed positions are what
/// make the XOR with the sample before mostly zeros.
fn write_sample(s: &Sample, out: &mut Vec<u8>) {
    let counts = [s.cores.len(), s.interfaces.len(), s.disks.len()].map(|n| n.min(usize::from(u16::MAX)) as u16);
    counts.iter().for_each(|n| out.extend_from_slice(&n.to_le_bytes()));
    let r = &s.record;
    out.extend_from_slice(&r.at_ms.to_le_bytes());
    out.extend_from_slice(&r.utc_offset_s.to_le_bytes());
    out.extend_from_slice(&r.uptime_s.to_le_bytes());
    r.cpu.iter().for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    r.load.iter().for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    out.extend_from_slice(&r.runnable.to_le_bytes());
    out.extend_from_slice(&r.entities.to_le_bytes());
    r.memory.iter().chain(&r.swap).chain(&r.limits).for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    r.pressure.iter().for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    r.oom.iter().for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    s.cores.iter().take(usize::from(counts[0])).for_each(|c| out.extend_from_slice(c));
    for i in s.interfaces.iter().take(usize::from(counts[1])) {
        out.extend_from_slice(&i.name.to_le_bytes());
        out.extend_from_slice(&[i.flags, i.kind]);
        out.extend_from_slice(&i.rx.to_le_bytes());
        out.extend_from_slice(&i.tx.to_le_bytes());
    }
    for d in s.disks.iter().take(usize::from(counts[2])) {
        out.extend_from_slice(&d.name.to_le_bytes());
        out.push(u8::from(d.known));
        d.rates.iter().for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    }
}

/// The bytes [`write_sample`] writes for a sample with these entries.
#[cfg(test)]
pub fn plain_bytes(cores: usize, interfaces: usize, disks: usize) -> usize {
    let mut out = Vec::new();
    let s = Sample {
        record: FastRecord::default(),
        cores: vec![[0; 4]; cores],
        interfaces: vec![IfaceRecord { name: 0, flags: 0, kind: 0, rx: 0.0, tx: 0.0 }; interfaces],
        disks: vec![DiskRecord { name: 0, known: false, rates: [0; 9] }; disks],
    };
    write_sample(&s, &mut out);
    out.len()
}

/// Reads what [`write_sample`] wrote; false if the bytes are short.
fn read_sample(bytes: &[u8], s: &mut Sample) -> bool {
    let mut r = Reader(bytes, false);
    let counts = [r.u16(), r.u16(), r.u16()].map(usize::from);
    let rec = &mut s.record;
    rec.at_ms = i64::from_le_bytes(r.take());
    rec.utc_offset_s = i32::from_le_bytes(r.take());
    rec.uptime_s = r.u32();
    rec.cpu = rec.cpu.map(|_| r.u16());
    rec.load = rec.load.map(|_| r.f32());
    rec.runnable = r.u32();
    rec.entities = r.u32();
    rec.memory = rec.memory.map(|_| r.f32());
    rec.swap = rec.swap.map(|_| r.f32());
    rec.limits = rec.limits.map(|_| r.f32());
    rec.pressure = rec.pressure.map(|_| r.u16());
    rec.oom = rec.oom.map(|_| r.u32());
    s.cores.clear();
    s.cores.extend((0..counts[0]).map(|_| r.take::<4>()));
    s.interfaces.clear();
    s.interfaces.extend((0..counts[1]).map(|_| {
        let name = r.u16();
        let [flags, kind] = r.take();
        IfaceRecord { name, flags, kind, rx: r.f32(), tx: r.f32() }
    }));
    s.disks.clear();
    s.disks.extend((0..counts[2]).map(|_| {
        let name = r.u16();
        let [known] = r.take();
        DiskRecord { name, known: known != 0, rates: [0; 9].map(|_: u16| r.u16()) }
    }));
    !r.1
}

/// Reads little-endian fields; past the end it gives zeros and remembers it fell
/// short (the bytes are history's own, so only a bug would).
struct Reader<'a>(&'a [u8], bool);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        match self.0.split_at_checked(N) {
            Some((head, rest)) => {
                out.copy_from_slice(head);
                self.0 = rest;
            }
            None => {
                self.0 = &[];
                self.1 = true;
            }
        }
        out
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.take())
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }

    fn f32(&mut self) -> f32 {
        f32::from_le_bytes(self.take())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sample `n`: every field changing, some NaN or unknown, interfaces coming and going.
    fn sample(n: u32) -> Sample {
        let f = |k: u32| if (n + k).is_multiple_of(11) { f32::NAN } else { (n * 7919 + k * 104_729) as f32 / 3.0 };
        let record = FastRecord {
            at_ms: 1_795_953_600_000 + i64::from(n) * 1000,
            utc_offset_s: 3600,
            uptime_s: if n.is_multiple_of(13) { u32::MAX } else { 86_400 + n },
            cpu: [0, 1, 2, 3, 4].map(|k| if (n + k).is_multiple_of(17) { u16::MAX } else { (n * 31 + k) as u16 }),
            load: [f(1), f(2), f(3)],
            runnable: n % 5,
            entities: 300 + n % 40,
            memory: [f(4), f(5), f(6), f(7), f(8), f(9)],
            swap: [f(10), f(11), f(12)],
            limits: [f32::NAN, f(13), f32::NAN, f(14)],
            pressure: [n as u16, 0, u16::MAX, 7, (n * 3) as u16],
            oom: [n / 100, u32::MAX],
        };
        let interfaces = (0..3 - n % 2)
            .map(|i| IfaceRecord { name: i as u16, flags: (n % 256) as u8, kind: 1, rx: f(20 + i), tx: f(30 + i) })
            .collect();
        Sample {
            record,
            cores: vec![[n as u8, (n * 3) as u8, u8::MAX, 9]; 2],
            interfaces,
            disks: vec![DiskRecord { name: 7, known: !n.is_multiple_of(3), rates: [n as u16; 9] }],
        }
    }

    fn bytes_of(s: &Sample) -> Vec<u8> {
        let mut out = Vec::new();
        write_sample(s, &mut out);
        out
    }

    #[test]
    fn sealed_samples_come_back_bit_for_bit() {
        for capacity in [1, 30, BLOCK, 3601] {
            let mut sealed = Sealed::new(capacity);
            let pushed = 3 * capacity.max(BLOCK) + 17;
            for n in 0..pushed as u32 {
                sealed.push(&sample(n));
            }
            let held = capacity.min(pushed);
            assert_eq!(sealed.len(), held);
            let mut out = Sample::default();
            // Oldest to newest, then backwards (another block each time at the seams).
            for i in (0..held).chain((0..held).rev()) {
                assert!(sealed.read(i, &mut out), "sample {i} of {held}");
                let n = (pushed - held + i) as u32;
                assert_eq!(bytes_of(&out), bytes_of(&sample(n)), "sample {i} of {held}");
                assert_eq!(sealed.at_ms(i), Some(sample(n).record.at_ms));
            }
            assert!(!sealed.read(held, &mut out));
        }
    }

    #[test]
    fn renaming_reseals_every_sample_with_its_new_names() {
        let mut sealed = Sealed::new(200);
        (0..500).for_each(|n| sealed.push(&sample(n)));
        sealed.rewrite_names(|name| *name += 100);
        for i in 0..200 {
            let mut expected = sample(300 + i as u32);
            expected.interfaces.iter_mut().for_each(|f| f.name += 100);
            expected.disks.iter_mut().for_each(|d| d.name += 100);
            assert_eq!(bytes_of(&sealed.get(i).unwrap()), bytes_of(&expected));
        }
    }
}
