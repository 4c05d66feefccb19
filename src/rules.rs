//! The member rules (RULES.md sections 2 and 3) and the assembly of the outcome.
//!
//! Problems and warnings come in document order; a missing required member is reported at the
//! end of its object, in the order of RULES.md section 3 (README, "How RULES.md is read").

use crate::json::{self, ParseError, Value};
use crate::lang::canonical_lang;
use crate::model::{Outcome, Pusher, PusherData, PusherKind};
use crate::options::Options;
use crate::problem::{ErrorCode, Problem, Warning, WarningCode};
use crate::url::check_gateway_url;

/// Rule A: the longest `app_id`, in characters.
const MAX_APP_ID_CHARS: usize = 64;
/// Rule P: the longest `pushkey`, in bytes of UTF-8.
const MAX_PUSHKEY_BYTES: usize = 512;
/// Rule P for `email`: the longest address, in characters.
const MAX_EMAIL_CHARS: usize = 500;
/// Rule T: the longest `profile_tag` (and `instance_handle`), in characters.
const MAX_PROFILE_TAG_CHARS: usize = 32;
/// The `app_id` an `email` pusher must have.
const EMAIL_APP_ID: &str = "m.email";
/// The one `data.format` the spec defines.
const EVENT_ID_ONLY: &str = "event_id_only";

pub(crate) fn validate_bytes(body: &[u8], options: &Options) -> Outcome {
    if body.len() > options.max_body_bytes {
        return Report::fatal(ErrorCode::TooLarge, String::new(), "the body is too large");
    }
    match json::parse(body, options.max_depth) {
        Ok(value) => validate_document(value, options),
        Err(error) => parse_error(error),
    }
}

pub(crate) fn validate_value(value: &Value, options: &Options) -> Outcome {
    match json::check_tree(value, options.max_depth) {
        // Only the top-level members are cloned; the tree was checked for depth first.
        Ok(()) => match value {
            Value::Object(members) => check_members(members.clone(), options),
            _ => not_an_object(),
        },
        Err(error) => parse_error(error),
    }
}

fn validate_document(value: Value, options: &Options) -> Outcome {
    match value {
        Value::Object(members) => check_members(members, options),
        _ => not_an_object(),
    }
}

fn not_an_object() -> Outcome {
    Report::fatal(
        ErrorCode::BadJson,
        String::new(),
        "the body must be a json object",
    )
}

fn parse_error(error: ParseError) -> Outcome {
    match error {
        ParseError::NotJson => Report::fatal(
            ErrorCode::NotJson,
            String::new(),
            "the body is not valid json",
        ),
        ParseError::TooDeep(path) => Report::fatal(ErrorCode::BadJson, path, "nesting is too deep"),
        ParseError::Duplicates(paths) => {
            let mut report = Report::default();
            for path in paths {
                report.error(ErrorCode::BadJson, path, "this member name is repeated");
            }
            report.into_rejection()
        }
    }
}

/// Problems and warnings, in the order they are found.
#[derive(Default)]
struct Report {
    errors: Vec<Problem>,
    warnings: Vec<Warning>,
}

impl Report {
    fn fatal(errcode: ErrorCode, path: String, message: &str) -> Outcome {
        let mut report = Self::default();
        report.error(errcode, path, message);
        report.into_rejection()
    }

    fn error(&mut self, errcode: ErrorCode, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(Problem {
            errcode,
            path: path.into(),
            message: message.into(),
        });
    }

    fn warn(&mut self, code: WarningCode, path: impl Into<String>, message: &str) {
        self.warnings.push(Warning {
            code,
            path: path.into(),
            message: message.into(),
        });
    }

    fn into_rejection(self) -> Outcome {
        Outcome::Rejected {
            errors: self.errors,
            warnings: self.warnings,
        }
    }

    /// A required string: `null` is missing, another type is the wrong type.
    fn string(&mut self, value: Value, path: &str) -> Option<String> {
        match value {
            Value::String(s) => Some(s),
            Value::Null => {
                self.error(ErrorCode::MissingParam, path, "a value is required");
                None
            }
            _ => {
                self.error(ErrorCode::BadJson, path, "must be a string");
                None
            }
        }
    }

    /// Checks `s` and keeps it when `problem` finds nothing wrong.
    fn check(&mut self, s: String, path: &str, problem: Option<String>) -> Option<String> {
        match problem {
            None => Some(s),
            Some(message) => {
                self.error(ErrorCode::InvalidParam, path, message);
                None
            }
        }
    }
}

/// What the request asks for, decided by `kind` (RULES.md section 2).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Set(PusherKind),
    Delete,
    /// `kind` is absent, of the wrong type or not allowed: only the rules common to both kinds.
    Unknown,
}

fn mode_of(kind: Option<&Value>, options: &Options) -> Mode {
    match kind {
        Some(Value::Null) => Mode::Delete,
        Some(Value::String(s)) => match kind_named(s) {
            Some(kind) if options.kinds.contains(&kind) => Mode::Set(kind),
            _ => Mode::Unknown,
        },
        _ => Mode::Unknown,
    }
}

fn kind_named(s: &str) -> Option<PusherKind> {
    match s {
        "http" => Some(PusherKind::Http),
        "email" => Some(PusherKind::Email),
        _ => None,
    }
}

fn is_control(c: char) -> bool {
    c <= '\u{1f}' || c == '\u{7f}'
}

/// At most `max` characters (Unicode scalar values) and no control character.
fn text_problem(s: &str, max: usize) -> Option<String> {
    if s.chars().count() > max {
        Some(format!("must be at most {max} characters"))
    } else if s.chars().any(is_control) {
        Some("must not contain control characters".into())
    } else {
        None
    }
}

/// Rule A. The e-mail form is checked only for a set of kind `email`.
fn app_id_problem(s: &str, mode: Mode) -> Option<String> {
    if s.is_empty() {
        Some("must not be empty".into())
    } else if s.chars().count() > MAX_APP_ID_CHARS {
        Some(format!("must be at most {MAX_APP_ID_CHARS} characters"))
    } else if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        Some("may hold only ascii letters, digits, dots, underscores and hyphens".into())
    } else if mode == Mode::Set(PusherKind::Email) && s != EMAIL_APP_ID {
        Some(format!("must be {EMAIL_APP_ID} for an email pusher"))
    } else {
        None
    }
}

/// Rule P. The e-mail form is checked only for a set of kind `email`.
fn pushkey_problem(s: &str, mode: Mode) -> Option<String> {
    if s.is_empty() {
        Some("must not be empty".into())
    } else if s.len() > MAX_PUSHKEY_BYTES {
        Some(format!(
            "must be at most {MAX_PUSHKEY_BYTES} bytes of utf-8"
        ))
    } else if s.chars().any(is_control) {
        Some("must not contain control characters".into())
    } else if mode == Mode::Set(PusherKind::Email) {
        let mut parts = s.split('@');
        let well_formed = matches!(
            (parts.next(), parts.next(), parts.next()),
            (Some(local), Some(domain), None) if !local.is_empty() && !domain.is_empty()
        );
        if !well_formed {
            Some("must be an email address with one @".into())
        } else if s.chars().count() > MAX_EMAIL_CHARS {
            Some(format!("must be at most {MAX_EMAIL_CHARS} characters"))
        } else {
            None
        }
    } else {
        None
    }
}

/// The required members of a set request, in the order their absence is reported.
const REQUIRED: [&str; 7] = [
    "kind",
    "app_id",
    "pushkey",
    "app_display_name",
    "device_display_name",
    "lang",
    "data",
];

/// The values a set request is built from, filled as members are read.
#[derive(Default)]
struct Fields {
    present: [bool; REQUIRED.len()],
    app_id: Option<String>,
    pushkey: Option<String>,
    app_display_name: Option<String>,
    device_display_name: Option<String>,
    lang: Option<String>,
    profile_tag: Option<String>,
    instance_handle: Option<String>,
    data: Option<PusherData>,
    append: bool,
}

fn check_members(members: Vec<(String, Value)>, options: &Options) -> Outcome {
    let mode = mode_of(
        members
            .iter()
            .find(|(name, _)| name == "kind")
            .map(|(_, v)| v),
        options,
    );
    if mode == Mode::Delete {
        return check_delete(members);
    }
    // `profile_tag` wins over `instance_handle` wherever each comes in the body.
    let has_profile_tag = members
        .iter()
        .any(|(name, v)| name == "profile_tag" && !v.is_null());
    let mut report = Report::default();
    let mut fields = Fields::default();
    for (name, value) in members {
        if let Some(slot) = REQUIRED.iter().position(|r| *r == name) {
            fields.present[slot] = true;
        }
        match name.as_str() {
            "kind" => check_kind(&value, options, &mut report),
            "app_id" => fields.app_id = app_id(value, mode, &mut report),
            "pushkey" => fields.pushkey = pushkey(value, mode, &mut report),
            "app_display_name" => {
                fields.app_display_name =
                    display_name(value, "/app_display_name", options, &mut report);
            }
            "device_display_name" => {
                fields.device_display_name =
                    display_name(value, "/device_display_name", options, &mut report);
            }
            "lang" => {
                fields.lang =
                    report
                        .string(value, "/lang")
                        .and_then(|s| match canonical_lang(&s) {
                            None => {
                                report.error(
                                    ErrorCode::InvalidParam,
                                    "/lang",
                                    "must be a well-formed bcp 47 language tag",
                                );
                                None
                            }
                            Some(canonical) => {
                                if canonical != s {
                                    report.warn(
                                        WarningCode::Normalized,
                                        "/lang",
                                        "was written in canonical form",
                                    );
                                }
                                Some(canonical)
                            }
                        });
            }
            "profile_tag" => {
                if value.is_null() {
                    report.warn(
                        WarningCode::Normalized,
                        "/profile_tag",
                        "null was read as absent",
                    );
                } else {
                    fields.profile_tag = profile_tag(value, "/profile_tag", &mut report);
                }
            }
            "instance_handle" => {
                if has_profile_tag {
                    report.warn(
                        WarningCode::Ignored,
                        "/instance_handle",
                        "profile_tag is used instead",
                    );
                } else if !value.is_null() {
                    fields.instance_handle = profile_tag(value, "/instance_handle", &mut report);
                    if fields.instance_handle.is_some() {
                        report.warn(
                            WarningCode::Legacy,
                            "/instance_handle",
                            "was read as profile_tag",
                        );
                    }
                }
            }
            "data" => fields.data = check_data(value, mode, options, &mut report),
            "append" => match value {
                Value::Bool(append) => fields.append = append,
                Value::Null => {
                    report.warn(WarningCode::Normalized, "/append", "null was read as false")
                }
                _ => report.error(ErrorCode::BadJson, "/append", "must be a boolean"),
            },
            _ => report.warn(
                WarningCode::Ignored,
                json::member_pointer(&name),
                "is not a pusher member and was dropped",
            ),
        }
    }
    for (name, present) in REQUIRED.iter().zip(fields.present) {
        if !present {
            report.error(
                ErrorCode::MissingParam,
                json::member_pointer(name),
                "is required",
            );
        }
    }
    let Mode::Set(kind) = mode else {
        return report.into_rejection();
    };
    if !report.errors.is_empty() {
        return report.into_rejection();
    }
    match fields {
        Fields {
            app_id: Some(app_id),
            pushkey: Some(pushkey),
            app_display_name: Some(app_display_name),
            device_display_name: Some(device_display_name),
            lang: Some(lang),
            data: Some(data),
            profile_tag,
            instance_handle,
            append,
            ..
        } => Outcome::Set {
            pusher: Pusher {
                kind,
                app_id,
                pushkey,
                app_display_name,
                device_display_name,
                profile_tag: profile_tag.or(instance_handle),
                lang,
                data,
            },
            append,
            warnings: report.warnings,
        },
        // Every required member was read without a problem, so none of these is absent.
        _ => Report::fatal(
            ErrorCode::BadJson,
            String::new(),
            "the body could not be read",
        ),
    }
}

/// The problem with `kind` itself, at its place in the body (absence is reported at the end).
fn check_kind(value: &Value, options: &Options, report: &mut Report) {
    match value {
        Value::Null => {}
        Value::String(s) => match kind_named(s) {
            Some(kind) if options.kinds.contains(&kind) => {}
            Some(_) => report.error(
                ErrorCode::InvalidParam,
                "/kind",
                "this kind is not accepted here",
            ),
            None => report.error(ErrorCode::InvalidParam, "/kind", "must be http or email"),
        },
        _ => report.error(
            ErrorCode::BadJson,
            "/kind",
            "must be a string, or null to delete",
        ),
    }
}

/// Rule A, with its warning for an `app_id` without a dot.
fn app_id(value: Value, mode: Mode, report: &mut Report) -> Option<String> {
    let app_id = report.string(value, "/app_id")?;
    let problem = app_id_problem(&app_id, mode);
    let app_id = report.check(app_id, "/app_id", problem)?;
    if !app_id.contains('.') {
        report.warn(WarningCode::Unusual, "/app_id", "has no dot");
    }
    Some(app_id)
}

/// Rule P.
fn pushkey(value: Value, mode: Mode, report: &mut Report) -> Option<String> {
    let pushkey = report.string(value, "/pushkey")?;
    let problem = pushkey_problem(&pushkey, mode);
    report.check(pushkey, "/pushkey", problem)
}

/// Rule D.
fn display_name(
    value: Value,
    path: &str,
    options: &Options,
    report: &mut Report,
) -> Option<String> {
    let name = report.string(value, path)?;
    let problem = text_problem(&name, options.max_display_name_chars);
    let name = report.check(name, path, problem)?;
    if name.is_empty() {
        report.warn(WarningCode::Unusual, path, "is empty");
    }
    Some(name)
}

/// Rule T, for `profile_tag` and for the `instance_handle` read in its place.
fn profile_tag(value: Value, path: &str, report: &mut Report) -> Option<String> {
    match value {
        Value::String(tag) => {
            let problem = text_problem(&tag, MAX_PROFILE_TAG_CHARS);
            report.check(tag, path, problem)
        }
        _ => {
            report.error(ErrorCode::BadJson, path, "must be a string");
            None
        }
    }
}

/// Rules G, U and F.
fn check_data(
    value: Value,
    mode: Mode,
    options: &Options,
    report: &mut Report,
) -> Option<PusherData> {
    let mut members = match value {
        Value::Object(members) => members,
        Value::Null => {
            report.error(ErrorCode::MissingParam, "/data", "a value is required");
            return None;
        }
        _ => {
            report.error(ErrorCode::BadJson, "/data", "must be an object");
            return None;
        }
    };
    let errors_before = report.errors.len();
    if json::members_len(&members) > options.max_data_bytes {
        report.error(
            ErrorCode::InvalidParam,
            "/data",
            format!(
                "must be at most {} bytes when serialized",
                options.max_data_bytes
            ),
        );
    }
    let needs_url = mode == Mode::Set(PusherKind::Http);
    let mut has_url = false;
    for (name, value) in &mut members {
        match name.as_str() {
            "url" if needs_url => {
                has_url = true;
                check_url(value, options, report);
            }
            "format" => match value {
                Value::String(format) if format == EVENT_ID_ONLY => {}
                Value::String(_) => {
                    report.warn(
                        WarningCode::Unusual,
                        "/data/format",
                        "is not a format the spec defines",
                    );
                }
                _ => report.error(ErrorCode::BadJson, "/data/format", "must be a string"),
            },
            _ => {}
        }
    }
    if needs_url && !has_url {
        report.error(
            ErrorCode::MissingParam,
            "/data/url",
            "is required for an http pusher",
        );
    }
    (report.errors.len() == errors_before).then_some(PusherData(members))
}

/// Rule U: the gateway URL, normalized in place.
fn check_url(value: &mut Value, options: &Options, report: &mut Report) {
    match value {
        Value::String(url) => match check_gateway_url(url, options) {
            Ok(normalized) => {
                if normalized != *url {
                    report.warn(
                        WarningCode::Normalized,
                        "/data/url",
                        "was written in canonical form",
                    );
                    *url = normalized;
                }
            }
            Err(error) => report.error(ErrorCode::InvalidParam, "/data/url", error.0),
        },
        Value::Null => report.error(ErrorCode::MissingParam, "/data/url", "a value is required"),
        _ => report.error(ErrorCode::BadJson, "/data/url", "must be a string"),
    }
}

/// A delete reads only `app_id` and `pushkey` (rules A and P, not the e-mail forms); every
/// other member is ignored silently, since clients echo the stored pusher back.
fn check_delete(members: Vec<(String, Value)>) -> Outcome {
    let mut report = Report::default();
    let mut app_id_value = None;
    let mut pushkey_value = None;
    let (mut has_app_id, mut has_pushkey) = (false, false);
    for (name, value) in members {
        match name.as_str() {
            "app_id" => {
                has_app_id = true;
                app_id_value = app_id(value, Mode::Delete, &mut report);
            }
            "pushkey" => {
                has_pushkey = true;
                pushkey_value = pushkey(value, Mode::Delete, &mut report);
            }
            _ => {}
        }
    }
    if !has_app_id {
        report.error(ErrorCode::MissingParam, "/app_id", "is required");
    }
    if !has_pushkey {
        report.error(ErrorCode::MissingParam, "/pushkey", "is required");
    }
    match (app_id_value, pushkey_value) {
        (Some(app_id), Some(pushkey)) if report.errors.is_empty() => Outcome::Delete {
            app_id,
            pushkey,
            warnings: report.warnings,
        },
        _ => report.into_rejection(),
    }
}
