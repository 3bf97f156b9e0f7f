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

use ciborium::Value;
use ciborium::value::Integer;

/// Marks an integer written whole where the previous sample had an integer: a CBOR tag
/// number ("ctop" in ASCII) no registered meaning uses.
pub const LITERAL_TAG: u64 = 0x6374_6f70;

fn int(v: &Integer) -> i128 {
    i128::from(*v)
}

/// `value` rewritten as its differences from `previous`.
pub fn encode(value: &Value, previous: &Value) -> Value {
    match (value, previous) {
        (Value::Integer(v), Value::Integer(p)) => match Integer::try_from(int(v) - int(p)) {
            Ok(d) => Value::Integer(d),
            Err(_) => Value::Tag(LITERAL_TAG, Box::new(value.clone())),
        },
        (Value::Array(items), Value::Array(before)) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| match before.get(i) {
                    Some(b) => encode(item, b),
                    None => item.clone(),
                })
                .collect(),
        ),
        (Value::Map(entries), Value::Map(before)) => Value::Map(
            entries
                .iter()
                .enumerate()
                .map(|(i, (k, v))| match counterpart(before, i, k) {
                    Some(b) => (k.clone(), encode(v, b)),
                    None => (k.clone(), v.clone()),
                })
                .collect(),
        ),
        _ => value.clone(),
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

    fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (Value::Text(k.into()), v)).collect())
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
        ]);
        let now = map(vec![
            ("small", Value::Integer(3.into())),
            ("count", Value::Integer((u64::MAX - 2).into())),
            ("rate", Value::Float(1540.0)),
            ("name", Value::Text("eth1".into())),
            ("list", Value::Array(vec![Value::Float(-0.25), Value::Integer(9.into()), Value::Bool(true)])),
            ("gone", Value::Integer(2.into())),
            ("was_float", Value::Integer(1.into())),
            ("new", Value::Integer(1.into())),
        ]);
        let coded = encode(&now, &before);
        let Value::Map(entries) = &coded else { unreachable!() };
        assert_eq!(entries[0].1, Value::Integer(8.into()), "found by key though moved");
        assert_eq!(entries[1].1, Value::Integer((-2).into()));
        assert_eq!(entries[2].1, Value::Float(1540.0), "floats as they are");
        let mut back = coded.clone();
        decode(&mut back, &before).unwrap();
        assert_eq!(back, now);
    }

    #[test]
    fn a_difference_outside_cbor_integers_is_written_whole() {
        let before = map(vec![("x", Value::Integer(u64::MAX.into()))]);
        let now = map(vec![("x", Value::Integer((-(1i128 << 64)).try_into().unwrap()))]);
        let coded = encode(&now, &before);
        assert!(matches!(&coded, Value::Map(e) if matches!(e[0].1, Value::Tag(LITERAL_TAG, _))), "{coded:?}");
        let mut back = coded;
        decode(&mut back, &before).unwrap();
        assert_eq!(back, now);
        // A difference that leads outside them is damage.
        let mut bad = map(vec![("x", Value::Integer(u64::MAX.into()))]);
        assert_eq!(decode(&mut bad, &before), None);
    }
}
