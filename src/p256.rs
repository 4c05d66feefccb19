//! Whether two coordinates are a point on the NIST P-256 curve (docs/rules.md section 3, rule W).
//!
//! A Web Push `pushkey` is the browser's P-256 public key. Checking that it lies on the curve
//! needs only `y² = x³ − 3x + b (mod p)` with both coordinates below `p`: no scalar
//! multiplication, no square root, no constant-time care (the key is public). That is a few
//! Montgomery multiplications on eight 32-bit limbs, far smaller than a general elliptic-curve
//! library; `tests/p256.rs` checks it against RustCrypto's `p256`.

/// A number below 2²⁵⁶, as eight 32-bit limbs, least significant first.
type Limbs = [u32; 8];

/// The field prime `p = 2²⁵⁶ − 2²²⁴ + 2¹⁹² + 2⁹⁶ − 1`.
const P: Limbs = [
    0xffff_ffff,
    0xffff_ffff,
    0xffff_ffff,
    0,
    0,
    0,
    1,
    0xffff_ffff,
];
/// `R² mod p` with `R = 2²⁵⁶`: Montgomery multiplication by it brings a number into Montgomery
/// form.
const R2: Limbs = [
    3,
    0,
    0xffff_ffff,
    0xffff_fffb,
    0xffff_fffe,
    0xffff_ffff,
    0xffff_fffd,
    4,
];
/// The curve's `b` in Montgomery form (`b·R mod p`).
const B_MONT: Limbs = [
    0x29c4_bddf,
    0xd89c_df62,
    0x7884_3090,
    0xacf0_05cd,
    0xf721_2ed6,
    0xe5a2_20ab,
    0x0487_4834,
    0xdc30_061d,
];

/// Whether an uncompressed point (`0x04`, then `x` and `y`, 32 bytes each, big-endian) has the
/// affine coordinates of a point on P-256. Coordinates of `p` or more are refused: they are not
/// field elements. The first byte is not looked at.
#[must_use]
#[inline(never)]
pub(crate) fn is_on_curve(point: &[u8; 65]) -> bool {
    let (Some(x), Some(y)) = (field_element(&point[1..33]), field_element(&point[33..])) else {
        return false;
    };
    let x = mont_mul(&x, &R2);
    let y = mont_mul(&y, &R2);
    let lhs = mont_mul(&y, &y);
    let x3 = mont_mul(&mont_mul(&x, &x), &x);
    let three_x = add_mod(&add_mod(&x, &x), &x);
    let rhs = add_mod(&sub_mod(&x3, &three_x), &B_MONT);
    lhs == rhs
}

/// The limbs of 32 big-endian bytes, or `None` when the number is not below `p`.
fn field_element(bytes: &[u8]) -> Option<Limbs> {
    let mut limbs = [0u32; 8];
    for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(4).rev()) {
        *limb = chunk
            .iter()
            .fold(0u32, |acc, &byte| acc << 8 | u32::from(byte));
    }
    less_than_p(&limbs).then_some(limbs)
}

fn less_than_p(a: &Limbs) -> bool {
    for i in (0..8).rev() {
        if a[i] != P[i] {
            return a[i] < P[i];
        }
    }
    false
}

/// `a − b` over 256 bits, and whether it borrowed.
fn sub(a: &Limbs, b: &Limbs) -> (Limbs, bool) {
    let mut out = [0u32; 8];
    let mut borrow = 0u64;
    for i in 0..8 {
        let d = u64::from(a[i])
            .wrapping_sub(u64::from(b[i]))
            .wrapping_sub(borrow);
        out[i] = d as u32;
        borrow = (d >> 63) & 1;
    }
    (out, borrow != 0)
}

/// `a + b` over 256 bits, and whether it carried.
fn add(a: &Limbs, b: &Limbs) -> (Limbs, bool) {
    let mut out = [0u32; 8];
    let mut carry = 0u64;
    for i in 0..8 {
        let s = u64::from(a[i]) + u64::from(b[i]) + carry;
        out[i] = s as u32;
        carry = s >> 32;
    }
    (out, carry != 0)
}

/// `a + b mod p`, for `a, b < p`.
fn add_mod(a: &Limbs, b: &Limbs) -> Limbs {
    let (sum, carry) = add(a, b);
    if carry || !less_than_p(&sum) {
        sub(&sum, &P).0
    } else {
        sum
    }
}

/// `a − b mod p`, for `a, b < p`.
fn sub_mod(a: &Limbs, b: &Limbs) -> Limbs {
    let (difference, borrow) = sub(a, b);
    if borrow {
        add(&difference, &P).0
    } else {
        difference
    }
}

/// Montgomery multiplication: `a·b·R⁻¹ mod p` for `a, b < p` (CIOS). `−p⁻¹ mod 2³²` is 1, since
/// the lowest limb of `p` is `2³² − 1`.
fn mont_mul(a: &Limbs, b: &Limbs) -> Limbs {
    let mut t = [0u32; 10];
    for &bi in b {
        let mut carry = 0u64;
        for j in 0..8 {
            let s = u64::from(t[j]) + u64::from(a[j]) * u64::from(bi) + carry;
            t[j] = s as u32;
            carry = s >> 32;
        }
        let s = u64::from(t[8]) + carry;
        t[8] = s as u32;
        t[9] = (s >> 32) as u32;
        let m = u64::from(t[0]);
        let mut carry = (u64::from(t[0]) + m * u64::from(P[0])) >> 32;
        for j in 1..8 {
            let s = u64::from(t[j]) + m * u64::from(P[j]) + carry;
            t[j - 1] = s as u32;
            carry = s >> 32;
        }
        let s = u64::from(t[8]) + carry;
        t[7] = s as u32;
        t[8] = t[9] + (s >> 32) as u32;
    }
    let mut out = [0u32; 8];
    out.copy_from_slice(&t[..8]);
    // The result is below 2p: one subtraction at most.
    if t[8] != 0 || !less_than_p(&out) {
        out = sub(&out, &P).0;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(hex: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap_or(0);
        }
        out
    }

    fn is_on_curve(x: &[u8; 32], y: &[u8; 32]) -> bool {
        let mut point = [4u8; 65];
        point[1..33].copy_from_slice(x);
        point[33..].copy_from_slice(y);
        super::is_on_curve(&point)
    }

    const GX: &str = "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
    const GY: &str = "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";

    #[test]
    fn accepts_the_generator() {
        assert!(is_on_curve(&bytes(GX), &bytes(GY)));
    }

    #[test]
    fn refuses_the_generator_with_a_changed_coordinate() {
        let mut y = bytes(GY);
        y[31] ^= 1;
        assert!(!is_on_curve(&bytes(GX), &y));
    }

    #[test]
    fn refuses_coordinates_of_p_or_more() {
        let p = bytes("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
        assert!(!is_on_curve(&p, &bytes(GY)));
        assert!(!is_on_curve(&bytes(GX), &[0xff; 32]));
    }

    #[test]
    fn multiplies_in_montgomery_form() {
        // R² · 1 · R⁻¹ = R mod p, and R · R⁻¹ = 1.
        let one = [1, 0, 0, 0, 0, 0, 0, 0];
        let r = mont_mul(&R2, &one);
        assert_eq!(mont_mul(&r, &one), one);
    }
}
