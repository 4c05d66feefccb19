//! The WebAssembly binding: the one place that knows about JavaScript.
//!
//! The boundary is kept narrow on purpose. The body crosses as UTF-8 bytes (a `Uint8Array`
//! copied once into wasm memory, or a string encoded straight into it) and the outcome comes
//! back as one compact JSON text that the caller reads with `JSON.parse`. The options cross as
//! the JSON text of the caller's options object, read here by [`Options::from_json`] (the one
//! reader), and only when they change: the module holds the options it was last given, and every
//! validation uses them. Nothing else crosses, so the module needs no JavaScript objects, no
//! `js-sys` and no serde bridge.
//!
//! The hand-written entry files of the npm package (`npm/`) wrap these exports: they turn the
//! options into JSON (a `TypeError` with the core's message for refused ones), hand them over
//! right before a validation whenever the module holds others, turn objects into JSON and parse
//! the result.

// `#[wasm_bindgen]` accepts only `pub` functions, though this module is private.
#![allow(unreachable_pub)]

use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, Ordering};

use wasm_bindgen::prelude::wasm_bindgen;

use crate::rules::check_bytes;
use crate::{ErrorCode, Options};

#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// `flags` bit: record where the pusher is in the returned text ([`pusher_start`]).
const WANT_PUSHER_RANGE: u32 = 8;
/// `flags` bit: write no outcome; the text returned is the verdict alone, one digit: 0 rejected,
/// 1 set, 2 delete, 5 a set with `append: true`.
const VERDICT_ONLY: u32 = 16;

thread_local! {
    /// The options every validation uses, as last set by [`set_options`]; `None` for the
    /// defaults.
    static OPTIONS: RefCell<Option<Options>> = const { RefCell::new(None) };
}

/// Runs `f` with the options held.
#[inline(never)]
fn with_options(f: &mut dyn FnMut(&Options)) {
    // The `try_` forms keep panicking paths (and with them `core::fmt`) out of the module;
    // neither fails here: the module has one thread and never calls itself.
    let ran = OPTIONS
        .try_with(|cell| {
            let Ok(held) = cell.try_borrow() else {
                return false;
            };
            match &*held {
                Some(options) => f(options),
                None => f(&Options::default()),
            }
            true
        })
        .unwrap_or(false);
    if !ran {
        f(&Options::default());
    }
}

/// Reads options from their JSON text (`""` for the defaults) and holds them for the
/// validations that follow. Returns `""`, or why they are refused (a sentence that names the
/// option); refused options leave the options held as they were.
#[wasm_bindgen(js_name = setOptions)]
#[must_use]
pub fn set_options(options: &str) -> String {
    match Options::from_json(options.as_bytes()) {
        Ok(options) => {
            let _ = OPTIONS.try_with(|cell| {
                if let Ok(mut held) = cell.try_borrow_mut() {
                    *held = Some(options);
                }
            });
            String::new()
        }
        Err(error) => error.message,
    }
}

/// `maxBodyBytes` of the options held (saturated to `u32`): the caller copies no more than one
/// byte past it into wasm memory.
#[wasm_bindgen(js_name = maxBodyBytes)]
#[must_use]
pub fn max_body_bytes() -> u32 {
    let mut max = 0;
    with_options(&mut |o| max = u32::try_from(o.max_body_bytes).unwrap_or(u32::MAX));
    max
}

/// Where the pusher of the last outcome lies in its JSON text, in UTF-16 code units (the unit
/// of JavaScript string offsets), so that `text.slice(start, end)` is the pusher's exact JSON.
/// Both are 0 when the last outcome was not a set, or the range was not asked for.
static PUSHER_START: AtomicU32 = AtomicU32::new(0);
static PUSHER_END: AtomicU32 = AtomicU32::new(0);

/// Validates a body given as bytes (a `Uint8Array` copied once into wasm memory) and returns the
/// outcome as compact JSON.
///
/// The options are those held ([`set_options`]).
#[wasm_bindgen(js_name = validateBytes)]
#[must_use]
pub fn validate_bytes(body: &[u8], flags: u32) -> String {
    let mut text = String::new();
    with_options(&mut |options| text = run(body, options, flags));
    text
}

/// Validates a body given as a JavaScript string (encoded as UTF-8 straight into wasm memory).
///
/// The caller must have checked that the string has no lone surrogate: the encoder would
/// replace it with U+FFFD, and such a body is refused as not UTF-8 instead.
#[wasm_bindgen(js_name = validateString)]
#[must_use]
pub fn validate_string(body: &str, flags: u32) -> String {
    validate_bytes(body.as_bytes(), flags)
}

fn run(body: &[u8], options: &Options, flags: u32) -> String {
    let checked = check_bytes(body, options);
    if flags & VERDICT_ONLY != 0 {
        PUSHER_START.store(0, Ordering::Relaxed);
        PUSHER_END.store(0, Ordering::Relaxed);
        // One digit: 0 rejected, 1 set, 2 delete, 5 a set with `append: true`.
        return char::from(b'0' + checked.verdict()).into();
    }
    let (text, summary) = checked.to_json();
    // Only a set has a pusher to store.
    let (start, end) = match summary.pusher {
        Some((start, end)) if flags & WANT_PUSHER_RANGE != 0 && summary.action == 1 => {
            let start16 = utf16_len(text.as_bytes().get(..start).unwrap_or_default());
            let pusher = text.as_bytes().get(start..end).unwrap_or_default();
            (start16, start16 + utf16_len(pusher))
        }
        _ => (0, 0),
    };
    PUSHER_START.store(start, Ordering::Relaxed);
    PUSHER_END.store(end, Ordering::Relaxed);
    text
}

/// The HTTP status of a Matrix error code of the validator (`M_TOO_LARGE` 413, the others 400),
/// or 0 for a name that is none of them: the one mapping, [`ErrorCode::http_status`].
#[wasm_bindgen(js_name = httpStatus)]
#[must_use]
pub fn http_status(errcode: &str) -> u16 {
    ErrorCode::from_wire(errcode).map_or(0, ErrorCode::http_status)
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
