//! A compact JSON writer for the pusher, independent of the crate's own, so that re-validation
//! does not trust the code under test to write its input.

use std::fmt::Write;

use matrix_pusher_validator::{Pusher, Value};

pub fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

pub fn value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(n),
        Value::String(s) => string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                value(out, item);
            }
            out.push(']');
        }
        Value::Object(members) => object(out, members),
    }
}

pub fn object(out: &mut String, members: &[(String, Value)]) {
    out.push('{');
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, k);
        out.push(':');
        value(out, v);
    }
    out.push('}');
}

/// The pusher as a set request body, members in docs/rules.md section 5 order.
pub fn pusher(p: &Pusher) -> String {
    let mut m: Vec<(String, Value)> = vec![
        ("kind".into(), Value::String(p.kind.as_str().into())),
        ("app_id".into(), Value::String(p.app_id.clone())),
        ("pushkey".into(), Value::String(p.pushkey.clone())),
        (
            "app_display_name".into(),
            Value::String(p.app_display_name.clone()),
        ),
        (
            "device_display_name".into(),
            Value::String(p.device_display_name.clone()),
        ),
    ];
    if let Some(t) = &p.profile_tag {
        m.push(("profile_tag".into(), Value::String(t.clone())));
    }
    m.push(("lang".into(), Value::String(p.lang.clone())));
    m.push(("data".into(), Value::Object(p.data.0.clone())));
    if let Some(enabled) = p.enabled {
        m.push(("org.matrix.msc3881.enabled".into(), Value::Bool(enabled)));
    }
    if let Some(id) = &p.device_id {
        m.push((
            "org.matrix.msc3881.device_id".into(),
            Value::String(id.clone()),
        ));
    }
    let mut out = String::new();
    object(&mut out, &m);
    out
}

/// A delete request body.
pub fn delete(app_id: &str, pushkey: &str) -> String {
    let mut out = String::from("{\"kind\":null,\"app_id\":");
    string(&mut out, app_id);
    out.push_str(",\"pushkey\":");
    string(&mut out, pushkey);
    out.push('}');
    out
}
