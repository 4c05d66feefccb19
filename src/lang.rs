//! The `lang` check: BCP 47 well-formedness (RFC 5646 syntax) and canonical case.

/// Returns the tag in canonical case with `_` read as `-`, or `None` when it is malformed.
pub(crate) fn canonical_lang(tag: &str) -> Option<String> {
    let _ = tag;
    None
}
