//! Validates and normalizes Matrix pusher registrations (`POST /_matrix/client/v3/pushers/set`).
//!
//! One call takes the raw request body and [`Options`] and returns an [`Outcome`]: a pusher to
//! set, a pusher to delete, or a rejection that lists every [`Problem`] with an RFC 6901 JSON
//! Pointer and a Matrix error code. The rules are those of the project's `docs/rules.md`.
//!
//! ```
//! use matrix_pusher_validator::{validate, Options, Outcome};
//!
//! let body = br#"{"kind":"http","app_id":"im.vector.app.android","pushkey":"abc",
//!   "app_display_name":"Element","device_display_name":"Pixel","lang":"en_US",
//!   "data":{"url":"https://push.example.org/_matrix/push/v1/notify","format":"event_id_only"}}"#;
//! match validate(body, &Options::default()) {
//!     Outcome::Set { pusher, .. } => assert_eq!(pusher.lang, "en-US"),
//!     other => panic!("unexpected {other:?}"),
//! }
//! ```
#![forbid(unsafe_code)]

use std::ops::Range;

mod ascii;
mod json;
mod lang;
mod model;
mod options;
mod p256;
mod problem;
mod rules;
mod url;
mod webpush;

#[cfg(target_arch = "wasm32")]
mod wasm;

#[cfg(all(target_arch = "wasm32", feature = "bench-serde-wasm-bindgen"))]
mod bench_bridge;

pub use json::{MAX_NESTING, ParseError, Value};
pub use model::{Outcome, Pusher, PusherData, PusherKind};
pub use options::{OptionError, Options};
pub use problem::{ErrorCode, Problem, Warning, WarningCode};
pub use url::{AllowedHost, UrlError, check_gateway_url, check_web_push_url};

/// Validates a raw request body (the bytes of `POST /pushers/set`).
///
/// Never panics and never fails: every problem with the input is part of the returned
/// [`Outcome::Rejected`].
#[must_use]
pub fn validate(body: &[u8], options: &Options) -> Outcome {
    rules::validate_bytes(body, options)
}

/// Validates a raw request body and writes the outcome's compact JSON, with the byte range of its
/// `pusher` member's value (`None` for a rejection): what [`Outcome::to_json_with_pusher_range`]
/// gives for [`validate`]'s outcome, written from the body without building that outcome.
#[must_use]
pub fn validate_to_json(body: &[u8], options: &Options) -> (String, Option<Range<usize>>) {
    let (text, summary) = rules::check_bytes(body, options).to_json();
    let range = summary.pusher.map(|(start, end)| start..end);
    (text, range)
}

/// Validates an already-parsed JSON value, for callers that hold an object rather than bytes.
///
/// The size limit and the syntax rules (`NaN`, lone surrogates) cannot apply to a value; the
/// depth limit, repeated member names (a hand-built [`Value::Object`] can hold them) and every
/// member rule do. For a body without those parse-level problems, the outcome is the one
/// [`validate`] gives for its bytes.
#[must_use]
pub fn validate_value(value: &Value, options: &Options) -> Outcome {
    rules::validate_value(value, options)
}
