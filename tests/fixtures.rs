//! Runs the fixture corpus (`tests/fixtures/*.json`, format in `tests/fixtures/README.md`)
//! through `validate`, and the `body` cases through `validate_value` too. Every failing case is
//! reported by name, not just the first.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use matrix_pusher_validator::{
    Options, Outcome, Value, validate, validate_to_json, validate_value,
};
use serde::Deserialize;
use serde_json::{Map, Value as Json};

struct Case {
    file: String,
    name: String,
    input: Input,
    options: Json,
    expect: Map<String, Json>,
}

enum Input {
    Body(Json),
    Bytes(Vec<u8>),
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn decode_hex(hex: &str) -> Result<Vec<u8>, String> {
    let hex: Vec<u8> = hex.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if hex.len() % 2 != 0 {
        return Err("raw_hex has an odd number of digits".into());
    }
    hex.chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|s| u8::from_str_radix(s, 16).ok())
                .ok_or_else(|| format!("raw_hex has a bad digit pair {pair:?}"))
        })
        .collect()
}

fn input_of(case: &Map<String, Json>) -> Result<Input, String> {
    let given: Vec<&str> = ["body", "raw", "raw_hex", "raw_repeat"]
        .into_iter()
        .filter(|k| case.contains_key(*k))
        .collect();
    if given.len() != 1 {
        return Err(format!(
            "needs exactly one of body, raw, raw_hex, raw_repeat; has {given:?}"
        ));
    }
    match given[0] {
        "body" => Ok(Input::Body(case["body"].clone())),
        "raw" => case["raw"]
            .as_str()
            .map(|s| Input::Bytes(s.as_bytes().to_vec()))
            .ok_or_else(|| "raw must be a string".into()),
        "raw_hex" => case["raw_hex"]
            .as_str()
            .ok_or_else(|| "raw_hex must be a string".to_owned())
            .and_then(decode_hex)
            .map(Input::Bytes),
        _ => {
            let spec = &case["raw_repeat"];
            let text = |k: &str| spec.get(k).and_then(Json::as_str).unwrap_or("");
            let count = spec
                .get("count")
                .and_then(Json::as_u64)
                .ok_or_else(|| "raw_repeat.count must be a number".to_owned())?;
            let count = usize::try_from(count).map_err(|e| e.to_string())?;
            let mut bytes = text("prefix").as_bytes().to_vec();
            bytes.extend(text("repeat").repeat(count).into_bytes());
            bytes.extend_from_slice(text("suffix").as_bytes());
            Ok(Input::Bytes(bytes))
        }
    }
}

fn load_cases() -> (Vec<Case>, Vec<String>) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .expect("tests/fixtures is readable")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    let mut broken = Vec::new();
    let mut names = HashSet::new();
    for path in files {
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path).expect("a fixture file is readable");
        let list: Vec<Map<String, Json>> = match serde_json::from_str(&text) {
            Ok(list) => list,
            Err(error) => {
                broken.push(format!("{file}: not an array of cases: {error}"));
                continue;
            }
        };
        for (index, case) in list.into_iter().enumerate() {
            let name = case
                .get("name")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_owned();
            let label = format!("{file}[{index}] {name}");
            if name.is_empty() || !names.insert(name.clone()) {
                broken.push(format!("{label}: the name is missing or not unique"));
                continue;
            }
            let Some(expect) = case.get("expect").and_then(Json::as_object).cloned() else {
                broken.push(format!("{label}: no expect object"));
                continue;
            };
            match input_of(&case) {
                Ok(input) => cases.push(Case {
                    file: file.clone(),
                    name,
                    input,
                    options: case
                        .get("options")
                        .cloned()
                        .unwrap_or(Json::Object(Map::new())),
                    expect,
                }),
                Err(error) => broken.push(format!("{label}: {error}")),
            }
        }
    }
    (cases, broken)
}

/// `[[code, path], ...]` of problems or warnings.
fn pairs<'a>(items: impl Iterator<Item = (&'a str, &'a str)>) -> Json {
    Json::Array(
        items
            .map(|(code, path)| serde_json::json!([code, path]))
            .collect(),
    )
}

/// The differences between the outcome and what the case expects; empty when it passes.
fn compare(outcome: &Outcome, expect: &Map<String, Json>) -> Vec<String> {
    let mut diffs = Vec::new();
    let check = |diffs: &mut Vec<String>, member: &str, actual: Json| {
        if let Some(expected) = expect.get(member).filter(|e| **e != actual) {
            diffs.push(format!("{member}: expected {expected}, got {actual}"));
        }
    };
    check(&mut diffs, "ok", Json::Bool(outcome.is_ok()));
    check(
        &mut diffs,
        "warnings",
        pairs(
            outcome
                .warnings()
                .iter()
                .map(|w| (w.code.as_str(), w.path.as_str())),
        ),
    );
    // The outcome as a client reads it: the JSON text, checked against the serde form too.
    let (text, range) = outcome.to_json_with_pusher_range();
    let as_json: Json = match serde_json::from_str(&text) {
        Ok(json) => json,
        Err(error) => {
            diffs.push(format!("to_json wrote invalid JSON ({error}): {text}"));
            return diffs;
        }
    };
    let via_serde = serde_json::to_value(outcome).unwrap_or(Json::Null);
    if !same_json(&via_serde, &as_json) {
        diffs.push(format!(
            "serde form {via_serde} differs from to_json {as_json}"
        ));
    }
    match (range, as_json.get("pusher")) {
        (Some(range), Some(pusher)) => {
            let slice: Json = serde_json::from_str(&text[range]).unwrap_or(Json::Null);
            if slice != *pusher {
                diffs.push(format!("the pusher range holds {slice}, not {pusher}"));
            }
        }
        (None, None) => {}
        _ => diffs.push("the pusher range and the pusher member disagree".into()),
    }
    match outcome {
        Outcome::Rejected { errors, .. } => {
            check(
                &mut diffs,
                "errors",
                pairs(errors.iter().map(|p| (p.errcode.as_str(), p.path.as_str()))),
            );
            check(&mut diffs, "action", Json::Null);
        }
        Outcome::Set { .. } | Outcome::Delete { .. } => {
            check(&mut diffs, "errors", Json::Array(Vec::new()));
            for member in ["action", "pusher", "append"] {
                check(
                    &mut diffs,
                    member,
                    as_json.get(member).cloned().unwrap_or(Json::Null),
                );
            }
        }
    }
    diffs
}

/// Equal as JSON, numbers by their value: the serde form writes a number that an `f64` holds
/// exactly in that double's shortest form (`1E2` as `100.0`), every other one as its text.
fn same_json(serde_form: &Json, text_form: &Json) -> bool {
    match (serde_form, text_form) {
        (Json::Number(a), Json::Number(b)) => {
            number_value(&a.to_string()) == number_value(&b.to_string())
        }
        (Json::Array(a), Json::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_json(a, b))
        }
        (Json::Object(a), Json::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, a), (kb, b))| ka == kb && same_json(a, b))
        }
        _ => serde_form == text_form,
    }
}

/// A JSON number's value as (negative, digits, exponent) with `value = 0.digits * 10^exponent`
/// and no zero at either end of the digits; zero is `(negative, "", 0)`.
fn number_value(text: &str) -> (bool, String, i128) {
    let negative = text.starts_with('-');
    let text = text.trim_start_matches('-');
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (
            &text[..at],
            text[at + 1..].parse::<i128>().expect("an exponent"),
        ),
        None => (text, 0),
    };
    let point = mantissa.find('.').unwrap_or(mantissa.len());
    let all: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let first = all.find(|c| c != '0');
    let Some(first) = first else {
        return (negative, String::new(), 0);
    };
    let digits = all[first..].trim_end_matches('0').to_owned();
    let shift = i128::try_from(point).expect("a length") - i128::try_from(first).expect("a length");
    (negative, digits, exponent + shift)
}

fn expects_too_large(expect: &Map<String, Json>) -> bool {
    expect
        .get("errors")
        .and_then(|e| e.get(0))
        .and_then(|first| first.get(0))
        .is_some_and(|code| code == "M_TOO_LARGE")
}

#[test]
fn every_fixture_case_gives_the_expected_outcome() {
    let (cases, mut failures) = load_cases();
    let mut value_runs = 0;
    let mut option_errors = 0;
    for case in &cases {
        let label = format!("{} ({})", case.name, case.file);
        // The options go through the crate's one reader, as every face reads them.
        let read = Value::deserialize(&case.options)
            .map_err(|e| e.to_string())
            .and_then(|value| Options::from_value(&value).map_err(|e| e.to_string()));
        let read = match (read, case.expect.get("option_error").and_then(Json::as_str)) {
            (Ok(options), None) => options,
            (Err(message), Some(option)) => {
                option_errors += 1;
                let named = Value::deserialize(&case.options)
                    .ok()
                    .and_then(|value| Options::from_value(&value).err())
                    .map(|e| e.option);
                if named.as_deref() != Some(option) {
                    failures.push(format!(
                        "{label}: the option error names {named:?}, not {option:?}: {message}"
                    ));
                }
                if !message.contains(&format!("options.{option}")) {
                    failures.push(format!(
                        "{label}: the message does not name {option}: {message}"
                    ));
                }
                continue;
            }
            (Ok(options), Some(option)) => {
                failures.push(format!(
                    "{label}: options read as {options:?}, expected an error for {option}"
                ));
                continue;
            }
            (Err(message), None) => {
                failures.push(format!("{label}: options refused: {message}"));
                continue;
            }
        };
        let options = read;
        let bytes = match &case.input {
            Input::Body(body) => serde_json::to_vec(body).expect("a JSON value serializes"),
            Input::Bytes(bytes) => bytes.clone(),
        };
        let outcome = validate(&bytes, &options);
        for diff in compare(&outcome, &case.expect) {
            failures.push(format!("{label}: validate: {diff}"));
        }
        // The text the package returns is written from the body, without the outcome: the
        // same text, with the body compact (spans copied) and pretty-printed (written anew).
        let mut forms = vec![bytes.clone()];
        if let Input::Body(body) = &case.input {
            forms.push(serde_json::to_vec_pretty(body).expect("a JSON value serializes"));
        }
        for form in forms {
            let expected = validate(&form, &options).to_json_with_pusher_range();
            if validate_to_json(&form, &options) != expected {
                failures.push(format!(
                    "{label}: validate_to_json differs from the outcome's text {}",
                    expected.0
                ));
            }
        }
        let body = match &case.input {
            Input::Body(body) if !expects_too_large(&case.expect) => Some(body),
            _ => None,
        };
        if let Some(body) = body {
            value_runs += 1;
            match Value::deserialize(body) {
                Ok(value) => {
                    let from_value = validate_value(&value, &options);
                    for diff in compare(&from_value, &case.expect) {
                        failures.push(format!("{label}: validate_value: {diff}"));
                    }
                    if from_value != outcome {
                        failures.push(format!(
                            "{label}: validate_value and validate disagree: {} vs {}",
                            from_value.to_json(),
                            outcome.to_json()
                        ));
                    }
                }
                Err(error) => failures.push(format!("{label}: body did not convert: {error}")),
            }
        }
    }
    println!(
        "fixture cases: {} ({option_errors} of them option errors), {value_runs} also through \
         validate_value",
        cases.len()
    );
    assert!(
        !cases.is_empty(),
        "no fixture case found in {}",
        fixture_dir().display()
    );
    let mut report = String::new();
    for failure in &failures {
        let _ = writeln!(report, "  {failure}");
    }
    assert!(
        failures.is_empty(),
        "{} failing fixture checks:\n{report}",
        failures.len()
    );
}

#[test]
fn options_deserialize_from_camel_case_names() {
    let options: Options = serde_json::from_value(serde_json::json!({
        "kinds": ["http"],
        "allowHttp": true,
        "allowPrivateHosts": true,
        "allowAnyPath": true,
        "maxBodyBytes": 10,
        "maxDepth": 3,
        "maxDataBytes": 20,
        "maxDisplayNameChars": 30,
        "maxUrlChars": 40,
    }))
    .expect("camelCase options are read");
    assert_eq!(options.kinds.len(), 1);
    assert!(options.allow_http && options.allow_private_hosts && options.allow_any_path);
    assert_eq!(
        (
            options.max_body_bytes,
            options.max_depth,
            options.max_data_bytes,
            options.max_display_name_chars,
            options.max_url_chars
        ),
        (10, 3, 20, 30, 40)
    );
}

#[test]
fn options_missing_names_take_their_defaults() {
    let options: Options = serde_json::from_value(serde_json::json!({ "allowHttp": true }))
        .expect("a partial options object is read");
    assert_eq!(
        options,
        Options {
            allow_http: true,
            ..Options::default()
        }
    );
}

#[test]
fn options_refuse_unknown_and_snake_case_names() {
    for options in [
        serde_json::json!({ "allow_http": true }),
        serde_json::json!({ "allowhttp": true }),
        serde_json::json!({ "maxDepht": 3 }),
        serde_json::json!({ "kinds": ["sms"] }),
        serde_json::json!({ "allowedPrivateHosts": ["*.lan"] }),
        serde_json::json!({ "allowHttp": "true" }),
    ] {
        assert!(
            serde_json::from_value::<Options>(options.clone()).is_err(),
            "{options}"
        );
    }
}
