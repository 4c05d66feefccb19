//! Scans for classes of ASCII bytes, eight bytes at a time.
//!
//! Every class here is ASCII (or "not ASCII"), and the bytes of a longer UTF-8 sequence are never
//! ASCII, so a scan over the bytes of a string finds exactly the characters of the class.

const ONES: u64 = u64::from_ne_bytes([1; 8]);
const HIGH: u64 = ONES * 0x80;

/// The high bit of some byte of the result is set if and only if some byte of `word` is below
/// `n` (at most 0x80). Exact as to whether there is one; which byte is not needed here.
const fn below(word: u64, n: u8) -> u64 {
    word.wrapping_sub(ONES * n as u64) & !word & HIGH
}

/// As [`below`], for the bytes equal to `b`.
const fn equal(word: u64, b: u8) -> u64 {
    below(word ^ (ONES * b as u64), 1)
}

/// Whether `s` holds a control character (U+0000 to U+001F, U+007F).
pub(crate) fn has_control(s: &str) -> bool {
    let bytes = s.as_bytes();
    let hits = |word: u64| below(word, 0x20) | equal(word, 0x7f);
    let mut words = bytes.chunks_exact(8);
    // Every word is read (no early exit): a string with a control is the rare case.
    let mut found = 0;
    for word in words.by_ref() {
        found |= hits(
            word.first_chunk::<8>()
                .map_or(0, |w| u64::from_le_bytes(*w)),
        );
    }
    let rest = words.remainder();
    match bytes.last_chunk::<8>() {
        // The rest as the last eight bytes: those read twice are told the same way again.
        Some(last) => found |= hits(u64::from_le_bytes(*last)),
        None => return rest.iter().any(|&b| b < 0x20 || b == 0x7f),
    }
    found != 0
}

/// The high bit of each byte of `word` that lies in `lo..=hi`, for a `word` whose bytes are all
/// ASCII (below 0x80): then neither sum carries out of a byte, so every byte is told exactly.
const fn in_range(word: u64, lo: u8, hi: u8) -> u64 {
    let at_least_lo = word.wrapping_add(ONES * (0x80 - lo) as u64);
    let above_hi = word.wrapping_add(ONES * (0x7f - hi) as u64);
    at_least_lo & !above_hi & HIGH
}

/// Whether every byte of `s` is an ASCII letter, digit, `.`, `_` or `-` (the characters of an
/// `app_id`), and whether one of them is a `.`.
pub(crate) fn app_id_chars(s: &str) -> (bool, bool) {
    let mut words = s.as_bytes().chunks_exact(8);
    let (mut bad, mut dots) = (0, 0);
    let mut scan = |word: u64| {
        let ascii = word & !HIGH;
        let allowed = in_range(ascii | (ONES * 0x20), b'a', b'z')
            | in_range(ascii, b'0', b'9')
            | in_range(ascii, b'-', b'.')
            | in_range(ascii, b'_', b'_');
        bad |= (word & HIGH) | (!allowed & HIGH);
        dots |= in_range(ascii, b'.', b'.');
    };
    for word in words.by_ref() {
        scan(
            word.first_chunk::<8>()
                .map_or(0, |w| u64::from_le_bytes(*w)),
        );
    }
    let rest = words.remainder();
    if let Some(last) = s.as_bytes().last_chunk::<8>() {
        // The rest as the last eight bytes: those read twice are told the same way again.
        if !rest.is_empty() {
            scan(u64::from_le_bytes(*last));
        }
    } else {
        // A string shorter than a word, filled up with a letter.
        let mut last = [b'a'; 8];
        last[..rest.len()].copy_from_slice(rest);
        scan(u64::from_le_bytes(last));
    }
    (bad == 0, dots != 0)
}

/// The number of characters (Unicode scalar values) of `s`: its bytes that are not UTF-8
/// continuation bytes.
pub(crate) fn char_count(s: &str) -> usize {
    s.bytes().filter(|&b| b & 0xC0 != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_controls_wherever_they_are() {
        for len in 0..20 {
            let plain = "é".repeat(len / 2) + &"a".repeat(len % 2);
            assert!(!has_control(&plain), "{plain:?}");
            for at in 0..=plain.len() {
                if !plain.is_char_boundary(at) {
                    continue;
                }
                for c in ['\u{0}', '\u{1f}', '\u{7f}', '\n'] {
                    let mut s = plain.clone();
                    s.insert(at, c);
                    assert!(has_control(&s), "{s:?}");
                }
                let mut s = plain.clone();
                s.insert(at, ' ');
                assert!(!has_control(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn tells_app_id_characters_byte_by_byte() {
        let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-');
        // Every byte at every position of strings of every length up to two words and a half,
        // around bytes of each kind (so that a neighbour never decides for a byte).
        for len in 1..=20 {
            for at in 0..len {
                for fill in [b'a', b'.', b'_', b'Z', b'9', b'-'] {
                    for b in 0..=0x7f_u8 {
                        let mut bytes = vec![fill; len];
                        bytes[at] = b;
                        let s = String::from_utf8(bytes).unwrap();
                        let dot = (fill == b'.' && len > 1) || b == b'.';
                        assert_eq!(app_id_chars(&s), (allowed(b), dot), "{s:?}");
                    }
                }
                let mut s = "a".repeat(len - 1);
                s.insert(at, '\u{e9}');
                assert_eq!(app_id_chars(&s), (false, false), "{s:?}");
            }
        }
        assert_eq!(app_id_chars(""), (true, false));
    }

    #[test]
    fn counts_characters() {
        assert_eq!(char_count(""), 0);
        assert_eq!(char_count("aé\u{1F600}z"), 4);
    }
}
