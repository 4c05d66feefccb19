//! The `lang` check: BCP 47 well-formedness (RFC 5646 syntax) and canonical case.

/// The irregular grandfathered tags (RFC 5646 section 2.1), in their registry case. They do not
/// follow the `langtag` syntax; the regular ones do and need no list.
const IRREGULAR: [&str; 17] = [
    "en-GB-oed",
    "i-ami",
    "i-bnn",
    "i-default",
    "i-enochian",
    "i-hak",
    "i-klingon",
    "i-lux",
    "i-mingo",
    "i-navajo",
    "i-pwn",
    "i-tao",
    "i-tay",
    "i-tsu",
    "sgn-BE-FR",
    "sgn-BE-NL",
    "sgn-CH-DE",
];

/// Returns the tag in canonical case with `_` read as `-`, or `None` when it is malformed.
///
/// Well-formed means the RFC 5646 `Language-Tag` production, plus its two rules on repetition:
/// no singleton twice and no variant twice (compared without case). Canonical case (RFC 5646
/// section 2.1.1): language, extlangs, variants, extensions and private use in lowercase, the
/// script in titlecase, the region in uppercase; grandfathered tags as the registry writes them.
pub(crate) fn canonical_lang(tag: &str) -> Option<String> {
    if tag.is_empty()
        || !tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || is_separator(b))
    {
        return None;
    }
    if let Some(irregular) = IRREGULAR.iter().find(|g| same_tag(g, tag)) {
        return Some((*irregular).to_owned());
    }

    let mut subtags = Subtags(Some(tag));
    let mut out = String::with_capacity(tag.len());
    if subtags.next_if(is_x).is_some() {
        out.push('x');
    } else {
        let language = subtags.next_if(is_language)?;
        push_lower(&mut out, language);
        if language.len() <= 3 {
            for _ in 0..3 {
                let Some(extlang) = subtags.next_if(is_extlang) else {
                    break;
                };
                push_lower(&mut out, extlang);
            }
        }
        if let Some(script) = subtags.next_if(is_script) {
            push_lower(&mut out, script);
            let first = out.len() - 4;
            if let Some(letter) = out.get_mut(first..=first) {
                letter.make_ascii_uppercase();
            }
        }
        if let Some(region) = subtags.next_if(is_region) {
            push_lower(&mut out, region);
            let first = out.len() - region.len();
            if let Some(written) = out.get_mut(first..) {
                written.make_ascii_uppercase();
            }
        }
        let mut variants = Vec::new();
        while let Some(variant) = subtags.next_if(is_variant) {
            if !insert_new(&mut variants, key(variant), tag.len()) {
                return None;
            }
            push_lower(&mut out, variant);
        }
        let mut singletons = 0u64;
        while let Some(singleton) = subtags.next_if(is_singleton) {
            let b = singleton.as_bytes()[0].to_ascii_lowercase();
            let bit = 1u64
                << if b.is_ascii_digit() {
                    b - b'0'
                } else {
                    b - b'a' + 10
                };
            if singletons & bit != 0 {
                return None;
            }
            singletons |= bit;
            push_lower(&mut out, singleton);
            let mut count = 0;
            while let Some(s) = subtags.next_if(is_extension_subtag) {
                push_lower(&mut out, s);
                count += 1;
            }
            if count == 0 {
                return None;
            }
        }
        if subtags.next_if(is_x).is_none() {
            return subtags.0.is_none().then_some(out);
        }
        out.push_str("-x");
    }

    // privateuse = "x" 1*("-" (1*8alphanum)); the `x` is already written.
    let mut count = 0;
    while let Some(s) = subtags.next_if(is_private_use_subtag) {
        push_lower(&mut out, s);
        count += 1;
    }
    (count > 0 && subtags.0.is_none()).then_some(out)
}

/// Whether `tag` is of the commonest shapes, a language (`en`, `ast`) and after it a script
/// (`zh-Hans`), a region (`en-US`) or both in that order (`zh-Hans-CN`), already in canonical
/// case: such a tag is well-formed and its own canonical form, so [`canonical_lang`] need not
/// build it again.
pub(crate) fn is_plain_canonical(tag: &str) -> bool {
    let (rest, region) = match tag.as_bytes() {
        [rest @ .., b'-', r1, r2] => (rest, [*r1, *r2]),
        rest => (rest, [b'A'; 2]),
    };
    let (language, script) = match rest {
        [language @ .., b'-', s1, s2, s3, s4] => (language, [*s1, *s2, *s3, *s4]),
        language => (language, *b"Aaaa"),
    };
    matches!(language.len(), 2 | 3)
        && language.iter().all(u8::is_ascii_lowercase)
        && script[0].is_ascii_uppercase()
        && script[1..].iter().all(u8::is_ascii_lowercase)
        && region.iter().all(u8::is_ascii_uppercase)
}

/// The subtags not yet read (`None` once the last one is taken).
struct Subtags<'a>(Option<&'a str>);

impl<'a> Subtags<'a> {
    /// Takes the next subtag when `accept` says it has the expected shape.
    fn next_if(&mut self, accept: fn(&[u8]) -> bool) -> Option<&'a str> {
        let rest = self.0?;
        let end = rest.bytes().position(is_separator).unwrap_or(rest.len());
        if !accept(&rest.as_bytes()[..end]) {
            return None;
        }
        self.0 = rest.get(end + 1..);
        rest.get(..end)
    }
}

fn is_separator(b: u8) -> bool {
    b == b'-' || b == b'_'
}

fn is_alpha(s: &[u8]) -> bool {
    s.iter().all(u8::is_ascii_alphabetic)
}

/// `x`, which opens private use.
fn is_x(s: &[u8]) -> bool {
    s.eq_ignore_ascii_case(b"x")
}

/// language = 2*3ALPHA / 4ALPHA / 5*8ALPHA
fn is_language(s: &[u8]) -> bool {
    (2..=8).contains(&s.len()) && is_alpha(s)
}

/// extlang = 3ALPHA (up to three, only after a language of two or three letters)
fn is_extlang(s: &[u8]) -> bool {
    s.len() == 3 && is_alpha(s)
}

/// script = 4ALPHA
fn is_script(s: &[u8]) -> bool {
    s.len() == 4 && is_alpha(s)
}

/// region = 2ALPHA / 3DIGIT
fn is_region(s: &[u8]) -> bool {
    (s.len() == 2 && is_alpha(s)) || (s.len() == 3 && s.iter().all(u8::is_ascii_digit))
}

/// variant = 5*8alphanum / (DIGIT 3alphanum); the characters are already known alphanumeric.
fn is_variant(s: &[u8]) -> bool {
    (5..=8).contains(&s.len()) || (s.len() == 4 && s[0].is_ascii_digit())
}

/// singleton = alphanum other than `x`
fn is_singleton(s: &[u8]) -> bool {
    s.len() == 1 && !is_x(s)
}

/// An extension subtag: 2*8alphanum.
fn is_extension_subtag(s: &[u8]) -> bool {
    (2..=8).contains(&s.len())
}

/// A private use subtag: 1*8alphanum.
fn is_private_use_subtag(s: &[u8]) -> bool {
    (1..=8).contains(&s.len())
}

/// Appends `-` (unless `out` is empty) and the subtag in lowercase.
fn push_lower(out: &mut String, subtag: &str) {
    if !out.is_empty() {
        out.push('-');
    }
    let start = out.len();
    out.push_str(subtag);
    if let Some(written) = out.get_mut(start..) {
        written.make_ascii_lowercase();
    }
}

/// A subtag of at most eight characters, without case, as one nonzero number.
fn key(subtag: &str) -> u64 {
    subtag
        .bytes()
        .fold(0, |k, b| k << 8 | u64::from(b.to_ascii_lowercase()))
}

/// Adds `key` to an open-addressing set and says whether it was new. The set is sized on first
/// use for every variant the tag could hold (each takes at least five bytes), at most half full,
/// so a long run of variants is checked in linear time rather than pairwise.
fn insert_new(slots: &mut Vec<u64>, key: u64, tag_len: usize) -> bool {
    if slots.is_empty() {
        slots.resize((tag_len / 5 * 2).next_power_of_two(), 0);
    }
    let mask = slots.len() - 1;
    // Fibonacci hashing: the high bits of the product spread keys that differ in any byte.
    let mut i = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40) as usize & mask;
    loop {
        match slots[i] {
            0 => {
                slots[i] = key;
                return true;
            }
            k if k == key => return false,
            _ => i = (i + 1) & mask,
        }
    }
}

/// Whether two tags are the same once `_` is read as `-` and case is ignored.
fn same_tag(canonical: &str, tag: &str) -> bool {
    canonical.len() == tag.len()
        && canonical.bytes().zip(tag.bytes()).all(|(a, b)| {
            let b = if b == b'_' { b'-' } else { b };
            a.eq_ignore_ascii_case(&b)
        })
}

#[cfg(test)]
mod tests {
    use super::{canonical_lang, is_plain_canonical};

    #[test]
    fn plain_canonical_tags_are_their_own_canonical_form() {
        let mut plain = 0;
        for lang in ["en", "EN", "eN", "ast", "Ast", "a", "abcd", "e1", "zh"] {
            for region in [
                "", "-US", "-us", "-Us", "_US", "-USA", "-419", "-U", "-U1", "-Hant",
            ] {
                for script in ["", "-Hans", "-hans", "-HANS", "_Hans", "-Han", "-Han1"] {
                    let tag = format!("{lang}{script}{region}");
                    if is_plain_canonical(&tag) {
                        plain += 1;
                        assert_eq!(
                            canonical_lang(&tag).as_deref(),
                            Some(tag.as_str()),
                            "{tag:?}"
                        );
                    }
                }
            }
        }
        // `en`, `ast` and `zh`: alone, and with `-US`, `-Hant`, `-Hans` or `-Hans-US`.
        assert_eq!(plain, 15);
        for tag in [
            "i-ami",
            "en-GB-oed",
            "x-whatever",
            "art-lojban",
            "zh-yue",
            "sgn-BE-FR",
            "zh-Hans-Hant",
            "en-Latn-419",
        ] {
            assert!(!is_plain_canonical(tag), "{tag:?}");
        }
    }

    #[track_caller]
    fn canonical(tag: &str, expected: &str) {
        assert_eq!(canonical_lang(tag).as_deref(), Some(expected), "{tag:?}");
    }

    #[track_caller]
    fn malformed(tag: &str) {
        assert_eq!(canonical_lang(tag), None, "{tag:?}");
    }

    #[test]
    fn canonicalizes_the_examples_of_rule_l() {
        canonical("en_us", "en-US");
        canonical("ZH-hant-tw", "zh-Hant-TW");
        canonical("en", "en");
        canonical("x-whatever", "x-whatever");
    }

    #[test]
    fn rejects_the_malformed_examples_of_the_brief() {
        for tag in ["en-", "", "e", "toolongtag1"] {
            malformed(tag);
        }
    }

    #[test]
    fn reads_underscore_as_hyphen_anywhere() {
        canonical("en_US", "en-US");
        canonical("EN_us_X_Priv", "en-US-x-priv");
        canonical("sr_Latn-RS", "sr-Latn-RS");
        canonical("de-CH_1996", "de-CH-1996");
    }

    #[test]
    fn accepts_languages_of_two_to_eight_letters() {
        canonical("DE", "de");
        canonical("Haw", "haw");
        canonical("abcd", "abcd");
        canonical("ABCDE", "abcde");
        canonical("abcdefgh", "abcdefgh");
        malformed("abcdefghi");
        malformed("a");
    }

    #[test]
    fn rejects_language_with_digits_or_other_characters() {
        for tag in [
            "e1",
            "12",
            "123",
            "en!",
            "en US",
            "en.US",
            "en/US",
            "én",
            "en-ÜS",
            "en\u{0}",
            "\u{130}n",
            "en-\u{212a}",
        ] {
            malformed(tag);
        }
    }

    #[test]
    fn rejects_empty_subtags() {
        for tag in [
            "-",
            "_",
            "-en",
            "en-",
            "en--US",
            "en_-US",
            "en-US-",
            "x-",
            "x--a",
            "en-x-",
            "en-x-a-",
            "en-a--bc",
            "i-klingon-",
        ] {
            malformed(tag);
        }
    }

    #[test]
    fn accepts_up_to_three_extlangs_after_a_short_language() {
        canonical("zh-YUE", "zh-yue");
        canonical("zh-cmn-Hans-CN", "zh-cmn-Hans-CN");
        canonical("ar-aao-abc", "ar-aao-abc");
        canonical("abc-def-ghi-jkl", "abc-def-ghi-jkl");
        malformed("ab-abc-def-ghi-jkl");
    }

    #[test]
    fn rejects_extlang_after_a_long_language() {
        malformed("abcd-abc");
        malformed("abcde-abc");
        malformed("en-Latn-abc");
    }

    #[test]
    fn titlecases_script_and_uppercases_region() {
        canonical("sr-latn", "sr-Latn");
        canonical("SR-LATN-rs", "sr-Latn-RS");
        canonical("en-gb", "en-GB");
        canonical("es-419", "es-419");
        canonical("zh-hans", "zh-Hans");
        canonical("en-abcd", "en-Abcd");
    }

    #[test]
    fn rejects_second_script_or_region() {
        malformed("sr-Latn-Cyrl");
        malformed("en-US-GB");
        malformed("es-419-US");
        malformed("en-US-Latn");
        malformed("en-Latn-US-Cyrl");
    }

    #[test]
    fn rejects_region_of_wrong_shape() {
        malformed("en-U1");
        malformed("en-12");
        malformed("en-1a2");
        malformed("en-US-ABC");
        canonical("en-ABC-us", "en-abc-US");
    }

    #[test]
    fn accepts_variants_of_five_to_eight_or_digit_and_three() {
        canonical("de-CH-1901", "de-CH-1901");
        canonical("sl-ROZAJ-biske", "sl-rozaj-biske");
        canonical("en-abcde", "en-abcde");
        canonical("en-abcdefgh", "en-abcdefgh");
        canonical("en-1a2B", "en-1a2b");
        canonical("hy-Latn-IT-arevela", "hy-Latn-IT-arevela");
        malformed("en-abcdefghi");
        malformed("en-US-abcd");
        malformed("en-Latn-US-a1b2");
    }

    #[test]
    fn rejects_a_variant_repeated_in_any_case() {
        malformed("sl-rozaj-rozaj");
        malformed("sl-Rozaj-biske-ROZAJ");
        malformed("de-1901-1901");
        canonical("sl-rozaj-biske-1994", "sl-rozaj-biske-1994");
    }

    #[test]
    fn accepts_extensions_in_lowercase() {
        canonical("en-u-CA-Gregory", "en-u-ca-gregory");
        canonical("de-DE-u-co-phonebk", "de-DE-u-co-phonebk");
        canonical("en-a-bbb-b-ccc", "en-a-bbb-b-ccc");
        canonical("en-0-ab", "en-0-ab");
        canonical("EN-T-JA-x-Priv", "en-t-ja-x-priv");
        canonical("en-a-abcdefgh", "en-a-abcdefgh");
        canonical("en-a-bc-rozaj", "en-a-bc-rozaj");
    }

    #[test]
    fn rejects_extension_without_subtags_or_with_subtags_of_wrong_length() {
        malformed("en-a");
        malformed("en-a-b");
        malformed("en-a-x-b");
        malformed("en-a-abcdefghi");
        malformed("en-u-ca-gregory-a");
    }

    #[test]
    fn rejects_a_singleton_repeated_in_any_case() {
        malformed("en-a-bbb-a-ccc");
        malformed("en-A-bbb-a-ccc");
        malformed("en-0-ab-0-cd");
        // The same letter inside private use is not a singleton.
        canonical("en-a-bbb-x-a-ccc", "en-a-bbb-x-a-ccc");
        // Letters and digits are different singletons.
        canonical("en-p-ab-0-cd-z-ef-9-gh", "en-p-ab-0-cd-z-ef-9-gh");
    }

    #[test]
    fn accepts_private_use_alone_and_after_a_tag() {
        canonical("X-Whatever", "x-whatever");
        canonical("x-a", "x-a");
        canonical("x-12345678-a-b", "x-12345678-a-b");
        canonical("en-x-US", "en-x-us");
        canonical("en-x-a-x", "en-x-a-x");
        canonical("en-US-x-Twain", "en-US-x-twain");
        malformed("x");
        malformed("en-x");
        malformed("x-123456789");
        malformed("en-x-abcdefghi");
    }

    #[test]
    fn keeps_irregular_grandfathered_tags_in_registry_case() {
        canonical("en-gb-oed", "en-GB-oed");
        canonical("EN_GB_OED", "en-GB-oed");
        canonical("I-KLINGON", "i-klingon");
        canonical("i-default", "i-default");
        canonical("i-ami", "i-ami");
        canonical("sgn-be-fr", "sgn-BE-FR");
        canonical("SGN-be-nl", "sgn-BE-NL");
        canonical("sgn-ch-de", "sgn-CH-DE");
    }

    #[test]
    fn accepts_regular_grandfathered_tags_in_lowercase() {
        for tag in [
            "art-lojban",
            "cel-gaulish",
            "no-bok",
            "no-nyn",
            "zh-guoyu",
            "zh-hakka",
            "zh-min",
            "zh-min-nan",
            "zh-xiang",
        ] {
            canonical(&tag.to_ascii_uppercase(), tag);
            canonical(tag, tag);
        }
    }

    #[test]
    fn rejects_tags_that_only_resemble_grandfathered_ones() {
        malformed("i-unknown");
        malformed("i");
        malformed("en-GB-oed-x");
        malformed("i-klingon-x-a");
        malformed("sgn-BE-DE");
    }

    #[test]
    fn accepts_a_long_tag_with_many_distinct_variants() {
        let variants: Vec<String> = (0..200).map(|i| format!("v{i:04}")).collect();
        let tag = format!("en-{}", variants.join("-"));
        canonical(&tag, &tag);
        malformed(&format!("{tag}-V0000"));
    }

    #[test]
    fn canonical_output_is_canonical_again() {
        for tag in [
            "en_us",
            "ZH-hant-tw",
            "SL-ROZAJ-BISKE",
            "en-gb-oed",
            "x-A",
            "EN-U-CA-Gregory-X-Y",
            "zh-MIN-nan",
            "de-419-1996",
        ] {
            let once = canonical_lang(tag).unwrap();
            assert_eq!(
                canonical_lang(&once).as_deref(),
                Some(once.as_str()),
                "{tag:?}"
            );
        }
    }

    mod properties {
        use super::canonical_lang;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn canonical_form_is_a_fixed_point_and_differs_only_in_case_and_separator(
                tag in "[a-zA-Z]{2,3}([-_][a-zA-Z]{3}){0,2}([-_][a-zA-Z]{4})?([-_]([a-zA-Z]{2}|[0-9]{3}))?([-_][a-zA-Z0-9]{5,8}){0,2}([-_][a-wyzA-WYZ0-9]([-_][a-zA-Z0-9]{2,8}){1,2}){0,2}([-_][xX]([-_][a-zA-Z0-9]{1,8}){1,3})?"
            ) {
                if let Some(once) = canonical_lang(&tag) {
                    prop_assert_eq!(canonical_lang(&once), Some(once.clone()));
                    prop_assert_eq!(once.to_ascii_lowercase(), tag.replace('_', "-").to_ascii_lowercase());
                }
            }

            #[test]
            fn never_panics_on_arbitrary_text(s in "\\PC{0,40}") {
                let _ = canonical_lang(&s);
            }

            #[test]
            fn rejects_every_tag_with_an_empty_or_overlong_subtag(
                head in "[a-z]{2}", bad in prop_oneof!["", "[a-z0-9]{9,12}"], tail in "(-[a-z]{2})?"
            ) {
                let tag = format!("{head}-{bad}{tail}");
                prop_assert_eq!(canonical_lang(&tag), None);
            }
        }
    }
}
