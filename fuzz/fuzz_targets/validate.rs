//! Fuzzes the byte entry point, `validate`.
//!
//! Input: one options byte (see common.rs), then the request body. Invariants:
//! - it never panics;
//! - `validate_to_json` writes exactly the text of `validate`'s outcome, and its pusher range;
//! - the outcome serializes to valid JSON of the docs/rules.md section 5 shape;
//! - `M_TOO_LARGE` exactly when the body is longer than `maxBodyBytes`, and parse-level problems
//!   come alone;
//! - whatever a strict JSON parser (serde_json) refuses, we refuse, and what it accepts is never
//!   `M_NOT_JSON`;
//! - problems carry well-formed JSON Pointers;
//! - what the crate's JSON parser reads, serde_json reads to the same value, the crate's writer
//!   writes it back to something both read the same, and `compact_len` is the written length;
//! - `validate_value` on the parsed value agrees with `validate` on the bytes;
//! - an accepted set changes only what docs/rules.md section 5 names: `pushkey`, `app_id`, the display
//!   names and every `data` member but `url` are the input's exactly, `lang` differs only in case
//!   and `_`, `data.url` is what the URL check makes of the input's, `profile_tag` is the input's
//!   `profile_tag` or else its `instance_handle`;
//! - an accepted set re-validates to the same pusher with no `normalized` warning, its kind is
//!   allowed and its gateway URL is a fixed point of the URL check; an accepted delete re-validates
//!   to the same delete.
#![no_main]

mod common;
mod writer;

use libfuzzer_sys::fuzz_target;
use matrix_pusher_validator::{
    ErrorCode, Outcome, PusherKind, Value, WarningCode, check_gateway_url, check_web_push_url,
    validate, validate_to_json, validate_value,
};
use serde_json::Value as Reference;

fn well_formed_pointer(p: &str) -> bool {
    if p.is_empty() {
        return true;
    }
    if !p.starts_with('/') {
        return false;
    }
    let b = p.as_bytes();
    b.iter()
        .enumerate()
        .all(|(i, &c)| c != b'~' || matches!(b.get(i + 1), Some(b'0' | b'1')))
}

fuzz_target!(|data: &[u8]| {
    let Some((opts, body)) = common::split(data) else {
        return;
    };
    let outcome = validate(body, &opts);
    let reference = serde_json::from_slice::<Reference>(body);

    check_outcome_json(&outcome);
    assert_eq!(
        validate_to_json(body, &opts),
        outcome.to_json_with_pusher_range(),
        "validate_to_json differs from the outcome's text"
    );

    // The crate's JSON parser and writer against serde_json, and the two entry points against
    // each other.
    if let Ok(value) = Value::parse(body, opts.max_depth) {
        let reference = reference
            .as_ref()
            .unwrap_or_else(|e| panic!("parsed what serde_json refuses: {e}"));
        // `to_json` asserts (in debug builds, as fuzzing runs) that its size estimate is exact.
        let written = value.to_json();
        let reread: Reference =
            serde_json::from_str(&written).expect("the writer wrote invalid JSON");
        assert_eq!(
            &reread, reference,
            "parse then write changed the document: {written}"
        );
        assert_eq!(
            Value::parse(written.as_bytes(), opts.max_depth).as_ref(),
            Ok(&value),
            "write then parse changed the value"
        );
        if body.len() <= opts.max_body_bytes {
            assert_eq!(
                validate_value(&value, &opts),
                outcome,
                "validate_value disagrees with validate"
            );
        }
    }

    match &outcome {
        Outcome::Rejected { errors, .. } => {
            assert!(!errors.is_empty(), "rejected without a problem");
            for p in errors {
                assert!(well_formed_pointer(&p.path), "bad pointer {:?}", p.path);
            }
            let parse_level = errors
                .iter()
                .filter(|p| matches!(p.errcode, ErrorCode::NotJson | ErrorCode::TooLarge))
                .count();
            if parse_level > 0 {
                assert_eq!(
                    errors.len(),
                    1,
                    "a parse-level problem not alone: {errors:?}"
                );
                assert_eq!(errors[0].path, "", "a parse-level problem not at the root");
            }
            let too_large = errors[0].errcode == ErrorCode::TooLarge;
            assert_eq!(
                too_large,
                body.len() > opts.max_body_bytes,
                "M_TOO_LARGE wrong for {} bytes",
                body.len()
            );
            if errors[0].errcode == ErrorCode::NotJson {
                assert!(reference.is_err(), "M_NOT_JSON for what serde_json parses");
            }
        }
        Outcome::Set {
            pusher, warnings, ..
        } => {
            assert!(body.len() <= opts.max_body_bytes);
            assert!(
                reference.is_ok(),
                "accepted what serde_json refuses: {:?}",
                reference.err()
            );
            let base = if pusher.kind.is_web_push() {
                PusherKind::WebPush
            } else {
                pusher.kind
            };
            assert!(
                opts.kinds.contains(&base),
                "kind {:?} not allowed",
                pusher.kind
            );
            assert!((1..=64).contains(&pusher.app_id.len()), "app_id length");
            assert!(
                !pusher.pushkey.is_empty() && pusher.pushkey.len() <= 512,
                "pushkey length"
            );
            for w in warnings {
                assert!(well_formed_pointer(&w.path), "bad pointer {:?}", w.path);
            }
            if pusher.kind == PusherKind::Http {
                let url = pusher.data.url().expect("http pusher without data.url");
                assert_eq!(
                    check_gateway_url(url, &opts).as_deref(),
                    Ok(url),
                    "stored URL not a fixed point"
                );
            }
            if pusher.kind.is_web_push() {
                check_web_push(pusher, &opts);
            }
            check_only_named_changes(body, &opts, pusher);
            let again = writer::pusher(pusher);
            assert_eq!(
                pusher.to_json(),
                again,
                "the crate writes the pusher differently"
            );
            match validate(again.as_bytes(), &opts) {
                Outcome::Set {
                    pusher: p2,
                    warnings: w2,
                    ..
                } => {
                    assert_eq!(&p2, pusher, "re-validation changed the pusher: {again}");
                    assert!(
                        !w2.iter().any(|w| w.code == WarningCode::Normalized),
                        "re-validation normalized again: {again} {w2:?}"
                    );
                }
                other => panic!("output pusher not accepted again: {again} -> {other:?}"),
            }
        }
        Outcome::Delete {
            app_id, pushkey, ..
        } => {
            assert!(
                reference.is_ok(),
                "accepted what serde_json refuses: {:?}",
                reference.err()
            );
            let again = writer::delete(app_id, pushkey);
            match validate(again.as_bytes(), &opts) {
                Outcome::Delete {
                    app_id: a2,
                    pushkey: k2,
                    ..
                } => {
                    assert_eq!(
                        (&a2, &k2),
                        (app_id, pushkey),
                        "re-validation changed the delete"
                    );
                }
                other => panic!("output delete not accepted again: {again} -> {other:?}"),
            }
        }
    }
});

/// The outcome's JSON is valid and has the shape of docs/rules.md section 5.
fn check_outcome_json(outcome: &Outcome) {
    let (text, range) = outcome.to_json_with_pusher_range();
    let v: Reference = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("outcome JSON invalid ({e}): {text}"));
    let obj = v.as_object().expect("outcome JSON is not an object");
    let warnings = obj["warnings"]
        .as_array()
        .expect("warnings is not an array");
    for w in warnings {
        assert!(
            w["code"].is_string() && w["path"].is_string() && w["message"].is_string(),
            "bad warning {w}"
        );
    }
    match outcome {
        Outcome::Set { pusher, append, .. } => {
            assert_eq!(obj["ok"], Reference::Bool(true));
            assert_eq!(obj["action"], "set");
            assert_eq!(obj["append"], Reference::Bool(*append));
            let r = range.expect("no pusher range");
            assert_eq!(&text[r], pusher.to_json(), "pusher range is not the pusher");
            let p = obj["pusher"].as_object().expect("pusher is not an object");
            let keys: Vec<&str> = p.keys().map(String::as_str).collect();
            let mut want = vec![
                "kind",
                "app_id",
                "pushkey",
                "app_display_name",
                "device_display_name",
            ];
            if pusher.profile_tag.is_some() {
                want.push("profile_tag");
            }
            want.extend(["lang", "data"]);
            // Rule M: after data, each only when present (the order is the writer's check).
            if pusher.enabled.is_some() {
                want.push("org.matrix.msc3881.enabled");
            }
            if pusher.device_id.is_some() {
                want.push("org.matrix.msc3881.device_id");
            }
            let mut sorted_want = want.clone();
            sorted_want.sort_unstable();
            assert_eq!(keys, sorted_want, "pusher members");
            assert_eq!(p["pushkey"], Reference::String(pusher.pushkey.clone()));
            assert_eq!(p["lang"], Reference::String(pusher.lang.clone()));
        }
        Outcome::Delete {
            app_id, pushkey, ..
        } => {
            assert_eq!(obj["ok"], Reference::Bool(true));
            assert_eq!(obj["action"], "delete");
            let p = &obj["pusher"];
            assert_eq!(p["kind"], Reference::Null);
            assert_eq!(p["app_id"], Reference::String(app_id.clone()));
            assert_eq!(p["pushkey"], Reference::String(pushkey.clone()));
            assert!(range.is_some(), "no pusher range");
        }
        Outcome::Rejected { errors, .. } => {
            assert_eq!(obj["ok"], Reference::Bool(false));
            assert!(range.is_none());
            assert_eq!(obj["errcode"], errors[0].errcode.as_str());
            assert!(obj["error"].is_string());
            let list = obj["errors"].as_array().expect("errors is not an array");
            assert_eq!(list.len(), errors.len());
            for (e, p) in list.iter().zip(errors) {
                assert_eq!(e["errcode"], p.errcode.as_str());
                assert_eq!(e["path"], Reference::String(p.path.clone()));
                assert!(e["message"].is_string());
            }
        }
    }
}

/// docs/rules.md section 5: "The only changes made to values are those named above".
fn check_only_named_changes(
    body: &[u8],
    opts: &matrix_pusher_validator::Options,
    pusher: &matrix_pusher_validator::Pusher,
) {
    let Ok(Value::Object(members)) = Value::parse(body, opts.max_depth) else {
        panic!("accepted a body the crate's own parser refuses");
    };
    let get = |name: &str| members.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let text = |name: &str| get(name).and_then(Value::as_str);
    assert_eq!(
        text("app_id"),
        Some(pusher.app_id.as_str()),
        "app_id changed"
    );
    assert_eq!(
        text("pushkey"),
        Some(pusher.pushkey.as_str()),
        "pushkey changed"
    );
    assert_eq!(
        text("app_display_name"),
        Some(pusher.app_display_name.as_str()),
        "app_display_name changed"
    );
    assert_eq!(
        text("device_display_name"),
        Some(pusher.device_display_name.as_str()),
        "device_display_name changed"
    );
    let lang = text("lang").expect("accepted without a lang string");
    assert_eq!(
        lang.replace('_', "-").to_ascii_lowercase(),
        pusher.lang.to_ascii_lowercase(),
        "lang changed beyond case and _"
    );
    let tag = match get("profile_tag") {
        Some(Value::String(t)) => Some(t.as_str()),
        _ => text("instance_handle"),
    };
    assert_eq!(
        tag,
        pusher.profile_tag.as_deref(),
        "profile_tag is neither profile_tag nor instance_handle"
    );
    let Some(Value::Object(data)) = get("data") else {
        panic!("accepted without a data object");
    };
    assert_eq!(
        data.len(),
        pusher.data.0.len(),
        "data members added or dropped"
    );
    for ((k_in, v_in), (k_out, v_out)) in data.iter().zip(&pusher.data.0) {
        assert_eq!(k_in, k_out, "data member order or names changed");
        if k_in == "url" && (pusher.kind == PusherKind::Http || pusher.kind.is_web_push()) {
            let url = v_in.as_str().expect("data.url not a string");
            let checked = if pusher.kind.is_web_push() {
                check_web_push_url(url, opts)
            } else {
                check_gateway_url(url, opts)
            };
            assert_eq!(
                checked.as_ref().map(String::as_str),
                Ok(v_out.as_str().unwrap_or_default()),
                "data.url is not the URL check's output"
            );
        } else {
            assert_eq!(v_in, v_out, "data member {k_in} changed");
        }
    }
}

/// Rule W, against independent readings: the key decodes (as standard unpadded URL-safe Base64)
/// to an uncompressed point RustCrypto's `p256` accepts, the auth secret to 16 bytes, and the
/// push service URL is a fixed point of its check.
fn check_web_push(
    pusher: &matrix_pusher_validator::Pusher,
    opts: &matrix_pusher_validator::Options,
) {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use p256::elliptic_curve::sec1::FromEncodedPoint;
    let key = URL_SAFE_NO_PAD
        .decode(&pusher.pushkey)
        .unwrap_or_else(|e| panic!("accepted web push key {:?}: {e}", pusher.pushkey));
    assert_eq!(key.len(), 65, "web push key length");
    assert_eq!(key[0], 4, "web push key not uncompressed");
    let point = p256::EncodedPoint::from_bytes(&key).expect("an encoded point");
    assert!(
        bool::from(p256::AffinePoint::from_encoded_point(&point).is_some()),
        "accepted a web push key off the curve: {:?}",
        pusher.pushkey
    );
    let auth = pusher
        .data
        .get("auth")
        .and_then(matrix_pusher_validator::Value::as_str)
        .expect("web push without data.auth");
    assert_eq!(
        URL_SAFE_NO_PAD.decode(auth).map(|a| a.len()).ok(),
        Some(16),
        "accepted auth {auth:?}"
    );
    let url = pusher.data.url().expect("web push without data.url");
    assert_eq!(
        check_web_push_url(url, opts).as_deref(),
        Ok(url),
        "stored push service URL not a fixed point"
    );
}
