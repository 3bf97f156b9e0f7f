//! CBOR read and rewritten by its bytes, for the recorder's writer: a sample is
//! rewritten once ([`rewrite`]: its floats narrowed), which also notes where each of
//! its items starts and ends ([`Tape`]), so that coding it against the sample before
//! ([`super::delta`]) walks both without parsing either again. ciborium-ll reads and
//! writes the heads; the walking is ours.
//!
//! Why by hand: done on ciborium `Value` trees (each sample decoded into a tree, the
//! coded tree built, both dropped), this was most of the recorder's cost: the writer
//! thread took 14–15 ms a minute at 1 s, and `--record` 1.15–1.21× the plain
//! dashboard's CPU, over its 1.10 bound (PERFORMANCE.md).

use ciborium_ll::{Encoder, Header};

/// The head at the start of `bytes` and its length in bytes, as ciborium-ll's
/// `Decoder` reads it. Read by hand: through its generic reader, that decoder took a
/// fifth of the writer's time on its own (perf, `cargo bench --bench record`).
#[inline]
pub fn head(bytes: &[u8]) -> Option<(Header, usize)> {
    let (&initial, rest) = bytes.split_first()?;
    let (major, info) = (initial >> 5, initial & 0x1f);
    let (argument, len) = match info {
        0..=23 => (u64::from(info), 1),
        24 => (u64::from(*rest.first()?), 2),
        25 => (u64::from(u16::from_be_bytes(*rest.first_chunk()?)), 3),
        26 => (u64::from(u32::from_be_bytes(*rest.first_chunk()?)), 5),
        27 => (u64::from_be_bytes(*rest.first_chunk()?), 9),
        31 => {
            let header = match major {
                2 => Header::Bytes(None),
                3 => Header::Text(None),
                4 => Header::Array(None),
                5 => Header::Map(None),
                7 => Header::Break,
                _ => return None,
            };
            return Some((header, 1));
        }
        _ => return None,
    };
    let size = || usize::try_from(argument).ok();
    let header = match (major, info) {
        (0, _) => Header::Positive(argument),
        (1, _) => Header::Negative(argument),
        (2, _) => Header::Bytes(Some(size()?)),
        (3, _) => Header::Text(Some(size()?)),
        (4, _) => Header::Array(Some(size()?)),
        (5, _) => Header::Map(Some(size()?)),
        (6, _) => Header::Tag(argument),
        (_, 25) => Header::Float(half::f16::from_bits(argument as u16).to_f64()),
        (_, 26) => Header::Float(f64::from(f32::from_bits(argument as u32))),
        (_, 27) => Header::Float(f64::from_bits(argument)),
        _ => Header::Simple(argument as u8),
    };
    Some((header, len))
}

/// Appends `header` in its shortest form (a float in the shortest that keeps it
/// exactly), as ciborium-ll's `Encoder` writes it. Integers, lengths and floats by
/// hand, for the reason [`head`] is (the encoder's were a seventh of the writer's time).
#[inline]
pub fn write_head(out: &mut Vec<u8>, header: Header) {
    let (major, argument) = match header {
        Header::Positive(n) => (0, n),
        Header::Negative(n) => (1, n),
        Header::Bytes(Some(n)) => (2, n as u64),
        Header::Text(Some(n)) => (3, n as u64),
        Header::Array(Some(n)) => (4, n as u64),
        Header::Map(Some(n)) => (5, n as u64),
        Header::Tag(n) => (6, n),
        Header::Float(f) => return write_float(out, f),
        _ => {
            // A `Vec` takes every write.
            let _ = Encoder::from(out).push(header);
            return;
        }
    };
    let major = major << 5;
    match argument {
        0..=23 => out.push(major | argument as u8),
        24..=0xff => out.extend_from_slice(&[major | 24, argument as u8]),
        0x100..=0xffff => {
            out.push(major | 25);
            out.extend_from_slice(&(argument as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(major | 26);
            out.extend_from_slice(&(argument as u32).to_be_bytes());
        }
        _ => {
            out.push(major | 27);
            out.extend_from_slice(&argument.to_be_bytes());
        }
    }
}

/// `f` in the shortest of half, single and double precision that holds it exactly.
fn write_float(out: &mut Vec<u8>, f: f64) {
    let single = f as f32;
    if f64::from(single).to_bits() != f.to_bits() {
        out.push(0xfb);
        out.extend_from_slice(&f.to_be_bytes());
        return;
    }
    let half = half::f16::from_f32(single);
    if f64::from(half.to_f32()).to_bits() == f.to_bits() {
        out.push(0xf9);
        out.extend_from_slice(&half.to_be_bytes());
    } else {
        out.push(0xfa);
        out.extend_from_slice(&single.to_be_bytes());
    }
}

/// An integer's head for `n`, if CBOR's integers (-2^64 to 2^64 - 1) hold it.
#[inline]
pub fn integer_head(n: i128) -> Option<Header> {
    match u64::try_from(n) {
        Ok(n) => Some(Header::Positive(n)),
        Err(_) => u64::try_from(-1 - n).ok().map(Header::Negative),
    }
}

/// The value of an integer's head.
#[inline]
pub fn integer(header: Header) -> Option<i128> {
    match header {
        Header::Positive(n) => Some(i128::from(n)),
        Header::Negative(n) => Some(-1 - i128::from(n)),
        _ => None,
    }
}

/// The text the item at the start of `bytes` holds, if it is a text of one piece.
pub fn text(bytes: &[u8]) -> Option<&str> {
    match head(bytes)? {
        (Header::Text(Some(len)), start) => std::str::from_utf8(bytes.get(start..start.checked_add(len)?)?).ok(),
        _ => None,
    }
}

/// The length in bytes of the item at the start of `bytes`, with all it holds.
pub fn item_len(bytes: &[u8]) -> Option<usize> {
    let (header, start) = head(bytes)?;
    extent(bytes, header, start)
}

/// [`item_len`] for an item whose head, `header`, is read and `start` bytes long.
fn extent(bytes: &[u8], header: Header, start: usize) -> Option<usize> {
    let len = match header {
        Header::Bytes(Some(len)) | Header::Text(Some(len)) => start.checked_add(len)?,
        Header::Bytes(None) | Header::Text(None) | Header::Array(_) | Header::Map(_) => {
            let mut left = items_in(header)?;
            let mut at = start;
            loop {
                match left {
                    Some(0) => break at,
                    None if bytes.get(at) == Some(&BREAK) => break at + 1,
                    _ => {}
                }
                at += item_len(&bytes[at..])?;
                left = left.map(|n| n - 1);
            }
        }
        Header::Tag(_) => start + item_len(&bytes[start..])?,
        Header::Break => return None,
        Header::Positive(_) | Header::Negative(_) | Header::Float(_) | Header::Simple(_) => start,
    };
    (len <= bytes.len()).then_some(len)
}

/// How many items a head announces: an array's, a map's (keys and values counted
/// apart), the pieces of a string in pieces; `Some(None)`: up to a break.
fn items_in(header: Header) -> Option<Option<usize>> {
    match header {
        Header::Array(count) => Some(count),
        Header::Map(Some(pairs)) => pairs.checked_mul(2).map(Some),
        Header::Map(None) | Header::Bytes(None) | Header::Text(None) => Some(None),
        _ => None,
    }
}

/// The break that ends an indefinite-length array, map or string.
const BREAK: u8 = 0xff;

/// Where each item of a CBOR item [`rewrite`] wrote starts and ends, in the order they
/// start (an array's or map's own before its items).
#[derive(Debug, Default)]
pub struct Tape {
    nodes: Vec<Node>,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    start: usize,
    end: usize,
    /// The index of the node after this one and all it holds.
    after: usize,
    /// Its head as written (an array's or map's with its length).
    header: Header,
}

/// Writes the item at the start of `bytes` to `out` (after what is there) with each
/// finite float replaced by what `float` makes of it (given the text key it is the
/// value of, if any) and each indefinite length made definite (serde writes a struct
/// with a flattened field as a map of unknown length; ciborium writes a `Value` with
/// its length); notes on `tape` where each item went. `None` if `bytes` is not one
/// whole CBOR item.
pub fn rewrite(
    bytes: &[u8],
    out: &mut Vec<u8>,
    tape: &mut Tape,
    float: &mut impl FnMut(f64, Option<&str>) -> f64,
) -> Option<()> {
    tape.nodes.clear();
    (rewrite_item(bytes, None, out, tape, float)? == bytes.len()).then_some(())
}

/// [`rewrite`] for the item at the start of `item`, the value of the key whose item
/// is `key`; gives the bytes it took.
fn rewrite_item(
    item: &[u8],
    key: Option<&[u8]>,
    out: &mut Vec<u8>,
    tape: &mut Tape,
    float: &mut impl FnMut(f64, Option<&str>) -> f64,
) -> Option<usize> {
    let (mut header, start) = head(item)?;
    let node = tape.nodes.len();
    tape.nodes.push(Node { start: out.len(), end: 0, after: 0, header });
    let len = match header {
        Header::Float(f) if f.is_finite() => {
            header = Header::Float(float(f, key.and_then(text)));
            write_head(out, header);
            start
        }
        Header::Array(_) | Header::Map(_) => {
            let (len, count) = rewrite_items(item, header, start, out, tape, float)?;
            header =
                if let Header::Map(_) = header { Header::Map(Some(count / 2)) } else { Header::Array(Some(count)) };
            len
        }
        Header::Tag(_) => {
            out.extend_from_slice(&item[..start]);
            start + rewrite_item(&item[start..], None, out, tape, float)?
        }
        _ => {
            let len = extent(item, header, start)?;
            out.extend_from_slice(&item[..len]);
            len
        }
    };
    let after = tape.nodes.len();
    tape.nodes[node] = Node { end: out.len(), after, header, ..tape.nodes[node] };
    Some(len)
}

/// [`rewrite_item`] for an array or map, whose head (`header`) is `start` bytes; gives
/// the bytes it took and how many items it holds (a map's keys and values counted
/// apart).
fn rewrite_items(
    item: &[u8],
    header: Header,
    start: usize,
    out: &mut Vec<u8>,
    tape: &mut Tape,
    float: &mut impl FnMut(f64, Option<&str>) -> f64,
) -> Option<(usize, usize)> {
    let count = items_in(header)?;
    let is_map = matches!(header, Header::Map(_));
    let head_at = out.len();
    out.extend_from_slice(&item[..start]);
    let first_item = tape.nodes.len();
    let (mut at, mut index) = (start, 0);
    let mut key = None;
    loop {
        match count {
            Some(n) if index == n => return Some((at, n)),
            None if item.get(at) == Some(&BREAK) => break,
            _ => {}
        }
        let is_key = is_map && index % 2 == 0;
        let len = rewrite_item(&item[at..], if is_key { None } else { key }, out, tape, float)?;
        key = is_key.then(|| &item[at..at + len]);
        at += len;
        index += 1;
    }
    let mut definite = Vec::with_capacity(9);
    write_head(&mut definite, if is_map { Header::Map(Some(index / 2)) } else { Header::Array(Some(index)) });
    // Longer than the one-byte head it replaces past 23 items: what follows moves.
    let moved = definite.len() - start;
    out.splice(head_at..head_at + start, definite);
    for node in &mut tape.nodes[first_item..] {
        node.start += moved;
        node.end += moved;
    }
    Some((at + 1, index))
}

/// An item of bytes [`rewrite`] wrote, found by its tape.
#[derive(Clone, Copy)]
pub struct Item<'a> {
    bytes: &'a [u8],
    tape: &'a Tape,
    index: usize,
}

impl<'a> Item<'a> {
    /// The item `bytes` hold, by the tape [`rewrite`] made as it wrote them.
    pub fn root(bytes: &'a [u8], tape: &'a Tape) -> Option<Item<'a>> {
        let node = tape.nodes.first()?;
        (node.start == 0 && node.end == bytes.len()).then_some(Item { bytes, tape, index: 0 })
    }

    #[inline]
    fn node(&self) -> Node {
        self.tape.nodes[self.index]
    }

    /// Its bytes, with all it holds.
    #[inline]
    pub fn bytes(&self) -> &'a [u8] {
        let node = self.node();
        &self.bytes[node.start..node.end]
    }

    /// Its head (an array's or map's with its length).
    #[inline]
    pub fn header(&self) -> Header {
        self.node().header
    }

    /// Its head's bytes: an array's or map's before its first item.
    pub fn head_bytes(&self) -> &'a [u8] {
        let node = self.node();
        let end = match self.tape.nodes.get(self.index + 1) {
            Some(first) if self.index + 1 < node.after => first.start,
            _ => node.end,
        };
        &self.bytes[node.start..end]
    }

    /// The items it holds in order: an array's, a map's keys and values in turn, a
    /// tag's one.
    pub fn items(&self) -> Items<'a> {
        Items { next: Item { index: self.index + 1, ..*self }, end: self.node().after }
    }
}

/// See [`Item::items`].
#[derive(Clone, Copy)]
pub struct Items<'a> {
    next: Item<'a>,
    end: usize,
}

impl<'a> Iterator for Items<'a> {
    type Item = Item<'a>;

    #[inline]
    fn next(&mut self) -> Option<Item<'a>> {
        if self.next.index >= self.end {
            return None;
        }
        let item = self.next;
        self.next.index = item.node().after;
        Some(item)
    }
}

impl<'a> Items<'a> {
    /// The next two: a map's next key and its value.
    #[inline]
    pub fn next_pair(&mut self) -> Option<(Item<'a>, Item<'a>)> {
        Some((self.next()?, self.next()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ciborium::Value;

    fn cbor(value: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::into_writer(value, &mut out).unwrap();
        out
    }

    fn sample() -> Value {
        Value::Map(vec![
            (Value::Text("a".into()), Value::Array(vec![Value::Integer(1.into()), Value::Float(0.5), Value::Null])),
            (Value::Text("b".into()), Value::Tag(2, Box::new(Value::Bytes(vec![1, 2, 3])))),
            (Value::Integer(7.into()), Value::Text("seven".into())),
            (Value::Text("c".into()), Value::Array(Vec::new())),
        ])
    }

    fn unchanged(f: f64, _: Option<&str>) -> f64 {
        f
    }

    #[test]
    fn an_item_ends_where_ciborium_stops_reading_it() {
        let bytes = cbor(&sample());
        let mut followed = bytes.clone();
        followed.extend_from_slice(&cbor(&Value::Integer(1.into())));
        assert_eq!(item_len(&followed), Some(bytes.len()));
        for cut in 0..bytes.len() {
            assert_eq!(item_len(&bytes[..cut]), None, "cut at {cut}");
            assert_eq!(rewrite(&bytes[..cut], &mut Vec::new(), &mut Tape::default(), &mut unchanged), None);
        }
        // Indefinite lengths: an array of a map, and a text in two pieces.
        let indefinite = [0x9f, 0xbf, 0x61, b'k', 0x01, 0xff, 0x7f, 0x61, b'x', 0x61, b'y', 0xff, 0xff, 0x00];
        assert_eq!(item_len(&indefinite), Some(indefinite.len() - 1));
        assert!(ciborium::from_reader::<Value, _>(&indefinite[..]).is_ok());
    }

    #[test]
    fn a_rewritten_item_is_found_again_by_its_tape() {
        let bytes = cbor(&sample());
        let (mut out, mut tape) = (Vec::new(), Tape::default());
        let mut keys = Vec::new();
        rewrite(&bytes, &mut out, &mut tape, &mut |f, key| {
            keys.push(key.map(str::to_string));
            f * 2.0
        })
        .unwrap();
        assert_eq!(keys, [None], "the float in the array under `a` is the value of no key");
        let root = Item::root(&out, &tape).unwrap();
        assert_eq!(root.bytes(), &out[..]);
        assert_eq!(root.head_bytes(), [0xa4]);
        let items: Vec<_> = root.items().collect();
        assert_eq!(items.len(), 8);
        assert_eq!(text(items[0].bytes()), Some("a"));
        assert_eq!(
            items[1].items().map(|i| i.bytes().to_vec()).collect::<Vec<_>>(),
            [vec![0x01], vec![0xf9, 0x3c, 0x00], vec![0xf6]]
        );
        assert_eq!(items[3].items().next().map(|i| i.bytes()), Some(&[0x43, 1, 2, 3][..]));
        assert_eq!(items[7].head_bytes(), [0x80]);
        assert_eq!(items[7].items().count(), 0);
        let mut pairs = root.items();
        assert_eq!(pairs.next_pair().map(|(k, _)| text(k.bytes())), Some(Some("a")));
        // A float's key is passed; others are as they were.
        let (mut out, mut tape) = (Vec::new(), Tape::default());
        let mut keys = Vec::new();
        let keyed = cbor(&Value::Map(vec![(Value::Text("k".into()), Value::Float(0.5))]));
        rewrite(&keyed, &mut out, &mut tape, &mut |f, key| {
            keys.push(key.map(str::to_string));
            f
        })
        .unwrap();
        assert_eq!((keys, out), (vec![Some("k".to_string())], keyed));
    }

    #[test]
    fn an_indefinite_length_is_rewritten_as_the_length_it_had() {
        // A map of one pair, then 24 zeros, in an array (25 items: a longer head than
        // the break's), then an integer after it.
        let mut indefinite = vec![0x9f, 0xbf, 0x61, b'k', 0x01, 0xff];
        indefinite.extend([0x00; 24]);
        indefinite.push(0xff);
        let value: Value = ciborium::from_reader(&indefinite[..]).unwrap();
        let (mut out, mut tape) = (Vec::new(), Tape::default());
        rewrite(&indefinite, &mut out, &mut tape, &mut unchanged).unwrap();
        assert_eq!(out, cbor(&value));
        let root = Item::root(&out, &tape).unwrap();
        let first = root.items().next().unwrap();
        assert_eq!(first.bytes(), [0xa1, 0x61, b'k', 0x01], "found where it moved to");
        assert_eq!(root.items().last().map(|i| i.bytes()), Some(&[0x00][..]));
    }

    /// What ciborium-ll reads at the start of `bytes`, as [`head`] gives it.
    fn as_ciborium_reads(bytes: &[u8]) -> Option<(Header, usize)> {
        let mut decoder = ciborium_ll::Decoder::from(bytes);
        let header = decoder.pull().ok()?;
        Some((header, decoder.offset()))
    }

    #[test]
    fn every_head_is_read_and_written_as_ciborium_reads_and_writes_it() {
        let debug = |h: Option<(Header, usize)>| format!("{h:?}");
        for initial in 0..=255u8 {
            for tail in
                [[0u8; 8], [0x7c, 0, 0, 0, 0, 0, 0, 1], [0xff; 8], [0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a]]
            {
                let mut bytes = vec![initial];
                bytes.extend_from_slice(&tail);
                for len in 1..=bytes.len() {
                    let read = head(&bytes[..len]);
                    assert_eq!(debug(read), debug(as_ciborium_reads(&bytes[..len])), "{:02x?}", &bytes[..len]);
                    let Some((header, _)) = read else { continue };
                    let mut mine = Vec::new();
                    write_head(&mut mine, header);
                    let mut theirs = Vec::new();
                    ciborium_ll::Encoder::from(&mut theirs).push(header).unwrap();
                    assert_eq!(mine, theirs, "{header:?}");
                }
            }
        }
    }

    #[test]
    fn integers_are_written_in_their_shortest_heads() {
        for n in [0i128, 23, 24, 255, 256, -1, -24, -25, -257, i128::from(u64::MAX), -1 - i128::from(u64::MAX)] {
            let mut out = Vec::new();
            write_head(&mut out, integer_head(n).unwrap());
            assert_eq!(out, cbor(&Value::Integer(n.try_into().unwrap())), "{n}");
            assert_eq!(head(&out).and_then(|(h, _)| integer(h)), Some(n));
        }
        assert_eq!(integer_head(i128::from(u64::MAX) + 1), None);
        assert_eq!(integer_head(-2 - i128::from(u64::MAX)), None);
    }
}
