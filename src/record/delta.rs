//! Delta coding of a sample against the one of its kind before it in the same block
//! (format version 2, see the [module doc](super)): every integer is written as its
//! difference from the integer at the same place (same map key, same array index) of
//! the previous sample. A counter that grew by a few kilobytes, a memory figure that
//! moved by a page, a byte count that did not change: each becomes a small integer
//! (one to three bytes, mostly the same few values) where it was a 5- to 9-byte number
//! whose low bytes differ every second, which zstd can only store as literals.
//!
//! Only integers: floats (rates, percentages, already narrowed by [`super::format`])
//! coded as differences of their bits made recordings larger, not smaller (measured on
//! two recordings of this VM: +3 % and +9 %), since a noisy rate's difference is as
//! random as the rate and a steady one already repeats byte for byte, which zstd codes
//! as a match. Text, booleans, nulls and floats are written as they are. The coding is
//! exact: decoding gives back the very values encoded.
//!
//! Whether an integer in a coded sample is a difference is decided by what stands at
//! its place in the previous (decoded) sample, so nothing marks it: an integer over an
//! integer is a difference; anything else is itself. The one integer that cannot be
//! written so, a difference outside CBOR's integers (from near -2^64 to near 2^64), is
//! written whole inside the tag [`LITERAL_TAG`].
//!
//! The writer codes a sample as its bytes stand ([`encode`], walked by
//! [`super::cbor`]); the reader undoes it on the tree it decodes anyway ([`decode`]).

use super::cbor::{self, Item, Items};
use ciborium::Value;
use ciborium::value::Integer;
use ciborium_ll::Header;

/// Marks an integer written whole where the previous sample had an integer: a CBOR tag
/// number ("ctop" in ASCII) no registered meaning uses.
pub const LITERAL_TAG: u64 = 0x6374_6f70;

fn int(v: &Integer) -> i128 {
    i128::from(*v)
}

/// Appends `item` as its differences from `previous` (the item at its place in the
/// sample before, if there is one); both as [`cbor::rewrite`] wrote them.
pub fn encode(item: Item, previous: Option<Item>, out: &mut Vec<u8>) {
    match (item.header(), previous.map(|p| (p.header(), p))) {
        (
            h @ (Header::Positive(_) | Header::Negative(_)),
            Some((p @ (Header::Positive(_) | Header::Negative(_)), _)),
        ) => {
            let difference = cbor::integer(h).zip(cbor::integer(p)).map(|(h, p)| h - p);
            match difference.and_then(cbor::integer_head) {
                Some(d) => cbor::write_head(out, d),
                None => {
                    cbor::write_head(out, Header::Tag(LITERAL_TAG));
                    out.extend_from_slice(item.bytes());
                }
            }
        }
        (Header::Array(_), Some((Header::Array(_), p))) => {
            out.extend_from_slice(item.head_bytes());
            let mut before = p.items();
            for item in item.items() {
                encode(item, before.next(), out);
            }
        }
        (Header::Map(_), Some((Header::Map(_), p))) => {
            out.extend_from_slice(item.head_bytes());
            let mut counterparts = Counterparts { all: p.items(), next: p.items() };
            let mut pairs = item.items();
            while let Some((key, value)) = pairs.next_pair() {
                out.extend_from_slice(key.bytes());
                encode(value, counterparts.of(key.bytes()), out);
            }
        }
        _ => out.extend_from_slice(item.bytes()),
    }
}

/// The values of the previous sample's map, found by key as [`counterpart`] finds them
/// when decoding. Keys are unique in a map (serde writes each field, each map key,
/// once), so the pair found is the one the decoder finds; looking first after the pair
/// found last keeps it one step per key while the maps' keys run in the same order, as
/// they do but where a field was left out.
struct Counterparts<'a> {
    all: Items<'a>,
    next: Items<'a>,
}

impl<'a> Counterparts<'a> {
    fn of(&mut self, key: &[u8]) -> Option<Item<'a>> {
        let mut after = self.next;
        if let Some((k, v)) = after.next_pair()
            && k.bytes() == key
        {
            self.next = after;
            return Some(v);
        }
        let mut scan = self.all;
        while let Some((k, v)) = scan.next_pair() {
            if k.bytes() == key {
                self.next = scan;
                return Some(v);
            }
        }
        None
    }
}

/// Undoes [`encode`] in place, given the same `previous`; `None` if the sample is not
/// one that encoding could have made (damaged).
pub fn decode(value: &mut Value, previous: &Value) -> Option<()> {
    match (&mut *value, previous) {
        (Value::Tag(LITERAL_TAG, inner), Value::Integer(_)) => *value = std::mem::replace(&mut **inner, Value::Null),
        (Value::Integer(d), Value::Integer(p)) => *d = (int(d) + int(p)).try_into().ok()?,
        (Value::Array(items), Value::Array(before)) => {
            for (item, b) in items.iter_mut().zip(before) {
                decode(item, b)?;
            }
        }
        (Value::Map(entries), Value::Map(before)) => {
            for (i, (k, v)) in entries.iter_mut().enumerate() {
                if let Some(b) = counterpart(before, i, k) {
                    decode(v, b)?;
                }
            }
        }
        _ => {}
    }
    Some(())
}

/// The previous sample's value for key `k`, found at the same position when the maps
/// have the same keys in the same order (serde writes a struct's fields in order).
fn counterpart<'a>(before: &'a [(Value, Value)], i: usize, k: &Value) -> Option<&'a Value> {
    match before.get(i) {
        Some((bk, bv)) if bk == k => Some(bv),
        _ => before.iter().find(|(bk, _)| bk == k).map(|(_, bv)| bv),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::cbor::Tape;

    fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (Value::Text(k.into()), v)).collect())
    }

    fn cbor(value: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::into_writer(value, &mut out).unwrap();
        out
    }

    /// The bytes of `value` and their tape.
    fn written(value: &Value) -> (Vec<u8>, Tape) {
        let (mut out, mut tape) = (Vec::new(), Tape::default());
        cbor::rewrite(&cbor(value), &mut out, &mut tape, &mut |f, _| f).unwrap();
        (out, tape)
    }

    /// `now` coded against `before`, read back as a tree.
    fn coded(now: &Value, before: &Value) -> Value {
        let ((now, now_tape), (before, before_tape)) = (written(now), written(before));
        let mut out = Vec::new();
        encode(Item::root(&now, &now_tape).unwrap(), Item::root(&before, &before_tape), &mut out);
        ciborium::from_reader(&out[..]).unwrap()
    }

    #[test]
    fn every_value_comes_back_exactly() {
        let before = map(vec![
            ("count", Value::Integer(u64::MAX.into())),
            ("small", Value::Integer((-5).into())),
            ("rate", Value::Float(1536.0)),
            ("name", Value::Text("eth0".into())),
            ("list", Value::Array(vec![Value::Float(0.5), Value::Integer(7.into())])),
            ("gone", Value::Null),
            ("was_float", Value::Float(1.0)),
            ("left_out", Value::Integer(1.into())),
            ("after", Value::Integer(10.into())),
        ]);
        let now = map(vec![
            ("small", Value::Integer(3.into())),
            ("count", Value::Integer((u64::MAX - 2).into())),
            ("rate", Value::Float(1540.0)),
            ("name", Value::Text("eth1".into())),
            ("list", Value::Array(vec![Value::Float(-0.25), Value::Integer(9.into()), Value::Bool(true)])),
            ("gone", Value::Integer(2.into())),
            ("was_float", Value::Integer(1.into())),
            ("after", Value::Integer(12.into())),
            ("new", Value::Integer(1.into())),
        ]);
        let got = coded(&now, &before);
        let Value::Map(entries) = &got else { unreachable!() };
        assert_eq!(entries[0].1, Value::Integer(8.into()), "found by key though moved");
        assert_eq!(entries[1].1, Value::Integer((-2).into()));
        assert_eq!(entries[2].1, Value::Float(1540.0), "floats as they are");
        assert_eq!(entries[7].1, Value::Integer(2.into()), "found after a field left out");
        assert_eq!(entries[8].1, Value::Integer(1.into()), "a new field as it is");
        let mut back = got.clone();
        decode(&mut back, &before).unwrap();
        assert_eq!(back, now);
        // Over nothing, or over something else, an item is as it is.
        let (bytes, tape) = written(&now);
        let mut alone = Vec::new();
        encode(Item::root(&bytes, &tape).unwrap(), None, &mut alone);
        assert_eq!(alone, cbor(&now));
        assert_eq!(coded(&now, &Value::Text("x".into())), now);
    }

    #[test]
    fn a_difference_outside_cbor_integers_is_written_whole() {
        let before = map(vec![("x", Value::Integer(u64::MAX.into()))]);
        let now = map(vec![("x", Value::Integer((-(1i128 << 64)).try_into().unwrap()))]);
        let coded = coded(&now, &before);
        assert!(matches!(&coded, Value::Map(e) if matches!(e[0].1, Value::Tag(LITERAL_TAG, _))), "{coded:?}");
        let mut back = coded;
        decode(&mut back, &before).unwrap();
        assert_eq!(back, now);
        // A difference that leads outside them is damage.
        let mut bad = map(vec![("x", Value::Integer(u64::MAX.into()))]);
        assert_eq!(decode(&mut bad, &before), None);
    }
}
