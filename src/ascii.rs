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
    let mut words = s.as_bytes().chunks_exact(8);
    let hit = |word: &[u8]| {
        let word = word
            .first_chunk::<8>()
            .map_or(0, |w| u64::from_le_bytes(*w));
        below(word, 0x20) | equal(word, 0x7f) != 0
    };
    words.by_ref().any(hit) || words.remainder().iter().any(|&b| b < 0x20 || b == 0x7f)
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
    fn counts_characters() {
        assert_eq!(char_count(""), 0);
        assert_eq!(char_count("aé\u{1F600}z"), 4);
    }
}
