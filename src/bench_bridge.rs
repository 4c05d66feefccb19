//! Benchmark-only exports (feature `bench-serde-wasm-bindgen`, never in the package): the
//! `serde-wasm-bindgen` bridge and a `js-sys` typed view measured against the JSON-text boundary
//! the package uses, in one module built with the package's settings. Default options only.
//!
//! - the deserializer: an already-parsed JavaScript object read straight into a [`Value`]
//!   (`swbValueToText`), against the package's path, the object's JSON text validated as a
//!   string (`textToText`);
//! - the serializer: the outcome built as a JavaScript object (`bytesToObject`), against its
//!   JSON text read by `JSON.parse` in JavaScript (`bytesToText`);
//! - `js-sys`: the pusher's range as one `Uint32Array` (`pusherRange`) against one call per
//!   figure (`pusherStart`, `pusherEnd`).

// `#[wasm_bindgen]` accepts only `pub` functions, though this module is private.
#![allow(unreachable_pub)]

use serde::Serialize;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::{ErrorCode, Options, Outcome, Problem, Value, validate, validate_value};

/// A JavaScript object read with `serde_wasm_bindgen::from_value`, validated, the outcome as
/// JSON text (a value the bridge cannot read, such as a non-finite number, is rejected with
/// `M_BAD_JSON` at `""`, as the package rejects it).
#[wasm_bindgen(js_name = swbValueToText)]
#[must_use]
pub fn swb_value_to_text(value: JsValue) -> String {
    match serde_wasm_bindgen::from_value::<Value>(value) {
        Ok(value) => validate_value(&value, &Options::default()).to_json(),
        Err(_) => Outcome::Rejected {
            errors: vec![Problem {
                errcode: ErrorCode::BadJson,
                path: String::new(),
                message: "not representable as JSON".into(),
            }],
            warnings: Vec::new(),
        }
        .to_json(),
    }
}

/// The package's path for an object: its JSON text, validated as a string.
#[wasm_bindgen(js_name = textToText)]
#[must_use]
pub fn text_to_text(text: &str) -> String {
    crate::validate_to_json(text.as_bytes(), &Options::default()).0
}

/// The package's path for bytes: the outcome as JSON text.
#[wasm_bindgen(js_name = bytesToText)]
#[must_use]
pub fn bytes_to_text(body: &[u8]) -> String {
    crate::validate_to_json(body, &Options::default()).0
}

/// The outcome built as a JavaScript object by `serde_wasm_bindgen`'s JSON-compatible
/// serializer (`undefined` if it fails).
#[wasm_bindgen(js_name = bytesToObject)]
#[must_use]
pub fn bytes_to_object(body: &[u8]) -> JsValue {
    let outcome = validate(body, &Options::default());
    outcome
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::UNDEFINED)
}

/// The package's validation of bytes, with the pusher's range recorded (`pusherStart`,
/// `pusherEnd`, [`pusher_range`]).
#[wasm_bindgen(js_name = validateForRange)]
#[must_use]
pub fn validate_for_range(body: &[u8]) -> String {
    crate::wasm::validate_body(body, 8)
}

/// The pusher's range of the last outcome (`pusherStart`, `pusherEnd`) as one
/// `js_sys::Uint32Array`.
#[wasm_bindgen(js_name = pusherRange)]
#[must_use]
pub fn pusher_range() -> js_sys::Uint32Array {
    let range = [crate::wasm::pusher_start(), crate::wasm::pusher_end()];
    js_sys::Uint32Array::from(&range[..])
}
