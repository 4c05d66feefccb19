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

/// As [`below`], for the bytes at or above 0x7F (DEL and every byte that is not ASCII).
const fn del_or_above(word: u64) -> u64 {
    (((word & !HIGH) + ONES) | word) & HIGH
}

/// Whether any word of `bytes` (read little endian, the tail padded with a harmless byte) has a
/// hit for `hits`.
#[inline(always)]
fn any(bytes: &[u8], pad: u8, hits: impl Fn(u64) -> u64) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    let mut found = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        found |= hits(u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [pad; 8];
        word[..rest.len()].copy_from_slice(rest);
        found |= hits(u64::from_le_bytes(word));
    }
    found != 0
}

/// Whether `s` holds a control character (U+0000 to U+001F, U+007F).
pub(crate) fn has_control(s: &str) -> bool {
    any(s.as_bytes(), b'a', |w| below(w, 0x20) | equal(w, 0x7f))
}

/// Whether `s` holds a byte that any URL rule looks for: a space, a control, a character that is
/// not ASCII, `\`, `#` or `@`. When there is none, those rules need not look.
pub(crate) fn has_url_suspect(s: &str) -> bool {
    any(s.as_bytes(), b'a', |w| {
        below(w, 0x21) | del_or_above(w) | equal(w, b'\\') | equal(w, b'#') | equal(w, b'@')
    })
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
    fn finds_url_suspects_wherever_they_are() {
        let base = "https://h.example/_matrix/push/v1/notify";
        assert!(!has_url_suspect(base));
        for at in 0..=base.len() {
            for c in [' ', '\u{0}', '\u{7f}', '\\', '#', '@', 'é', '\u{1F600}'] {
                let mut s = base.to_owned();
                s.insert(at, c);
                assert!(has_url_suspect(&s), "{s:?}");
            }
            for c in ['!', '~', '?', '%', '[', ':'] {
                let mut s = base.to_owned();
                s.insert(at, c);
                assert!(!has_url_suspect(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn counts_characters() {
        assert_eq!(char_count(""), 0);
        assert_eq!(char_count("aé\u{1F600}z"), 4);
    }
}
