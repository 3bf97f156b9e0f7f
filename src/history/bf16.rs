//! Figures history keeps to about three significant digits in two bytes: the top half
//! of an `f32` (the "bfloat16" layout: the same range, 8 bits of mantissa, relative
//! error under 0.4 %), which is all a rate or a size on screen needs. Hand-written: it
//! is the two shifts below, not worth a crate.

/// "Unknown": a NaN no rounding of a real value produces.
pub const NONE: u16 = u16::MAX;

/// `v` rounded to the nearest value two bytes hold; `None` and NaN as [`NONE`].
pub fn pack(v: Option<f64>) -> u16 {
    let Some(v) = v.filter(|v| !v.is_nan()) else { return NONE };
    let bits = (v as f32).to_bits();
    // Round to nearest: add half of what is cut off. Infinities stay infinite; the
    // largest finite values may round up to infinity, which is what they nearly are.
    let rounded = bits.wrapping_add(0x7FFF + ((bits >> 16) & 1));
    (rounded >> 16) as u16
}

pub fn unpack(v: u16) -> Option<f64> {
    (v != NONE).then(|| f64::from(f32::from_bits(u32::from(v) << 16)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_within_four_thousandths() {
        for v in [0.0, 1.0, 0.25, 97.3, 123_456_789.0, 3.2e12, 1e-3, -5.5, 65_535.0] {
            let back = unpack(pack(Some(v))).unwrap();
            assert!((back - v).abs() <= v.abs() * 0.004, "{v} → {back}");
        }
        assert_eq!(unpack(pack(Some(0.0))), Some(0.0));
        assert_eq!(unpack(pack(Some(4096.0))), Some(4096.0));
        assert_eq!(unpack(pack(None)), None);
        assert_eq!(unpack(pack(Some(f64::NAN))), None);
    }
}
