//! Web Push pushers (MSC4174; docs/rules.md section 3, rule W): the browser's P-256 public key
//! in `pushkey` and the auth secret in `data.auth`, both URL-safe Base64 without padding.

use crate::p256::is_on_curve;

/// Characters of an encoded P-256 public key: 65 bytes in unpadded Base64.
const KEY_CHARS: usize = 87;
/// Characters of an encoded auth secret: 16 bytes in unpadded Base64.
const AUTH_CHARS: usize = 22;

/// The value of one character of the URL-safe alphabet (RFC 4648 section 5).
fn sextet(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    }))
}

/// Decodes unpadded URL-safe Base64 into `out`, which must be exactly the decoded length.
///
/// NOTE: the bits left over after the last whole byte must be zero (RFC 4648 section 3.5 lets a
/// decoder refuse them): otherwise one key would have several spellings, and a pushkey is an
/// identity compared byte for byte.
fn decode(text: &[u8], out: &mut [u8]) -> bool {
    let mut acc = 0u32;
    let mut bits = 0;
    let mut n = 0;
    for &c in text {
        let Some(v) = sextet(c) else {
            return false;
        };
        acc = (acc << 6 | v) & 0xfff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            let Some(slot) = out.get_mut(n) else {
                return false;
            };
            *slot = (acc >> bits) as u8;
            n += 1;
        }
    }
    n == out.len() && acc & ((1 << bits) - 1) == 0
}

/// Rule W for `pushkey`, after rule P: `None` when it is an uncompressed point on P-256.
#[cold]
#[inline(never)]
pub(crate) fn key_problem(key: &str) -> Option<&'static str> {
    let mut point = [0u8; 65];
    if key.len() != KEY_CHARS || !decode(key.as_bytes(), &mut point) {
        return Some(
            "must be a p-256 public key: 87 characters of url-safe base64 without padding",
        );
    }
    if point[0] != 0x04 {
        return Some("must be an uncompressed p-256 point (first byte 0x04)");
    }
    if is_on_curve(&point) {
        None
    } else {
        Some("is not a point on the p-256 curve")
    }
}

/// Rule W for `data.auth`: `None` when it is 16 bytes in unpadded URL-safe Base64.
#[cold]
#[inline(never)]
pub(crate) fn auth_problem(auth: &str) -> Option<&'static str> {
    let mut secret = [0u8; 16];
    if auth.len() == AUTH_CHARS && decode(auth.as_bytes(), &mut secret) {
        None
    } else {
        Some("must be 16 bytes in url-safe base64 without padding (22 characters)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real P-256 public key, as `PushSubscription.getKey("p256dh")` gives it, encoded.
    const KEY: &str =
        "BP6AW4zwL692ME6iV2a7LlygB4dgiBOsf4obHeoDTSbhpCNpB10hRxa_6lMi4jFXU5Yi31cf67IwwNoRGy-oZkA";

    #[test]
    fn accepts_a_browser_key() {
        assert_eq!(key_problem(KEY), None);
    }

    #[test]
    fn refuses_keys_of_the_wrong_length_or_alphabet() {
        assert!(key_problem(&KEY[..86]).is_some());
        assert!(key_problem(&format!("{KEY}A")).is_some());
        assert!(key_problem(&format!("{}=", &KEY[..86])).is_some());
        assert!(key_problem(&KEY.replace('_', "/")).is_some());
        assert!(key_problem(&KEY.replace('-', "+")).is_some());
    }

    #[test]
    fn refuses_leftover_bits() {
        // The last character carries 2 bits of the last byte and 4 bits that must be zero.
        let mut key = KEY.to_owned();
        key.pop();
        key.push('B');
        assert!(key_problem(&key).is_some());
    }

    #[test]
    fn refuses_a_compressed_prefix() {
        let key = format!("A{}", &KEY[1..]);
        assert_eq!(
            key_problem(&key),
            Some("must be an uncompressed p-256 point (first byte 0x04)")
        );
    }

    #[test]
    fn checks_auth_secrets() {
        assert_eq!(auth_problem("BTBZMqHH6r4Tts7J_aSIgg"), None);
        assert!(auth_problem("BTBZMqHH6r4Tts7J_aSIg").is_some());
        assert!(auth_problem("BTBZMqHH6r4Tts7J_aSIgg=").is_some());
        assert!(auth_problem("BTBZMqHH6r4Tts7J_aSIgh").is_some());
        assert!(auth_problem("BTBZMqHH6r4Tts7J+aSIgg").is_some());
    }
}
