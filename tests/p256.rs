//! The on-curve check of Web Push keys (docs/rules.md section 3, rule W) against RustCrypto's
//! `p256`, through the public entry point: real keys from random scalars, bit flips of them,
//! random points, coordinates of `p` or more, compressed and infinity encodings.

use matrix_pusher_validator::{ErrorCode, Options, Outcome, PusherKind, validate};
use p256::elliptic_curve::sec1::{FromEncodedPoint, ToEncodedPoint};
use proptest::prelude::*;

/// The field prime of P-256, big-endian.
const P: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
];

/// Unpadded URL-safe Base64 (RFC 4648 section 5), written here so the test shares no code with
/// the decoder under test.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// What RustCrypto says of an encoding: a valid point (any SEC1 form).
fn reference_accepts(encoded: &[u8]) -> bool {
    p256::EncodedPoint::from_bytes(encoded)
        .ok()
        .is_some_and(|point| bool::from(p256::AffinePoint::from_encoded_point(&point).is_some()))
}

fn web_push(pushkey: &str) -> Outcome {
    let body = format!(
        r#"{{"kind":"webpush","app_id":"org.example.web","pushkey":"{pushkey}","app_display_name":"Web","device_display_name":"Browser","lang":"en","data":{{"url":"https://push.example.org/w/1","auth":"ZlgTFFmdkbupEZ40Khzjjw"}}}}"#
    );
    validate(
        body.as_bytes(),
        &Options {
            kinds: vec![PusherKind::WebPush],
            ..Options::default()
        },
    )
}

/// Whether the key was accepted; a refusal must be the key's alone.
fn accepts(encoded: &[u8]) -> bool {
    match web_push(&base64url(encoded)) {
        Outcome::Set { pusher, .. } => {
            assert_eq!(pusher.pushkey, base64url(encoded));
            true
        }
        Outcome::Rejected { errors, .. } => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert_eq!(
                (errors[0].errcode, errors[0].path.as_str()),
                (ErrorCode::InvalidParam, "/pushkey")
            );
            false
        }
        Outcome::Delete { .. } => panic!("a set became a delete"),
    }
}

fn uncompressed(scalar: &[u8; 32]) -> Option<Vec<u8>> {
    let key = p256::SecretKey::from_slice(scalar).ok()?;
    Some(key.public_key().to_encoded_point(false).as_bytes().to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn accepts_every_public_key_of_a_random_scalar(scalar in any::<[u8; 32]>()) {
        if let Some(point) = uncompressed(&scalar) {
            prop_assert_eq!(point.len(), 65);
            prop_assert!(accepts(&point));
        }
    }

    #[test]
    fn agrees_with_the_reference_on_every_bit_flip(scalar in any::<[u8; 32]>(), bit in 8usize..520) {
        if let Some(mut point) = uncompressed(&scalar) {
            point[bit / 8] ^= 1 << (bit % 8);
            prop_assert_eq!(accepts(&point), reference_accepts(&point));
        }
    }

    #[test]
    fn agrees_with_the_reference_on_random_points(mut point in any::<[u8; 65]>().prop_map(|p| p.to_vec())) {
        point[0] = 4;
        prop_assert_eq!(accepts(&point), reference_accepts(&point));
    }

    #[test]
    fn refuses_coordinates_of_p_or_more(scalar in any::<[u8; 32]>(), add in 0u8..=255, which in 0usize..2) {
        if let Some(mut point) = uncompressed(&scalar) {
            // The coordinate becomes p plus `add` in byte 15, which is zero in p: p or more.
            let at = 1 + 32 * which;
            point[at..at + 32].copy_from_slice(&P);
            point[at + 15] = add;
            prop_assert!(!reference_accepts(&point));
            prop_assert!(!accepts(&point));
        }
    }

    #[test]
    fn refuses_other_encodings_of_valid_points(scalar in any::<[u8; 32]>(), prefix in prop::sample::select(vec![0u8, 2, 3, 5, 6, 7])) {
        if let Some(point) = uncompressed(&scalar) {
            let key = p256::SecretKey::from_slice(&scalar).unwrap_or_else(|_| unreachable!());
            let compressed = key.public_key().to_encoded_point(true).as_bytes().to_vec();
            prop_assert!(reference_accepts(&compressed), "the reference reads compressed points");
            prop_assert!(!accepts(&compressed));
            let mut other = point.clone();
            other[0] = prefix;
            prop_assert!(!accepts(&other));
        }
    }
}

#[test]
fn refuses_the_point_at_infinity_and_the_origin() {
    assert!(!accepts(&[0]));
    assert!(!accepts(&[0; 65]));
    let mut origin = [0u8; 65];
    origin[0] = 4;
    assert!(!reference_accepts(&origin));
    assert!(!accepts(&origin));
}

#[test]
fn refuses_x_equal_to_p_where_x_zero_is_on_the_curve() {
    // (0, sqrt(b)) is a point of P-256; x = p is the same x unreduced and must be refused.
    let y = [
        0x66, 0x48, 0x5c, 0x78, 0x0e, 0x2f, 0x83, 0xd7, 0x24, 0x33, 0xbd, 0x5d, 0x84, 0xa0, 0x6b,
        0xb6, 0x54, 0x1c, 0x2a, 0xf3, 0x1d, 0xae, 0x87, 0x17, 0x28, 0xbf, 0x85, 0x6a, 0x17, 0x4f,
        0x93, 0xf4,
    ];
    let mut point = [0u8; 65];
    point[0] = 4;
    point[33..].copy_from_slice(&y);
    assert!(reference_accepts(&point));
    assert!(accepts(&point));
    point[1..33].copy_from_slice(&P);
    assert!(!reference_accepts(&point));
    assert!(!accepts(&point));
}

#[test]
fn the_encoder_here_matches_a_known_key() {
    // The generator of P-256, uncompressed, and its URL-safe Base64.
    let g = p256::AffinePoint::GENERATOR.to_encoded_point(false);
    assert_eq!(
        base64url(g.as_bytes()),
        "BGsX0fLhLEJH-Lzm5WOkQPJ3A32BLeszoPShOUXYmMKWT-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU"
    );
    assert!(accepts(g.as_bytes()));
}
