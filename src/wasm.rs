//! The WebAssembly binding: the one place that knows about JavaScript.
//!
//! The boundary is kept narrow on purpose. The body crosses as UTF-8 bytes (a `Uint8Array`
//! copied once into wasm memory, or a string encoded straight into it), the options as the JSON
//! text of the caller's options object (read here, by [`Options::from_json`]: the one reader),
//! and the outcome comes back as one compact JSON text that the caller reads with `JSON.parse`.
//! Nothing else crosses, so the module needs no JavaScript objects, no `js-sys` and no serde
//! bridge.
//!
//! The hand-written entry files of the npm package (`npm/`) wrap these exports: they turn the
//! options into JSON (a `TypeError` with the core's message for a bad one), turn objects into
//! JSON and parse the result.

// `#[wasm_bindgen]` accepts only `pub` functions, though this module is private.
#![allow(unreachable_pub)]

use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, Ordering};

use wasm_bindgen::prelude::wasm_bindgen;

use crate::model::Outcome;
use crate::{OptionError, Options, validate};

/// `flags` bit: record where the pusher is in the returned text ([`pusher_start`]).
const WANT_PUSHER_RANGE: u32 = 8;

thread_local! {
    /// The options last read and the text they were read from. A caller passes the same
    /// options call after call, so they are read once; keyed by the text, the cache cannot
    /// hand one call another call's options.
    static LAST_OPTIONS: RefCell<(String, Result<Options, OptionError>)> =
        RefCell::new((String::new(), Ok(Options::default())));
}

/// Runs `f` with the options of `text` (`""` for the defaults).
fn with_options<T>(text: &str, f: impl FnOnce(&Result<Options, OptionError>) -> T) -> T {
    LAST_OPTIONS.with(|cell| {
        let mut last = cell.borrow_mut();
        if last.0 != text {
            *last = (text.to_owned(), Options::from_json(text.as_bytes()));
        }
        f(&last.1)
    })
}

/// `[maxBodyBytes, maxDepth]` of the options in `text` (saturated to `u32`), which the caller
/// needs before it hands the body over; empty when the options are refused
/// ([`option_error`] says why).
#[wasm_bindgen(js_name = optionLimits)]
#[must_use]
pub fn option_limits(options: &str) -> Vec<u32> {
    with_options(options, |read| match read {
        Ok(o) => [o.max_body_bytes, o.max_depth]
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
            .to_vec(),
        Err(_) => Vec::new(),
    })
}

/// Why the options in `text` are refused (a sentence naming the option), or `""`.
#[wasm_bindgen(js_name = optionError)]
#[must_use]
pub fn option_error(options: &str) -> String {
    with_options(options, |read| match read {
        Ok(_) => String::new(),
        Err(e) => e.message.clone(),
    })
}

/// Where the pusher of the last outcome lies in its JSON text, in UTF-16 code units (the unit
/// of JavaScript string offsets), so that `text.slice(start, end)` is the pusher's exact JSON.
/// Both are 0 when the last outcome was not a set, or the range was not asked for.
static PUSHER_START: AtomicU32 = AtomicU32::new(0);
static PUSHER_END: AtomicU32 = AtomicU32::new(0);

/// Validates a body given as bytes (a `Uint8Array` copied once into wasm memory) and returns the
/// outcome as compact JSON.
///
/// `options` is the JSON text of the options (`""` for the defaults), already checked by the
/// caller with [`option_limits`]; refused options give `""`, never an outcome under other
/// options.
#[wasm_bindgen(js_name = validateBytes)]
#[must_use]
pub fn validate_bytes(body: &[u8], options: &str, flags: u32) -> String {
    with_options(options, |read| match read {
        Ok(options) => run(body, options, flags),
        Err(_) => String::new(),
    })
}

/// Validates a body given as a JavaScript string (encoded as UTF-8 straight into wasm memory).
///
/// The caller must have checked that the string has no lone surrogate: the encoder would
/// replace it with U+FFFD, and such a body is refused as not UTF-8 instead.
#[wasm_bindgen(js_name = validateString)]
#[must_use]
pub fn validate_string(body: &str, options: &str, flags: u32) -> String {
    validate_bytes(body.as_bytes(), options, flags)
}

fn run(body: &[u8], options: &Options, flags: u32) -> String {
    let outcome = validate(body, options);
    let (text, range) = outcome.to_json_with_pusher_range();
    // Only a set has a pusher to store.
    let (start, end) = match range {
        Some(range) if flags & WANT_PUSHER_RANGE != 0 && matches!(outcome, Outcome::Set { .. }) => {
            let start16 = utf16_len(&text.as_bytes()[..range.start]);
            (start16, start16 + utf16_len(&text.as_bytes()[range]))
        }
        _ => (0, 0),
    };
    PUSHER_START.store(start, Ordering::Relaxed);
    PUSHER_END.store(end, Ordering::Relaxed);
    text
}

/// The start of the pusher in the text last returned by `validateBytes` or `validateString`,
/// in UTF-16 code units.
#[wasm_bindgen(js_name = pusherStart)]
#[must_use]
pub fn pusher_start() -> u32 {
    PUSHER_START.load(Ordering::Relaxed)
}

/// The end (exclusive) of the pusher in the text last returned by `validateBytes` or
/// `validateString`, in UTF-16 code units.
#[wasm_bindgen(js_name = pusherEnd)]
#[must_use]
pub fn pusher_end() -> u32 {
    PUSHER_END.load(Ordering::Relaxed)
}

/// The number of UTF-16 code units of a UTF-8 text: one per character, two for those outside
/// the Basic Multilingual Plane (the ones written in four bytes).
fn utf16_len(utf8: &[u8]) -> u32 {
    let units = utf8
        .iter()
        .map(|&b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
        .sum::<usize>();
    u32::try_from(units).unwrap_or(u32::MAX)
}
