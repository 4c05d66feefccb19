//! Properties of `validate` and `validate_value` over generated input: nothing panics, bytes and
//! values agree, accepted pushers are fixed points, and every path points into the input.
//!
//! Case counts are printed; `PROPTEST_CASES` overrides them all (the default run stays short).

use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use matrix_pusher_validator::{
    AllowedHost, Options, Outcome, PusherKind, WarningCode, validate, validate_to_json,
    validate_value,
};
use matrix_pusher_validator::{MAX_NESTING, Value};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config, TestRunner};

/// The number of cases for one property: `PROPTEST_CASES` when set, else `default`.
fn config(property: &str, default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    println!("{property}: {cases} cases");
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

fn run<S: Strategy>(
    property: &str,
    default: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let mut runner = TestRunner::new(config(property, default));
    if let Err(error) = runner.run(&strategy, test) {
        panic!("{property}: {error}");
    }
}

// ---- JSON pointers ------------------------------------------------------------------------------

fn tokens(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Every value the pointer can name: a repeated member name leads to each of its values.
fn resolve<'a>(root: &'a Value, tokens: &[String]) -> Vec<&'a Value> {
    let mut found = vec![root];
    for token in tokens {
        found = found
            .into_iter()
            .flat_map(|value| match value {
                Value::Object(members) => members
                    .iter()
                    .filter(|(name, _)| name == token)
                    .map(|(_, v)| v)
                    .collect(),
                Value::Array(items) => token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .into_iter()
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
    }
    found
}

/// `""`, a member or element of the input, or a missing member of an object of the input.
fn points_into(root: Option<&Value>, pointer: &str) -> bool {
    if pointer.is_empty() {
        return true;
    }
    if !pointer.starts_with('/') {
        return false;
    }
    let Some(root) = root else { return false };
    let tokens = tokens(pointer);
    let (parent, _) = tokens.split_at(tokens.len() - 1);
    !resolve(root, &tokens).is_empty()
        || resolve(root, parent)
            .iter()
            .any(|v| matches!(v, Value::Object(_)))
}

fn check_paths(input: Option<&Value>, outcome: &Outcome) -> Result<(), TestCaseError> {
    let paths = match outcome {
        Outcome::Rejected { errors, .. } => errors.iter().map(|p| &p.path).collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    for path in paths
        .into_iter()
        .chain(outcome.warnings().iter().map(|w| &w.path))
    {
        prop_assert!(
            points_into(input, path),
            "{path:?} is not in the input: {}",
            outcome.to_json()
        );
    }
    Ok(())
}

/// No parse-level stop for this value: the bytes and value entry points must then agree.
fn check_agreement(value: &Value, options: &Options) -> Result<Outcome, TestCaseError> {
    let text = value.to_json();
    let from_bytes = validate(text.as_bytes(), options);
    let from_value = validate_value(value, options);
    prop_assert_eq!(&from_bytes, &from_value, "{}", text);
    prop_assert_eq!(
        validate_to_json(text.as_bytes(), options),
        from_bytes.to_json_with_pusher_range(),
        "{}",
        text
    );
    check_paths(Some(value), &from_bytes)?;
    Ok(from_bytes)
}

/// An accepted set, validated again as its output pusher, comes back unchanged and without a
/// `normalized` warning.
fn check_fixed_point(outcome: &Outcome, options: &Options) -> Result<(), TestCaseError> {
    let Outcome::Set { pusher, .. } = outcome else {
        return Ok(());
    };
    let (text, range) = outcome.to_json_with_pusher_range();
    let Some(range) = range else {
        return Err(TestCaseError::fail("a set without a pusher range"));
    };
    let again = validate(text[range].as_bytes(), options);
    match &again {
        Outcome::Set {
            pusher: same,
            warnings,
            ..
        } => {
            prop_assert_eq!(same, pusher);
            prop_assert!(
                warnings.iter().all(|w| w.code != WarningCode::Normalized),
                "normalized again: {}",
                again.to_json()
            );
        }
        _ => {
            return Err(TestCaseError::fail(format!(
                "refused its own output: {}",
                again.to_json()
            )));
        }
    }
    Ok(())
}

/// The input as a tree for resolving paths, even when it holds repeated members or is nested
/// past the limit that refused it (`None` when it is not JSON). Containers deeper than the
/// deepest path that can be reported are replaced by `null`, which the pointer still reaches.
fn tree(bytes: &[u8]) -> Option<Value> {
    Value::parse(&flatten(bytes, MAX_NESTING + 1), usize::MAX)
        .ok()
        .or_else(|| {
            // Repeated members: read by `serde_json` straight into `Value`, whose visitor keeps
            // every member and the exact text of numbers (a `serde_json::Value` in between would
            // keep only the last of repeated members, and lose numbers like `1e-400`).
            serde_json::from_slice::<Value>(&flatten(bytes, 100)).ok()
        })
}

/// The text with each container deeper than `limit` replaced by `null` (strings skipped).
fn flatten(bytes: &[u8], limit: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let (mut depth, mut skipped_from, mut i) = (0usize, None, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            if skipped_from.is_none() {
                out.extend_from_slice(&bytes[start..i.min(bytes.len())]);
            }
            continue;
        }
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > limit && skipped_from.is_none() {
                    skipped_from = Some(depth);
                    out.extend_from_slice(b"null");
                }
            }
            b']' | b'}' => {
                if skipped_from == Some(depth) {
                    skipped_from = None;
                    depth = depth.saturating_sub(1);
                    i += 1;
                    continue;
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        if skipped_from.is_none() {
            out.push(b);
        }
        i += 1;
    }
    out
}

// ---- generators ---------------------------------------------------------------------------------

fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
        select(vec![
            "1e400",
            "-0",
            "0.5E+3",
            "12345678901234567890",
            "1.50",
            "-1e-7"
        ])
        .prop_map(String::from),
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec![
            "kind",
            "app_id",
            "pushkey",
            "lang",
            "data",
            "url",
            "format",
            "append",
            "profile_tag",
            "instance_handle",
            "a/b",
            "~",
            "",
            "x"
        ])
        .prop_map(String::from),
        any::<String>(),
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    json_value(8, 96)
}

/// JSON values nested at most `depth` deep with about `size` nodes.
fn json_value(depth: u32, size: u32) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number_text().prop_map(Value::Number),
        any::<String>().prop_map(Value::String),
        "[a-z\\t\\n\\u{0}-\\u{1f}\"\\\\é]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(depth, size, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            vec((name(), inner), 0..6).prop_map(Value::Object),
        ]
    })
}

/// JSON texts for one member, chosen to reach every rule and its edges.
/// A real P-256 public key in unpadded URL-safe Base64.
const WEB_PUSH_KEY: &str =
    "BFPkO8wvKilLZnZYQdhWAPKjkp0l6Fp-j82RBOsD84xv25rTdtmUH_59xbi-F3rhz1-lhdapQjrtJrF_4ppl3pY";

fn choices(member: &str) -> Vec<String> {
    let long = |n: usize, c: &str| format!("\"{}\"", c.repeat(n));
    let list: Vec<String> = match member {
        "kind" => vec![
            "\"http\"".into(),
            "null".into(),
            "\"email\"".into(),
            "\"sms\"".into(),
            "5".into(),
            "\"webpush\"".into(),
            "\"org.matrix.msc4174.webpush\"".into(),
        ],
        "app_id" => vec![
            "\"org.example.app\"".into(),
            "\"m.email\"".into(),
            "\"nodot\"".into(),
            "\"\"".into(),
            "\"a b\"".into(),
            long(65, "a"),
            "null".into(),
            "[]".into(),
        ],
        "pushkey" => vec![
            "\"abc\"".into(),
            "\"a@example.org\"".into(),
            "\"a@b@c\"".into(),
            "\"\"".into(),
            "\"x\\u0001\"".into(),
            long(300, "é"),
            "7".into(),
            format!("\"{WEB_PUSH_KEY}\""),
            format!("\"{}\"", &WEB_PUSH_KEY[..86]),
        ],
        "app_display_name" | "device_display_name" => {
            vec![
                "\"App\"".into(),
                "\"\"".into(),
                "\"a\\tb\"".into(),
                long(257, "n"),
                "null".into(),
            ]
        }
        "lang" => vec![
            "\"en\"".into(),
            "\"en_us\"".into(),
            "\"ZH-hant-tw\"".into(),
            "\"x-private\"".into(),
            "\"??\"".into(),
            "false".into(),
        ],
        "profile_tag" | "instance_handle" => {
            vec![
                "null".into(),
                "\"tag\"".into(),
                long(33, "t"),
                "{}".into(),
                "\"\"".into(),
            ]
        }
        "append" => vec![
            "true".into(),
            "false".into(),
            "null".into(),
            "\"yes\"".into(),
        ],
        "url" => vec![
            "\"https://push.example.org/_matrix/push/v1/notify\"".into(),
            "\"HTTPS://Push.Example.org:443/_matrix/push/v1/notify?x=1\"".into(),
            "\"http://127.0.0.1:5000/_matrix/push/v1/notify\"".into(),
            "\"https://[::1]/_matrix/push/v1/notify\"".into(),
            "\"https://push.example.org/other\"".into(),
            "\"ftp://x\"".into(),
            "null".into(),
            "3".into(),
        ],
        "auth" => vec![
            "\"ZlgTFFmdkbupEZ40Khzjjw\"".into(),
            "\"ZlgTFFmdkbupEZ40Khzjj\"".into(),
            "null".into(),
            "16".into(),
        ],
        "org.matrix.msc3881.enabled" => vec![
            "false".into(),
            "true".into(),
            "null".into(),
            "\"no\"".into(),
        ],
        "org.matrix.msc3881.device_id" => vec![
            "\"DEVICE\"".into(),
            "\"\"".into(),
            long(256, "d"),
            "null".into(),
            "5".into(),
        ],
        "format" => vec![
            "\"event_id_only\"".into(),
            "\"id_event_only\"".into(),
            "\" \"".into(),
            "null".into(),
        ],
        _ => vec!["1".into()],
    };
    list
}

/// Mostly the member's usual valid value (the first choice), so that accepted sets are common.
fn member(name: &'static str) -> impl Strategy<Value = Option<(String, String)>> {
    let all = choices(name);
    let usual = all[0].clone();
    prop::option::weighted(0.93, prop_oneof![3 => Just(usual), 1 => select(all)])
        .prop_map(move |v| v.map(|v| (name.to_owned(), v)))
}

fn members_text(members: &[(String, String)]) -> String {
    let mut out = String::from("{");
    for (i, (name, value)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(name).expect("a string is JSON"));
        out.push(':');
        out.push_str(value);
    }
    out.push('}');
    out
}

/// Bodies shaped like pusher requests, with members present or not, in any order.
fn pusher_body() -> impl Strategy<Value = Value> {
    let data = (
        member("url"),
        member("format"),
        member("auth"),
        vec((name(), json_value(3, 8)), 0..3),
    )
        .prop_map(|(url, format, auth, extra)| {
            let mut members: Vec<(String, String)> =
                url.into_iter().chain(format).chain(auth).collect();
            members.extend(extra.into_iter().map(|(n, v)| (n, v.to_json())));
            members_text(&members)
        });
    let top = (
        (
            member("kind"),
            member("app_id"),
            member("pushkey"),
            member("app_display_name"),
        ),
        (
            member("device_display_name"),
            member("lang"),
            member("profile_tag"),
            member("instance_handle"),
        ),
        (
            member("append"),
            prop::option::weighted(0.9, data),
            vec((name(), json_value(3, 8)), 0..2),
            (
                prop::option::weighted(0.3, member("org.matrix.msc3881.enabled")),
                prop::option::weighted(0.3, member("org.matrix.msc3881.device_id")),
            ),
        ),
    );
    top.prop_flat_map(
        |((k, a, p, ad), (dd, l, t, i), (ap, data, extra, (en, dev)))| {
            let mut members: Vec<(String, String)> =
                [k, a, p, ad, dd, l, t, i, ap, en.flatten(), dev.flatten()]
                    .into_iter()
                    .flatten()
                    .collect();
            members.extend(data.map(|d| ("data".to_owned(), d)));
            members.extend(extra.into_iter().map(|(n, v)| (n, v.to_json())));
            Just(members).prop_shuffle()
        },
    )
    .prop_filter_map("the text is JSON", |members| {
        Value::parse(members_text(&members).as_bytes(), 64).ok()
    })
}

/// The defaults half of the time, else options loosened or tightened at random.
fn options() -> impl Strategy<Value = Options> {
    prop_oneof![Just(Options::default()), loosened_options()]
}

fn loosened_options() -> impl Strategy<Value = Options> {
    (
        select(vec![
            vec![PusherKind::Http, PusherKind::Email],
            vec![PusherKind::Http],
            vec![PusherKind::Email],
            vec![PusherKind::Http, PusherKind::WebPush],
            vec![PusherKind::WebPush],
        ]),
        any::<(bool, bool, bool)>(),
        select(vec![1usize, 2, 3, 4, 16, 1000]),
        select(vec![40usize, 120, 4096]),
        select(vec![3usize, 256]),
        any::<bool>(),
    )
        .prop_map(
            |(
                kinds,
                (allow_http, allow_private_hosts, allow_any_path),
                max_depth,
                max_data_bytes,
                names,
                listed,
            )| {
                Options {
                    kinds,
                    allow_http,
                    allow_private_hosts,
                    allowed_private_hosts: if listed {
                        ["127.0.0.0/8", "::1", "localhost"]
                            .iter()
                            .filter_map(|e| AllowedHost::parse(e).ok())
                            .collect()
                    } else {
                        Vec::new()
                    },
                    allow_any_path,
                    max_depth,
                    max_data_bytes,
                    max_display_name_chars: names,
                    ..Options::default()
                }
            },
        )
}

/// Bodies of the fixture corpus (as bytes), or one plain body when the corpus is empty.
fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut seeds = vec![
            br#"{"kind":"http","app_id":"org.example.app","pushkey":"k","app_display_name":"A","device_display_name":"D","lang":"en_US","data":{"url":"https://push.example.org/_matrix/push/v1/notify","format":"event_id_only"}}"#.to_vec(),
        ];
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let Ok(cases) = serde_json::from_str::<Vec<serde_json::Value>>(&text) else { continue };
            for case in cases {
                if let Some(body) = case.get("body") {
                    seeds.extend(serde_json::to_vec(body).ok());
                } else if let Some(raw) = case.get("raw").and_then(|r| r.as_str()) {
                    seeds.push(raw.as_bytes().to_vec());
                }
            }
        }
        println!("mutation seeds: {}", seeds.len());
        seeds
    })
}

#[derive(Debug, Clone)]
enum Edit {
    Flip(Index, u8),
    Insert(Index, u8),
    Remove(Index),
    Splice(Index, Index),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let byte = prop_oneof![select(b"{}[]\":,\\0-e. ntu".to_vec()), any::<u8>()];
    vec(
        prop_oneof![
            (any::<Index>(), byte.clone()).prop_map(|(i, b)| Edit::Flip(i, b)),
            (any::<Index>(), byte).prop_map(|(i, b)| Edit::Insert(i, b)),
            any::<Index>().prop_map(Edit::Remove),
            (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::Splice(a, b)),
        ],
        1..6,
    )
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for edit in edits {
        let len = bytes.len();
        match edit {
            Edit::Flip(i, b) if len > 0 => bytes[i.index(len)] = *b,
            Edit::Insert(i, b) => bytes.insert(i.index(len + 1), *b),
            Edit::Remove(i) if len > 0 => {
                bytes.remove(i.index(len));
            }
            Edit::Splice(a, b) if len > 0 => {
                // Repeat a slice of the input elsewhere: duplicates members and nests deeper.
                let (from, to) = (a.index(len), b.index(len));
                let (from, to) = (from.min(to), from.max(to));
                let piece = bytes[from..to].to_vec();
                let at = b.index(len + 1);
                bytes.splice(at..at, piece);
            }
            _ => {}
        }
    }
    bytes
}

// ---- properties ---------------------------------------------------------------------------------

#[test]
fn no_byte_string_makes_validation_panic() {
    run("arbitrary bytes", 1000, vec(any::<u8>(), 0..400), |bytes| {
        let outcome = validate(&bytes, &Options::default());
        check_paths(tree(&bytes).as_ref(), &outcome)
    });
    let alphabet = select(b"{}[]\":,\\/ \n0123456789-+.eEtrufalsn\xc3\xa9\xed\xa0\x80u".to_vec());
    run(
        "json-alphabet bytes",
        1000,
        vec(alphabet, 0..200),
        |bytes| {
            let outcome = validate(
                &bytes,
                &Options {
                    max_depth: 4,
                    ..Options::default()
                },
            );
            check_paths(tree(&bytes).as_ref(), &outcome)
        },
    );
}

#[test]
fn bytes_and_values_agree_on_arbitrary_json() {
    run(
        "arbitrary json values",
        600,
        (any_value(), options()),
        |(value, options)| check_agreement(&value, &options).map(|_| ()),
    );
}

#[test]
fn pusher_shaped_bodies_agree_and_accepted_pushers_are_fixed_points() {
    let accepted = AtomicUsize::new(0);
    run(
        "pusher-shaped bodies",
        1200,
        (pusher_body(), options()),
        |(body, options)| {
            let outcome = check_agreement(&body, &options)?;
            if matches!(outcome, Outcome::Set { .. }) {
                accepted.fetch_add(1, Ordering::Relaxed);
            }
            check_fixed_point(&outcome, &options)
        },
    );
    let accepted = accepted.into_inner();
    println!("pusher-shaped bodies accepted as sets and re-validated: {accepted}");
    assert!(accepted > 0, "the generator never produced an accepted set");
}

#[test]
fn paths_of_repeated_members_with_extreme_numbers_point_into_the_input() {
    // Found by the mutation property: repeated members beside numbers `f64` cannot hold.
    let bytes = br#"{"kind":"http","app_id":"org.example.app","pushkey":"pk-0001","app_display_name":"Example","device_display_name":"Test phone","lang":"en","data":{"url":"https://push.example.org/_matrix/push/v1/notify","big":123456789012345678901234567890,"tiny":1e-400,"huge":1123456789012345678901234567890,"tiny":1e-400,"huge":1E+400,"precise":0.1000000000000000055511151231257827,"neg":-0,"trail":1.50}}"#;
    let outcome = validate(bytes, &Options::default());
    assert_eq!(
        outcome.errcode(),
        Some(matrix_pusher_validator::ErrorCode::BadJson)
    );
    check_paths(tree(bytes).as_ref(), &outcome).unwrap();
}

#[test]
fn mutated_fixture_bodies_never_panic_and_keep_paths_in_the_input() {
    let strategy = (any::<Index>(), edits(), options());
    run(
        "mutated fixture bodies",
        1500,
        strategy,
        |(seed, edits, options)| {
            let seeds = seeds();
            let bytes = apply(seeds[seed.index(seeds.len())].clone(), &edits);
            let outcome = validate(&bytes, &options);
            check_paths(tree(&bytes).as_ref(), &outcome).map_err(|e| {
                TestCaseError::fail(format!("{e}; input: {}", String::from_utf8_lossy(&bytes)))
            })?;
            check_fixed_point(&outcome, &options)
        },
    );
}

#[test]
fn fixture_bodies_that_are_accepted_are_fixed_points() {
    let mut accepted = 0;
    for seed in seeds() {
        let outcome = validate(seed, &Options::default());
        if let Err(error) = check_fixed_point(&outcome, &Options::default()) {
            panic!("{}: {error}", String::from_utf8_lossy(seed));
        }
        accepted += usize::from(matches!(outcome, Outcome::Set { .. }));
    }
    println!("accepted fixture bodies re-validated: {accepted}");
    assert!(accepted > 0, "no accepted set among the seeds");
}

#[test]
fn very_deep_input_is_refused_without_exhausting_the_stack() {
    let options = Options {
        max_depth: usize::MAX,
        max_body_bytes: usize::MAX,
        ..Options::default()
    };
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        let body = format!("{}1{}", open.repeat(100_000), close.repeat(100_000));
        let outcome = validate(body.as_bytes(), &options);
        assert_eq!(outcome.errcode().map(|c| c.as_str()), Some("M_BAD_JSON"));
    }
}
