//! The WebAssembly binding: the one place that knows about JavaScript.
//!
//! The boundary is kept narrow on purpose, and each caller pays only for what it reads. The body
//! crosses as UTF-8 bytes, written by the caller straight into the module's input buffer
//! ([`input_buffer`]: a `Uint8Array` copied once, or a string encoded in place). What comes back
//! is one of three answers:
//! - the verdict alone, a number ([`verdict_input`]);
//! - the outcome's compact JSON text, with where its pusher lies in it ([`pusher_start`]): what a
//!   server stores or forwards, and what `check` reads its fields from;
//! - the outcome as pieces ([`pieces_input`]): its strings' values one after another, and
//!   numbers left in wasm memory saying where that text is and where each string ends, from
//!   which the package's `validate` builds the outcome object with string slices instead of
//!   `JSON.parse`.
//!
//! The options cross as the JSON text of the caller's options object, written into the same
//! input buffer and read here by [`Options::from_json`] (the one reader), and only when they
//! are new: the module keeps up to `OPTION_SLOTS` option sets read before, and the caller names
//! the slot of the ones a validation is to use ([`select_options`]). Nothing else crosses, so the
//! module needs no JavaScript objects, no `js-sys`, no serde bridge (measured against them in
//! `benches/`) and no string from JavaScript.
//!
//! The hand-written entry files of the npm package (`npm/`) wrap these exports: they turn the
//! options into JSON (a `TypeError` with the core's message for refused ones), make the module
//! use them right before a validation whenever it uses others, turn objects into JSON, and read
//! the answers.

// `#[wasm_bindgen]` accepts only `pub` functions, though this module is private.
#![allow(unreachable_pub)]

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU32, Ordering};

use wasm_bindgen::prelude::wasm_bindgen;

use crate::json::{self, Val};
use crate::model::Checked;
use crate::rules::check_bytes;
use crate::{Options, Problem, Warning};

#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// `flags` bit: record where the pusher is in the returned text ([`pusher_start`]).
const WANT_PUSHER_RANGE: u32 = 8;

/// How many option sets the module keeps at once, besides the defaults (slot 0): an application
/// uses a handful, and each costs its own size (a few hundred bytes at most). `npm/api.js` knows
/// it too (`OPTION_SLOTS`).
const OPTION_SLOTS: usize = 32;

thread_local! {
    /// The option sets handed over by [`set_options`], by slot, filled in order; slot 0 holds
    /// the defaults, made at the first validation.
    static OPTIONS: RefCell<Vec<Options>> = const { RefCell::new(Vec::new()) };
    /// The slot of the options every validation uses ([`set_options`], [`select_options`]).
    static ACTIVE: Cell<usize> = const { Cell::new(0) };
    /// The text last answered ([`answer`]).
    static TEXT_HELD: RefCell<String> = const { RefCell::new(String::new()) };
    /// Where the caller writes the body ([`input_buffer`]).
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The last outcome answered as pieces ([`pieces_input`]): kept between calls, so that
    /// its vectors are allocated once.
    static PIECES_HELD: RefCell<Pieces> = const {
        RefCell::new(Pieces { text: String::new(), numbers: Vec::new() })
    };
}

/// Runs `f` with the options held.
#[inline(never)]
fn with_options(f: &mut dyn FnMut(&Options)) {
    // The `try_` forms keep panicking paths (and with them `core::fmt`) out of the module;
    // neither fails here: the module has one thread and never calls itself.
    let ran = OPTIONS
        .try_with(|cell| {
            let Ok(mut slots) = cell.try_borrow_mut() else {
                return false;
            };
            // The defaults are made once, not at every call (they allocate).
            if slots.is_empty() {
                slots.push(Options::default());
            }
            let active = ACTIVE.try_with(Cell::get).unwrap_or(0);
            match slots.get(active).or(slots.first()) {
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

/// Reads options from their JSON text, the first `len` bytes of the input buffer
/// ([`input_buffer`]), into `slot` (1 to `OPTION_SLOTS`; 1 also empties the others), and makes
/// the validations that follow use them. Returns 0, or, for refused options, where the numbers
/// about why are ([`answer`]: a sentence that names the option); refused options change
/// nothing.
#[wasm_bindgen(js_name = setOptions)]
#[must_use]
pub fn set_options(len: u32, slot: u32) -> u32 {
    let slot = slot as usize;
    if slot == 0 || slot > OPTION_SLOTS {
        return answer(String::from("no such slot for options"));
    }
    let mut read = None;
    with_input(len, &mut |text| read = Some(Options::from_json(text)));
    match read {
        Some(Ok(options)) => {
            let _ = OPTIONS.try_with(|cell| {
                if let Ok(mut slots) = cell.try_borrow_mut() {
                    // Slot 1 starts the slots over; any other is the next one.
                    if slot == 1 {
                        slots.truncate(1);
                    }
                    if slots.len() == slot {
                        slots.push(options);
                        let _ = ACTIVE.try_with(|active| active.set(slot));
                    }
                }
            });
            0
        }
        Some(Err(error)) => answer(error.message),
        None => answer(String::from("the options could not be read")),
    }
}

/// Makes the validations that follow use the options of `slot`, as [`set_options`] last read
/// them there (0: the defaults). A slot never filled means the defaults.
#[wasm_bindgen(js_name = selectOptions)]
pub fn select_options(slot: u32) {
    let _ = ACTIVE.try_with(|active| active.set(slot as usize));
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

/// Makes the module's input buffer at least `len` bytes long, keeping the bytes it holds, and
/// returns where it starts in wasm memory: the caller writes a body there (its bytes, or a string
/// encoded straight into it) and then asks [`validate_input`] or [`verdict_input`] about its
/// first bytes. The buffer stays where it is until it grows, so the caller asks for it only when
/// a body needs more room, and a body costs no allocation and no copy besides its writing.
#[wasm_bindgen(js_name = inputBuffer)]
#[must_use]
pub fn input_buffer(len: u32) -> u32 {
    INPUT
        .try_with(|cell| {
            cell.try_borrow_mut().map_or(0, |mut input| {
                if input.len() < len as usize {
                    input.resize(len as usize, 0);
                }
                input.as_ptr() as u32
            })
        })
        .unwrap_or(0)
}

/// Runs `f` with the first `len` bytes of the input buffer ([`input_buffer`]).
#[inline(never)]
fn with_input(len: u32, f: &mut dyn FnMut(&[u8])) {
    let ran = INPUT
        .try_with(|cell| {
            let Ok(input) = cell.try_borrow() else {
                return false;
            };
            f(input.get(..len as usize).unwrap_or(&input));
            true
        })
        .unwrap_or(false);
    if !ran {
        f(&[]);
    }
}

/// Validates the body in the input buffer ([`input_buffer`]), its first `len` bytes, and returns
/// the outcome as compact JSON. The options are those in use ([`set_options`]).
///
/// A body written from a JavaScript string must have no lone surrogate: the encoder would
/// replace it with U+FFFD, and such a body is refused as not UTF-8 instead.
/// Answers where the numbers about that text are ([`answer`]).
#[wasm_bindgen(js_name = validateInput)]
#[must_use]
pub fn validate_input(len: u32, flags: u32) -> u32 {
    let mut text = String::new();
    with_input(len, &mut |body| text = validate_body(body, flags));
    answer(text)
}

/// Keeps `text` in the module until the next answer, so that it crosses with no allocation of
/// its own, and returns where in wasm memory (a byte address, 4-aligned) five numbers say where
/// it is and what it is: its address, its length in bytes, the pusher's range in it
/// ([`PUSHER_START`], in UTF-16 code units), and 1 when it is ASCII (the caller may read it as
/// Latin-1).
fn answer(text: String) -> u32 {
    let n = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let numbers = [
        n(text.as_ptr() as usize),
        n(text.len()),
        PUSHER_START.load(Ordering::Relaxed),
        PUSHER_END.load(Ordering::Relaxed),
        u32::from(text.is_ascii()),
    ];
    for (slot, number) in ANSWER.iter().zip(numbers) {
        slot.store(number, Ordering::Relaxed);
    }
    // The text answered before is dropped here.
    let _ = TEXT_HELD.try_with(|held| {
        if let Ok(mut held) = held.try_borrow_mut() {
            *held = text;
        }
    });
    ANSWER.as_ptr() as u32
}

/// The numbers about the text last answered ([`answer`]).
static ANSWER: [AtomicU32; 5] = [const { AtomicU32::new(0) }; 5];

/// The verdict alone of the body in the input buffer, with no outcome written: 0 rejected,
/// 1 set, 2 delete, 5 a set with `append: true`.
#[wasm_bindgen(js_name = verdictInput)]
#[must_use]
pub fn verdict_input(len: u32) -> u32 {
    let mut verdict = 0;
    with_input(len, &mut |body| {
        with_options(&mut |options| verdict = check_bytes(body, options).verdict());
    });
    u32::from(verdict)
}

/// [`validate_input`] of a body held elsewhere.
pub(crate) fn validate_body(body: &[u8], flags: u32) -> String {
    let mut text = String::new();
    with_options(&mut |options| text = run(body, options, flags));
    text
}

fn run(body: &[u8], options: &Options, flags: u32) -> String {
    let checked = check_bytes(body, options);
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

/// The start of the pusher in the text last returned by `validateInput`, in UTF-16 code units
/// (exported only for the benchmark's bridge: the package reads it with the text).
#[cfg(feature = "bench-serde-wasm-bindgen")]
#[wasm_bindgen(js_name = pusherStart)]
#[must_use]
pub fn pusher_start() -> u32 {
    PUSHER_START.load(Ordering::Relaxed)
}

/// The end (exclusive) of the pusher in the text last returned by `validateInput`, in UTF-16
/// code units (exported only for the benchmark's bridge).
#[cfg(feature = "bench-serde-wasm-bindgen")]
#[wasm_bindgen(js_name = pusherEnd)]
#[must_use]
pub fn pusher_end() -> u32 {
    PUSHER_END.load(Ordering::Relaxed)
}

/// Validates the body in the input buffer, its first `len` bytes, as [`validate_input`] does,
/// and answers the outcome as pieces ([`Pieces`]): where their numbers are in wasm memory (a
/// byte address, 4-aligned; they say where the text is), valid until the next validation.
#[wasm_bindgen(js_name = piecesInput)]
#[must_use]
pub fn pieces_input(len: u32) -> u32 {
    let mut at = 0;
    with_input(len, &mut |body| {
        with_options(&mut |options| {
            let checked = check_bytes(body, options);
            let _ = PIECES_HELD.try_with(|cell| {
                if let Ok(mut pieces) = cell.try_borrow_mut() {
                    pieces.text.clear();
                    pieces.numbers.clear();
                    write_pieces(&checked, &mut pieces);
                    let n = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
                    let (text_at, text_len) =
                        (n(pieces.text.as_ptr() as usize), n(pieces.text.len()));
                    if let Some(head) = pieces.numbers.get_mut(HEAD_LEN - 2..HEAD_LEN) {
                        head.copy_from_slice(&[text_at, text_len]);
                    }
                    at = n(pieces.numbers.as_ptr() as usize);
                }
            });
        });
    });
    at
}

/// An outcome as the package's `validate` builds its object from it without parsing JSON: the
/// values of its strings one after another in `text` (unescaped), and `numbers`, read by
/// `npm/api.js`: first [`HEAD_LEN`] numbers (the head's bits, a count, the number of warnings,
/// the number of strings, where the text starts in wasm memory and its length in bytes), then for a set the kind of each `data` value ([`DATA_STRING`] or
/// [`DATA_JSON`]), then where each string ends in `text`, in UTF-16 code units (the unit of
/// JavaScript string offsets).
struct Pieces {
    text: String,
    numbers: Vec<u32>,
}

/// The numbers before the kinds and the ends.
const HEAD_LEN: usize = 6;

impl Pieces {
    fn string(&mut self, s: &str) {
        self.text.push_str(s);
        self.end();
    }

    /// Marks where the string written last ends (a byte offset until [`Pieces::finish`]).
    fn end(&mut self) {
        self.numbers
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
    }

    fn head(&mut self, bits: u32, count: usize, warnings: &[Warning]) {
        let n = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        // The number of strings is known at the end ([`Pieces::finish`]), the text's place once
        // it is written ([`pieces_input`]).
        self.numbers
            .extend([bits, n(count), n(warnings.len()), 0, 0, 0]);
    }

    fn notes<'a>(&mut self, notes: impl Iterator<Item = (&'a str, &'a str, &'a str)>) {
        for (code, path, message) in notes {
            self.string(code);
            self.string(path);
            self.string(message);
        }
    }

    fn finish(&mut self, warnings: &[Warning], ends_from: usize) {
        self.notes(
            warnings
                .iter()
                .map(|w| (w.code.as_str(), &*w.path, &*w.message)),
        );
        let strings = u32::try_from(self.numbers.len() - ends_from).unwrap_or(u32::MAX);
        // The ends become UTF-16 offsets; in an ASCII text (the usual case) they are the same.
        if self.text.is_ascii() {
            if let Some(bits) = self.numbers.first_mut() {
                *bits |= ASCII_TEXT;
            }
        } else {
            let bytes = self.text.as_bytes();
            let (mut at, mut units) = (0, 0);
            for end in self.numbers.get_mut(ends_from..).unwrap_or_default() {
                let to = *end as usize;
                units += utf16_len(bytes.get(at..to).unwrap_or_default());
                at = to;
                *end = units;
            }
        }
        if let Some(slot) = self.numbers.get_mut(HEAD_LEN - 3) {
            *slot = strings;
        }
    }
}

/// The head's bits ([`Pieces`]): the verdict's ([`Checked::verdict`]), and which optional
/// members a set has.
const HAS_PROFILE_TAG: u32 = 8;
const HAS_ENABLED: u32 = 16;
const ENABLED_TRUE: u32 = 32;
const HAS_DEVICE_ID: u32 = 64;
/// The text is ASCII: one byte a character (the caller may read it as Latin-1).
const ASCII_TEXT: u32 = 128;
/// What a `data` member's value is: a string, or the compact JSON of any other value.
const DATA_STRING: u32 = 0;
const DATA_JSON: u32 = 1;

/// Writes an outcome as [`Pieces`]. Its strings come in the order of its JSON members
/// (docs/rules.md section 5):
/// - set (the count: `data` members): `kind`, `app_id`, `pushkey`, `app_display_name`,
///   `device_display_name`, `profile_tag` when present, `lang`, each `data` member's name and
///   value, `org.matrix.msc3881.device_id` when present;
/// - delete: `app_id`, `pushkey`;
/// - rejection (the count: problems): each problem's `errcode`, `path`, `message`;
///
/// and last each warning's `code`, `path`, `message`.
fn write_pieces(checked: &Checked<'_>, out: &mut Pieces) {
    let verdict = u32::from(checked.verdict());
    match checked {
        Checked::Set {
            pusher, warnings, ..
        } => {
            let mut bits = verdict;
            if pusher.profile_tag.is_some() {
                bits |= HAS_PROFILE_TAG;
            }
            match pusher.enabled {
                Some(true) => bits |= HAS_ENABLED | ENABLED_TRUE,
                Some(false) => bits |= HAS_ENABLED,
                None => {}
            }
            if pusher.device_id.is_some() {
                bits |= HAS_DEVICE_ID;
            }
            out.head(bits, pusher.data.len(), warnings);
            out.numbers
                .extend(pusher.data.iter().map(|(_, value)| match value {
                    Val::Str(_) => DATA_STRING,
                    _ => DATA_JSON,
                }));
            let ends_from = out.numbers.len();
            out.string(pusher.kind.as_str());
            out.string(&pusher.app_id);
            out.string(&pusher.pushkey);
            out.string(&pusher.app_display_name);
            out.string(&pusher.device_display_name);
            if let Some(tag) = &pusher.profile_tag {
                out.string(tag);
            }
            out.string(&pusher.lang);
            for (name, value) in &pusher.data {
                out.string(name);
                if let Val::Str(s) = value {
                    out.string(s);
                } else {
                    json::write_val(&mut out.text, value);
                    out.end();
                }
            }
            if let Some(device_id) = &pusher.device_id {
                out.string(device_id);
            }
            out.finish(warnings, ends_from);
        }
        Checked::Delete {
            app_id,
            pushkey,
            warnings,
        } => {
            out.head(verdict, 0, warnings);
            let ends_from = out.numbers.len();
            out.string(app_id);
            out.string(pushkey);
            out.finish(warnings, ends_from);
        }
        Checked::Rejected { errors, warnings } => {
            out.head(verdict, errors.len(), warnings);
            let ends_from = out.numbers.len();
            out.notes(
                errors
                    .iter()
                    .map(|p: &Problem| (p.errcode.as_str(), &*p.path, &*p.message)),
            );
            out.finish(warnings, ends_from);
        }
    }
}

/// The number of UTF-16 code units of a UTF-8 text: one per character, two for those outside
/// the Basic Multilingual Plane (the ones written in four bytes).
fn utf16_len(utf8: &[u8]) -> u32 {
    // ASCII, the usual case, is checked a word at a time: one unit a byte.
    let units = if utf8.is_ascii() {
        utf8.len()
    } else {
        utf8.iter()
            .map(|&b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
            .sum::<usize>()
    };
    u32::try_from(units).unwrap_or(u32::MAX)
}
