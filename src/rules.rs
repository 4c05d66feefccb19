//! The member rules (docs/rules.md sections 2 and 3) and the assembly of the outcome.
//!
//! Problems and warnings come in document order; a missing required member is reported at the
//! end of its object, in the order of docs/rules.md section 3 (see its section 9).

use std::borrow::Cow;

use crate::ascii::{self, has_control};
use crate::json::{self, Member, ParseError, Val, Value};
use crate::lang::{canonical_lang, is_plain_canonical};
use crate::model::{Checked, DEVICE_ID, Draft, ENABLED, Outcome, PusherKind};
use crate::options::Options;
use crate::problem::{ErrorCode, Problem, Warning, WarningCode};
use crate::url;
use crate::webpush;

/// Rule A: the longest `app_id`, in characters.
const MAX_APP_ID_CHARS: usize = 64;
/// Rule P: the longest `pushkey`, in bytes of UTF-8.
const MAX_PUSHKEY_BYTES: usize = 512;
/// Rule P for `email`: the longest address, in characters.
const MAX_EMAIL_CHARS: usize = 500;
/// Rule T: the longest `profile_tag` (and `instance_handle`), in characters.
const MAX_PROFILE_TAG_CHARS: usize = 32;
/// Rule M: the longest `org.matrix.msc3881.device_id`, in characters.
const MAX_DEVICE_ID_CHARS: usize = 255;
/// The `app_id` an `email` pusher must have.
const EMAIL_APP_ID: &str = "m.email";
/// The one `data.format` the spec defines.
const EVENT_ID_ONLY: &str = "event_id_only";

pub(crate) fn validate_bytes(body: &[u8], options: &Options) -> Outcome {
    check_bytes(body, options).into_outcome()
}

/// The outcome of a body, its strings left in the body where they need no change.
pub(crate) fn check_bytes<'a>(body: &'a [u8], options: &Options) -> Checked<'a> {
    if body.len() > options.max_body_bytes {
        return Report::fatal(ErrorCode::TooLarge, String::new(), "the body is too large");
    }
    // Wherever a byte that is not UTF-8 lies, in a string or between tokens, the body is not
    // JSON.
    let Ok(text) = std::str::from_utf8(body) else {
        return parse_error(ParseError::NotJson);
    };
    match json::parse_text(text, options.max_depth) {
        Ok(Val::Object(members, _)) => check_members(members, text, options),
        Ok(_) => not_an_object(),
        Err(error) => parse_error(error),
    }
}

pub(crate) fn validate_value(value: &Value, options: &Options) -> Outcome {
    match json::check_tree(value, options.max_depth) {
        // The tree was checked for depth first, so viewing it recursively is safe.
        Ok(()) => match value {
            Value::Object(members) => check_members(json::members_of(members), "", options),
            _ => not_an_object(),
        }
        .into_outcome(),
        Err(error) => parse_error(error).into_outcome(),
    }
}

#[cold]
#[inline(never)]
fn not_an_object() -> Checked<'static> {
    Report::fatal(
        ErrorCode::BadJson,
        String::new(),
        "the body must be a json object",
    )
}

#[cold]
#[inline(never)]
fn parse_error(error: ParseError) -> Checked<'static> {
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
    #[cold]
    #[inline(never)]
    fn fatal(errcode: ErrorCode, path: String, message: &str) -> Checked<'static> {
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

    fn into_rejection(self) -> Checked<'static> {
        Checked::Rejected {
            errors: Cow::Owned(self.errors),
            warnings: Cow::Owned(self.warnings),
        }
    }

    /// A required string: `null` is missing, another type is the wrong type.
    #[inline(always)]
    fn string<'a>(&mut self, value: Val<'a>, path: &str) -> Option<Cow<'a, str>> {
        match value {
            Val::Str(s) => Some(s),
            other => {
                self.not_a_string(&other, path);
                None
            }
        }
    }

    /// [`Report::string`]'s problem with a value that is not a string.
    #[cold]
    #[inline(never)]
    fn not_a_string(&mut self, value: &Val<'_>, path: &str) {
        if value.is_null() {
            self.error(ErrorCode::MissingParam, path, "a value is required");
        } else {
            self.error(ErrorCode::BadJson, path, "must be a string");
        }
    }

    /// Checks `s` and keeps it when `problem` finds nothing wrong.
    fn check<'a>(
        &mut self,
        s: Cow<'a, str>,
        path: &str,
        problem: Option<String>,
    ) -> Option<Cow<'a, str>> {
        match problem {
            None => Some(s),
            Some(message) => {
                self.error(ErrorCode::InvalidParam, path, message);
                None
            }
        }
    }
}

/// What the request asks for, decided by `kind` (docs/rules.md section 2).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Set(PusherKind),
    Delete,
    /// `kind` is absent, of the wrong type or not allowed: only the rules common to both kinds.
    Unknown,
}

/// The mode, and the problem with `kind` itself when there is one (its absence is reported
/// with the other missing members, at the end).
fn mode_of(kind: Option<&Val<'_>>, options: &Options) -> (Mode, Option<(ErrorCode, &'static str)>) {
    match kind {
        None => (Mode::Unknown, None),
        Some(Val::Null) => (Mode::Delete, None),
        Some(Val::Str(s)) => match PusherKind::from_wire(s) {
            Some(kind) if allows(options, kind) => (Mode::Set(kind), None),
            Some(_) => (
                Mode::Unknown,
                Some((ErrorCode::InvalidParam, "this kind is not accepted here")),
            ),
            None => (
                Mode::Unknown,
                Some((ErrorCode::InvalidParam, "must be http, email or webpush")),
            ),
        },
        Some(_) => (
            Mode::Unknown,
            Some((ErrorCode::BadJson, "must be a string, or null to delete")),
        ),
    }
}

/// Whether the `kinds` option allows `kind`; `webpush` there allows both spellings.
fn allows(options: &Options, kind: PusherKind) -> bool {
    let kind = if kind.is_web_push() {
        PusherKind::WebPush
    } else {
        kind
    };
    options.kinds.contains(&kind)
}

/// Whether the request sets a Web Push pusher (rule W).
fn is_web_push(mode: Mode) -> bool {
    matches!(mode, Mode::Set(kind) if kind.is_web_push())
}

/// Whether `s` has more than `max` characters (Unicode scalar values): each starts with a byte
/// that is not a continuation byte, and a string of at most `max` bytes has at most `max`.
fn more_chars_than(s: &str, max: usize) -> bool {
    s.len() > max && ascii::char_count(s) > max
}

/// `must be at most {max}{unit}`, written without `core::fmt` (which would add its code to the
/// WebAssembly module).
#[cold]
#[inline(never)]
fn at_most(max: usize, unit: &str) -> String {
    let mut message = String::with_capacity(40);
    message.push_str("must be at most ");
    json::push_decimal(&mut message, max);
    message.push_str(unit);
    message
}

/// At most `max` characters (Unicode scalar values) and no control character. Natively inlined
/// into each caller (the display names, `profile_tag`, the device ID).
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn text_problem(s: &str, max: usize) -> Option<String> {
    if more_chars_than(s, max) {
        Some(at_most(max, " characters"))
    } else if has_control(s) {
        Some("must not contain control characters".into())
    } else {
        None
    }
}

/// Rule A. The e-mail form is checked only for a set of kind `email`.
///
/// `plain`: whether its every character is one an `app_id` may hold ([`ascii::app_id_chars`]).
fn app_id_problem(s: &str, plain: bool, mode: Mode) -> Option<String> {
    if s.is_empty() {
        Some("must not be empty".into())
    } else if more_chars_than(s, MAX_APP_ID_CHARS) {
        Some(at_most(MAX_APP_ID_CHARS, " characters"))
    } else if !plain {
        Some("may hold only ascii letters, digits, dots, underscores and hyphens".into())
    } else if mode == Mode::Set(PusherKind::Email) && s != EMAIL_APP_ID {
        Some(crate::options::joined(&[
            "must be ",
            EMAIL_APP_ID,
            " for an email pusher",
        ]))
    } else {
        None
    }
}

/// Rule P. The e-mail form is checked only for a set of kind `email`.
fn pushkey_problem(s: &str, mode: Mode) -> Option<String> {
    if s.is_empty() {
        Some("must not be empty".into())
    } else if s.len() > MAX_PUSHKEY_BYTES {
        Some(at_most(MAX_PUSHKEY_BYTES, " bytes of utf-8"))
    } else if has_control(s) {
        Some("must not contain control characters".into())
    } else if is_web_push(mode) {
        webpush::key_problem(s).map(Into::into)
    } else if mode == Mode::Set(PusherKind::Email) {
        let well_formed = matches!(
            s.split_once('@'),
            Some((local, domain)) if !local.is_empty() && !domain.is_empty() && !domain.contains('@')
        );
        if !well_formed {
            Some("must be an email address with one @".into())
        } else if more_chars_than(s, MAX_EMAIL_CHARS) {
            Some(at_most(MAX_EMAIL_CHARS, " characters"))
        } else {
            None
        }
    } else {
        None
    }
}

/// The JSON Pointer of `org.matrix.msc3881.device_id` (no character of it is escaped).
const DEVICE_ID_POINTER: &str = "/org.matrix.msc3881.device_id";

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
struct Fields<'a> {
    present: [bool; REQUIRED.len()],
    app_id: Option<Cow<'a, str>>,
    pushkey: Option<Cow<'a, str>>,
    app_display_name: Option<Cow<'a, str>>,
    device_display_name: Option<Cow<'a, str>>,
    lang: Option<Cow<'a, str>>,
    profile_tag: Option<Cow<'a, str>>,
    instance_handle: Option<Cow<'a, str>>,
    data: Option<(Vec<Member<'a>>, Option<&'a str>)>,
    append: bool,
    enabled: Option<bool>,
    device_id: Option<Cow<'a, str>>,
}

/// The rules over the members of the body, `body` the text they were read from (where the
/// [`json::Span`]s of its objects lie).
///
/// Natively the member rules (`app_id`, `pushkey`, `lang`, `display_name`, `check_data`) are
/// inlined here. In the WebAssembly module they stay out of line: inlined, they make this one
/// function large, which V8 compiles at the first call (the first `validate` took about 1.3 ms
/// longer) and which costs module bytes, for no time measured in the module.
fn check_members<'a>(members: Vec<Member<'a>>, body: &'a str, options: &Options) -> Checked<'a> {
    let kind = members.iter().find(|(name, _)| name == "kind");
    let (mode, kind_problem) = mode_of(kind.map(|(_, v)| v), options);
    // A delete reads only `app_id` and `pushkey` (rules A and P, not the e-mail forms); every
    // other member is ignored silently, since clients echo the stored pusher back.
    let delete = mode == Mode::Delete;
    // `profile_tag` wins over `instance_handle` wherever each comes in the body.
    let has_profile_tag = members
        .iter()
        .any(|(name, v)| name == "profile_tag" && !v.is_null());
    let mut report = Report::default();
    let mut fields = Fields::default();
    for (name, value) in members {
        // Each required member marks its place in `REQUIRED`.
        match &*name {
            "app_id" => {
                fields.present[1] = true;
                fields.app_id = app_id(value, mode, &mut report);
            }
            "pushkey" => {
                fields.present[2] = true;
                fields.pushkey = pushkey(value, mode, &mut report);
            }
            _ if delete => {}
            "kind" => {
                fields.present[0] = true;
                if let Some((errcode, message)) = kind_problem {
                    report.error(errcode, "/kind", message);
                }
            }
            "app_display_name" => {
                fields.present[3] = true;
                fields.app_display_name =
                    display_name(value, "/app_display_name", options, &mut report);
            }
            "device_display_name" => {
                fields.present[4] = true;
                fields.device_display_name =
                    display_name(value, "/device_display_name", options, &mut report);
            }
            "lang" => {
                fields.present[5] = true;
                fields.lang = lang(value, &mut report);
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
            // `null` means absent, so it neither yields to nor stands in for `profile_tag`.
            "instance_handle" if value.is_null() => {}
            "instance_handle" => {
                if has_profile_tag {
                    report.warn(
                        WarningCode::Ignored,
                        "/instance_handle",
                        "profile_tag is used instead",
                    );
                } else {
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
            "data" => {
                fields.present[6] = true;
                fields.data = check_data(value, body, mode, options, &mut report);
            }
            ENABLED => match value {
                Val::Bool(enabled) => fields.enabled = Some(enabled),
                Val::Null => msc3881_null(ENABLED, &mut report),
                _ => report.error(ErrorCode::BadJson, pointer(ENABLED), "must be a boolean"),
            },
            DEVICE_ID => match value {
                Val::Str(id) => {
                    let problem = if id.is_empty() {
                        Some("must not be empty".into())
                    } else {
                        text_problem(&id, MAX_DEVICE_ID_CHARS)
                    };
                    fields.device_id = report.check(id, DEVICE_ID_POINTER, problem);
                }
                Val::Null => msc3881_null(DEVICE_ID, &mut report),
                _ => report.error(ErrorCode::BadJson, pointer(DEVICE_ID), "must be a string"),
            },
            "append" => match value {
                Val::Bool(append) => fields.append = append,
                Val::Null => {
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
    // A set that has them all, the usual body, needs no look at each.
    if fields.present != [true; REQUIRED.len()] {
        for (slot, (name, present)) in REQUIRED.iter().zip(fields.present).enumerate() {
            // `app_id` and `pushkey` are the two a delete requires.
            if !present && (!delete || matches!(slot, 1 | 2)) {
                report.error(
                    ErrorCode::MissingParam,
                    json::member_pointer(name),
                    "is required",
                );
            }
        }
    }
    if delete {
        return match (fields.app_id, fields.pushkey) {
            (Some(app_id), Some(pushkey)) if report.errors.is_empty() => Checked::Delete {
                app_id,
                pushkey,
                warnings: Cow::Owned(report.warnings),
            },
            _ => report.into_rejection(),
        };
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
            data: Some((data, data_text)),
            profile_tag,
            instance_handle,
            append,
            enabled,
            device_id,
            ..
        } => Checked::Set {
            pusher: Draft {
                kind,
                app_id,
                pushkey,
                app_display_name,
                device_display_name,
                profile_tag: profile_tag.or(instance_handle),
                lang,
                data,
                data_text,
                enabled,
                device_id,
            },
            append,
            warnings: Cow::Owned(report.warnings),
        },
        // Every required member was read without a problem, so none of these is absent.
        _ => Report::fatal(
            ErrorCode::BadJson,
            String::new(),
            "the body could not be read",
        ),
    }
}

/// The pointer of a top-level member.
fn pointer(name: &str) -> String {
    json::member_pointer(name)
}

/// Rule M: an MSC3881 member's `null` means absent.
#[cold]
#[inline(never)]
fn msc3881_null(name: &str, report: &mut Report) {
    report.warn(
        WarningCode::Normalized,
        pointer(name),
        "null was read as absent",
    );
}

/// Rule A, with its warning for an `app_id` without a dot.
#[cfg_attr(target_arch = "wasm32", inline(never))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn app_id<'a>(value: Val<'a>, mode: Mode, report: &mut Report) -> Option<Cow<'a, str>> {
    let app_id = report.string(value, "/app_id")?;
    let (plain, has_dot) = ascii::app_id_chars(&app_id);
    let problem = app_id_problem(&app_id, plain, mode);
    let app_id = report.check(app_id, "/app_id", problem)?;
    if !has_dot {
        report.warn(WarningCode::Unusual, "/app_id", "has no dot");
    }
    Some(app_id)
}

/// Rule P.
#[cfg_attr(target_arch = "wasm32", inline(never))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn pushkey<'a>(value: Val<'a>, mode: Mode, report: &mut Report) -> Option<Cow<'a, str>> {
    let pushkey = report.string(value, "/pushkey")?;
    let problem = pushkey_problem(&pushkey, mode);
    report.check(pushkey, "/pushkey", problem)
}

/// Rule L: the tag in canonical case, with a warning when that changed it.
#[cfg_attr(target_arch = "wasm32", inline(never))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn lang<'a>(value: Val<'a>, report: &mut Report) -> Option<Cow<'a, str>> {
    let tag = report.string(value, "/lang")?;
    if is_plain_canonical(&tag) {
        return Some(tag);
    }
    let Some(canonical) = canonical_lang(&tag) else {
        report.error(
            ErrorCode::InvalidParam,
            "/lang",
            "must be a well-formed bcp 47 language tag",
        );
        return None;
    };
    if canonical == tag {
        return Some(tag);
    }
    report.warn(
        WarningCode::Normalized,
        "/lang",
        "was written in canonical form",
    );
    Some(Cow::Owned(canonical))
}

/// Rule D.
#[cfg_attr(target_arch = "wasm32", inline(never))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn display_name<'a>(
    value: Val<'a>,
    path: &str,
    options: &Options,
    report: &mut Report,
) -> Option<Cow<'a, str>> {
    let name = report.string(value, path)?;
    let problem = text_problem(&name, options.max_display_name_chars);
    let name = report.check(name, path, problem)?;
    if name.is_empty() {
        report.warn(WarningCode::Unusual, path, "is empty");
    }
    Some(name)
}

/// Rule T, for `profile_tag` and for the `instance_handle` read in its place.
#[inline(never)]
fn profile_tag<'a>(value: Val<'a>, path: &str, report: &mut Report) -> Option<Cow<'a, str>> {
    match value {
        Val::Str(tag) => {
            let problem = text_problem(&tag, MAX_PROFILE_TAG_CHARS);
            report.check(tag, path, problem)
        }
        _ => {
            report.error(ErrorCode::BadJson, path, "must be a string");
            None
        }
    }
}

/// Rules G, U and F, and rule W for `data`: its members, and its text in `body` when that is
/// its compact serialization and nothing in it changed.
#[cfg_attr(target_arch = "wasm32", inline(never))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn check_data<'a>(
    value: Val<'a>,
    body: &'a str,
    mode: Mode,
    options: &Options,
    report: &mut Report,
) -> Option<(Vec<Member<'a>>, Option<&'a str>)> {
    let (mut members, mut text) = match value {
        Val::Object(members, span) => (members, span.text(body)),
        Val::Null => {
            report.error(ErrorCode::MissingParam, "/data", "a value is required");
            return None;
        }
        _ => {
            report.error(ErrorCode::BadJson, "/data", "must be an object");
            return None;
        }
    };
    let errors_before = report.errors.len();
    let len = text.map_or_else(|| json::val_members_len(&members), str::len);
    if len > options.max_data_bytes {
        report.error(
            ErrorCode::InvalidParam,
            "/data",
            at_most(options.max_data_bytes, " bytes when serialized"),
        );
    }
    let web_push = is_web_push(mode);
    let needs_url = web_push || mode == Mode::Set(PusherKind::Http);
    let (mut has_url, mut has_auth) = (false, false);
    for (name, value) in &mut members {
        match &**name {
            "url" if needs_url => {
                has_url = true;
                if check_url(value, web_push, options, report) {
                    text = None;
                }
            }
            "auth" if web_push => {
                has_auth = true;
                check_auth(value, report);
            }
            "format" => match value {
                Val::Str(format) if format == EVENT_ID_ONLY => {}
                Val::Str(_) => {
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
            if web_push {
                "is required for a web push pusher"
            } else {
                "is required for an http pusher"
            },
        );
    }
    if web_push && !has_auth {
        report.error(
            ErrorCode::MissingParam,
            "/data/auth",
            "is required for a web push pusher",
        );
    }
    (report.errors.len() == errors_before).then_some((members, text))
}

/// Rule W: the auth secret of a Web Push pusher.
#[cold]
#[inline(never)]
fn check_auth(value: &Val<'_>, report: &mut Report) {
    match value {
        Val::Str(auth) => {
            if let Some(problem) = webpush::auth_problem(auth) {
                report.error(ErrorCode::InvalidParam, "/data/auth", problem);
            }
        }
        Val::Null => report.error(ErrorCode::MissingParam, "/data/auth", "a value is required"),
        _ => report.error(ErrorCode::BadJson, "/data/auth", "must be a string"),
    }
}

/// Rule U (and rule W's push service URL): the URL, normalized in place. Returns whether that
/// changed it.
fn check_url(value: &mut Val<'_>, web_push: bool, options: &Options, report: &mut Report) -> bool {
    match value {
        Val::Str(url) => match url::check_url(url, options, web_push || options.allow_any_path) {
            Ok(Cow::Borrowed(_)) => {}
            Ok(Cow::Owned(normalized)) => {
                if normalized != **url {
                    report.warn(
                        WarningCode::Normalized,
                        "/data/url",
                        "was written in canonical form",
                    );
                    *url = Cow::Owned(normalized);
                    return true;
                }
            }
            Err(error) => report.error(ErrorCode::InvalidParam, "/data/url", error.0),
        },
        Val::Null => report.error(ErrorCode::MissingParam, "/data/url", "a value is required"),
        _ => report.error(ErrorCode::BadJson, "/data/url", "must be a string"),
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Pusher;

    const URL: &str = "https://push.example.org/_matrix/push/v1/notify";

    fn run_with(body: &str, options: &Options) -> Outcome {
        let outcome = validate_bytes(body.as_bytes(), options);
        assert_eq!(
            crate::validate_to_json(body.as_bytes(), options),
            outcome.to_json_with_pusher_range(),
            "validate_to_json differs"
        );
        let checked = check_bytes(body.as_bytes(), options);
        let expected = match &outcome {
            Outcome::Set { append: false, .. } => 1,
            Outcome::Set { append: true, .. } => 5,
            Outcome::Delete { .. } => 2,
            Outcome::Rejected { .. } => 0,
        };
        assert_eq!(checked.verdict(), expected, "verdict differs");
        if let Ok(value) = json::parse(body.as_bytes(), options.max_depth) {
            assert_eq!(
                validate_value(&value, options),
                outcome,
                "validate_value differs"
            );
        }
        outcome
    }

    fn run(body: &str) -> Outcome {
        run_with(body, &Options::default())
    }

    /// A valid http body with `extra` members appended (`extra` starts with a comma).
    fn http(extra: &str) -> String {
        format!(
            r#"{{"kind":"http","app_id":"org.example.app","pushkey":"key","app_display_name":"App","device_display_name":"Phone","lang":"en","data":{{"url":"{URL}"}}{extra}}}"#
        )
    }

    /// The body with member `name` given the JSON text `value` (replacing it when present).
    fn with(name: &str, value: &str) -> String {
        let Ok(Value::Object(mut members)) = json::parse(http("").as_bytes(), 16) else {
            unreachable!("the base body is valid")
        };
        let value = json::parse(value.as_bytes(), 16).unwrap_or(Value::Null);
        match members.iter_mut().find(|(n, _)| n == name) {
            Some(member) => member.1 = value,
            None => members.push((name.to_owned(), value)),
        }
        Value::Object(members).to_json()
    }

    fn without(name: &str) -> String {
        let Ok(Value::Object(mut members)) = json::parse(http("").as_bytes(), 16) else {
            unreachable!("the base body is valid")
        };
        members.retain(|(n, _)| n != name);
        Value::Object(members).to_json()
    }

    fn errors(outcome: &Outcome) -> Vec<(&'static str, String)> {
        match outcome {
            Outcome::Rejected { errors, .. } => errors
                .iter()
                .map(|p| (p.errcode.as_str(), p.path.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn warnings(outcome: &Outcome) -> Vec<(&'static str, String)> {
        outcome
            .warnings()
            .iter()
            .map(|w| (w.code.as_str(), w.path.clone()))
            .collect()
    }

    fn one(code: &'static str, path: &str) -> Vec<(&'static str, String)> {
        vec![(code, path.to_owned())]
    }

    fn pusher(outcome: &Outcome) -> &Pusher {
        match outcome {
            Outcome::Set { pusher, .. } => pusher,
            other => panic!("expected a set, got {}", other.to_json()),
        }
    }

    #[test]
    fn accepts_a_plain_http_pusher_unchanged() {
        let outcome = run(&http(""));
        let pusher = pusher(&outcome);
        assert_eq!(pusher.kind, PusherKind::Http);
        assert_eq!(pusher.data.url(), Some(URL));
        assert_eq!(pusher.profile_tag, None);
        assert!(outcome.warnings().is_empty());
    }

    #[test]
    fn writes_limits_in_messages() {
        assert_eq!(at_most(0, " x"), "must be at most 0 x");
        assert_eq!(
            at_most(usize::MAX, " bytes"),
            format!("must be at most {} bytes", usize::MAX)
        );
        assert_eq!(
            app_id_problem("org.x", true, Mode::Set(PusherKind::Email)).as_deref(),
            Some("must be m.email for an email pusher")
        );
    }

    #[test]
    fn writes_the_pointers_of_members_as_their_names_say() {
        assert_eq!(REQUIRED[0], "kind");
        assert_eq!(REQUIRED[1], "app_id");
        assert_eq!(REQUIRED[2], "pushkey");
        assert_eq!(REQUIRED[3], "app_display_name");
        assert_eq!(REQUIRED[4], "device_display_name");
        assert_eq!(REQUIRED[5], "lang");
        assert_eq!(REQUIRED[6], "data");
        assert_eq!(DEVICE_ID_POINTER, pointer(DEVICE_ID));
    }

    #[test]
    fn checks_the_size_before_parsing() {
        let options = Options {
            max_body_bytes: 4,
            ..Options::default()
        };
        assert_eq!(errors(&run_with("[1,2,", &options)), one("M_TOO_LARGE", ""));
        assert!(run_with("{  }", &options).errcode() != Some(ErrorCode::TooLarge));
    }

    #[test]
    fn refuses_a_body_that_is_not_an_object() {
        for body in ["[]", "5", "\"x\"", "null"] {
            assert_eq!(errors(&run(body)), one("M_BAD_JSON", ""), "{body}");
        }
        assert_eq!(errors(&run("{")), one("M_NOT_JSON", ""));
    }

    #[test]
    fn reports_the_container_past_the_depth_limit_alone() {
        let options = Options {
            max_depth: 2,
            ..Options::default()
        };
        let body = with("data", &format!(r#"{{"url":"{URL}","x":[1],"y":5}}"#));
        assert_eq!(
            errors(&run_with(&body, &options)),
            one("M_BAD_JSON", "/data/x")
        );
        assert_eq!(
            errors(&run_with(&without("kind"), &options)),
            one("M_MISSING_PARAM", "/kind")
        );
    }

    #[test]
    fn reports_missing_members_at_the_end_in_rule_order() {
        let outcome = run(r#"{"data":{},"lang":"en","zzz":1}"#);
        assert_eq!(
            errors(&outcome),
            vec![
                ("M_MISSING_PARAM", "/kind".to_owned()),
                ("M_MISSING_PARAM", "/app_id".to_owned()),
                ("M_MISSING_PARAM", "/pushkey".to_owned()),
                ("M_MISSING_PARAM", "/app_display_name".to_owned()),
                ("M_MISSING_PARAM", "/device_display_name".to_owned()),
            ]
        );
        assert_eq!(warnings(&outcome), one("ignored", "/zzz"));
    }

    #[test]
    fn reports_null_for_a_required_member_at_its_place() {
        let body = r#"{"kind":"http","app_id":null,"pushkey":"k","app_display_name":null,
            "device_display_name":"d","lang":"en","data":{"url":null}}"#;
        assert_eq!(
            errors(&run(body)),
            vec![
                ("M_MISSING_PARAM", "/app_id".to_owned()),
                ("M_MISSING_PARAM", "/app_display_name".to_owned()),
                ("M_MISSING_PARAM", "/data/url".to_owned()),
            ]
        );
    }

    #[test]
    fn reports_problems_in_document_order() {
        let body = r#"{"data":{"format":5},"lang":"??","kind":"sms","pushkey":"","app_id":"a b",
            "app_display_name":1,"device_display_name":"d"}"#;
        assert_eq!(
            errors(&run(body)),
            vec![
                ("M_BAD_JSON", "/data/format".to_owned()),
                ("M_INVALID_PARAM", "/lang".to_owned()),
                ("M_INVALID_PARAM", "/kind".to_owned()),
                ("M_INVALID_PARAM", "/pushkey".to_owned()),
                ("M_INVALID_PARAM", "/app_id".to_owned()),
                ("M_BAD_JSON", "/app_display_name".to_owned()),
            ]
        );
    }

    #[test]
    fn refuses_a_kind_of_the_wrong_type_or_value() {
        assert_eq!(errors(&run(&with("kind", "5"))), one("M_BAD_JSON", "/kind"));
        assert_eq!(
            errors(&run(&with("kind", "\"HTTP\""))),
            one("M_INVALID_PARAM", "/kind")
        );
        let http_only = Options {
            kinds: vec![PusherKind::Http],
            ..Options::default()
        };
        let email = with("kind", "\"email\"");
        assert_eq!(
            errors(&run_with(&email, &http_only)),
            one("M_INVALID_PARAM", "/kind")
        );
    }

    #[test]
    fn skips_the_url_rules_when_the_kind_is_unknown() {
        let body = with("kind", "\"sms\"");
        let body = body.replace(URL, "ftp://x");
        assert_eq!(errors(&run(&body)), one("M_INVALID_PARAM", "/kind"));
        let body = without("kind").replace(&format!(r#"{{"url":"{URL}"}}"#), "{}");
        assert_eq!(errors(&run(&body)), one("M_MISSING_PARAM", "/kind"));
    }

    #[test]
    fn deletes_with_only_app_id_and_pushkey_checked() {
        let outcome = run(r#"{"kind":null,"app_id":"x","pushkey":"k","data":5,"lang":null,"z":1}"#);
        assert!(
            matches!(&outcome, Outcome::Delete { app_id, pushkey, .. } if app_id == "x" && pushkey == "k")
        );
        assert_eq!(warnings(&outcome), one("unusual", "/app_id"));
        assert_eq!(
            errors(&run(r#"{"pushkey":"a\u0001","kind":null}"#)),
            vec![
                ("M_INVALID_PARAM", "/pushkey".to_owned()),
                ("M_MISSING_PARAM", "/app_id".to_owned())
            ]
        );
        // Not the e-mail forms: a delete has no kind.
        assert!(run(r#"{"kind":null,"app_id":"m.x","pushkey":"no-at-sign"}"#).is_ok());
    }

    #[test]
    fn checks_app_id_characters_and_length() {
        assert_eq!(
            errors(&run(&with("app_id", "\"a b\""))),
            one("M_INVALID_PARAM", "/app_id")
        );
        assert_eq!(
            errors(&run(&with("app_id", "\"\""))),
            one("M_INVALID_PARAM", "/app_id")
        );
        let long = format!("\"a.{}\"", "b".repeat(63));
        assert_eq!(
            errors(&run(&with("app_id", &long))),
            one("M_INVALID_PARAM", "/app_id")
        );
        let longest = format!("\"a.{}\"", "b".repeat(62));
        assert!(run(&with("app_id", &longest)).is_ok());
        let outcome = run(&with("app_id", "\"app_without-dot\""));
        assert_eq!(warnings(&outcome), one("unusual", "/app_id"));
    }

    #[test]
    fn counts_the_pushkey_limit_in_bytes() {
        let fits = format!("\"{}\"", "é".repeat(256));
        assert!(run(&with("pushkey", &fits)).is_ok());
        let over = format!("\"{}a\"", "é".repeat(256));
        assert_eq!(
            errors(&run(&with("pushkey", &over))),
            one("M_INVALID_PARAM", "/pushkey")
        );
        for bad in [r#""a\u007fb""#, r#""a\nb""#, r#""""#] {
            assert_eq!(
                errors(&run(&with("pushkey", bad))),
                one("M_INVALID_PARAM", "/pushkey")
            );
        }
        let outcome = run(&with("pushkey", r#"" Key/=+ ""#));
        assert_eq!(pusher(&outcome).pushkey, " Key/=+ ");
    }

    #[test]
    fn counts_display_names_in_characters_and_warns_when_empty() {
        let options = Options {
            max_display_name_chars: 5,
            ..Options::default()
        };
        assert!(run_with(&with("app_display_name", "\"ééééé\""), &options).is_ok());
        let long = with("app_display_name", "\"éééééé\"");
        let outcome = run_with(&long, &options);
        assert_eq!(
            errors(&outcome),
            one("M_INVALID_PARAM", "/app_display_name")
        );
        let outcome = run(&with("device_display_name", "\"\""));
        assert_eq!(warnings(&outcome), one("unusual", "/device_display_name"));
        let tab = with("device_display_name", r#""a\tb""#);
        assert_eq!(
            errors(&run(&tab)),
            one("M_INVALID_PARAM", "/device_display_name")
        );
    }

    #[test]
    fn writes_lang_in_canonical_form_with_a_warning() {
        let outcome = run(&with("lang", "\"en_us\""));
        assert_eq!(pusher(&outcome).lang, "en-US");
        assert_eq!(warnings(&outcome), one("normalized", "/lang"));
        assert_eq!(
            errors(&run(&with("lang", "\"en--US\""))),
            one("M_INVALID_PARAM", "/lang")
        );
    }

    #[test]
    fn reads_instance_handle_as_profile_tag() {
        let outcome = run(&with("instance_handle", "\"tag\""));
        assert_eq!(pusher(&outcome).profile_tag.as_deref(), Some("tag"));
        assert_eq!(warnings(&outcome), one("legacy", "/instance_handle"));
        let long = format!("\"{}\"", "t".repeat(33));
        let outcome = run(&with("instance_handle", &long));
        assert_eq!(errors(&outcome), one("M_INVALID_PARAM", "/instance_handle"));
        assert!(warnings(&run(&with("instance_handle", "null"))).is_empty());
        let both = with("profile_tag", "\"p\"").replacen('{', r#"{"instance_handle":null,"#, 1);
        assert!(warnings(&run(&both)).is_empty());
    }

    #[test]
    fn lets_profile_tag_win_over_instance_handle_wherever_it_comes() {
        let body = format!(
            r#"{{"instance_handle":5,{}"#,
            &with("profile_tag", "\"p\"")[1..]
        );
        let outcome = run(&body);
        assert_eq!(pusher(&outcome).profile_tag.as_deref(), Some("p"));
        assert_eq!(warnings(&outcome), one("ignored", "/instance_handle"));
    }

    #[test]
    fn reads_profile_tag_null_as_absent() {
        let outcome = run(&with("profile_tag", "null"));
        assert_eq!(pusher(&outcome).profile_tag, None);
        assert_eq!(warnings(&outcome), one("normalized", "/profile_tag"));
        let tag = run(&with("profile_tag", "\"0123456789abcdef0123456789abcdef\""));
        assert_eq!(pusher(&tag).profile_tag.as_deref().map(str::len), Some(32));
        assert_eq!(
            errors(&run(&with("profile_tag", "[]"))),
            one("M_BAD_JSON", "/profile_tag")
        );
    }

    #[test]
    fn reads_append_null_as_false_and_refuses_other_types() {
        let outcome = run(&with("append", "null"));
        assert!(matches!(outcome, Outcome::Set { append: false, .. }));
        assert_eq!(warnings(&outcome), one("normalized", "/append"));
        assert!(matches!(
            run(&with("append", "true")),
            Outcome::Set { append: true, .. }
        ));
        assert_eq!(
            errors(&run(&with("append", "\"true\""))),
            one("M_BAD_JSON", "/append")
        );
    }

    #[test]
    fn drops_unknown_members_with_an_escaped_pointer() {
        let outcome = run(&with("a/b~c", "{}"));
        assert_eq!(warnings(&outcome), one("ignored", "/a~1b~0c"));
        assert!(pusher(&outcome).to_json().find("a/b").is_none());
    }

    #[test]
    fn keeps_data_members_exactly_and_in_order() {
        let data = format!(
            r#"{{"b":1.50,"url":"{URL}","a":{{"z":[1e400,null]}},"format":"event_id_only"}}"#
        );
        let outcome = run(&with("data", &data));
        let mut out = String::new();
        json::write_members(&mut out, &pusher(&outcome).data.0);
        assert_eq!(out, data);
    }

    #[test]
    fn measures_data_in_compact_serialization_bytes() {
        let data = format!(r#"{{ "url" : "{URL}", "x" : "\u00e9" }}"#);
        let compact = format!(r#"{{"url":"{URL}","x":"é"}}"#).len();
        let fits = Options {
            max_data_bytes: compact,
            ..Options::default()
        };
        assert!(run_with(&with("data", &data), &fits).is_ok());
        let over = Options {
            max_data_bytes: compact - 1,
            ..Options::default()
        };
        let outcome = run_with(&with("data", &data), &over);
        assert_eq!(errors(&outcome), one("M_INVALID_PARAM", "/data"));
    }

    #[test]
    fn checks_data_url_and_format_types() {
        assert_eq!(
            errors(&run(&with("data", "[]"))),
            one("M_BAD_JSON", "/data")
        );
        assert_eq!(
            errors(&run(&with("data", "{}"))),
            one("M_MISSING_PARAM", "/data/url")
        );
        assert_eq!(
            errors(&run(&with("data", r#"{"url":5}"#))),
            one("M_BAD_JSON", "/data/url")
        );
        let null_format = format!(r#"{{"url":"{URL}","format":null}}"#);
        assert_eq!(
            errors(&run(&with("data", &null_format))),
            one("M_BAD_JSON", "/data/format")
        );
        let odd_format = format!(r#"{{"url":"{URL}","format":" "}}"#);
        let outcome = run(&with("data", &odd_format));
        assert_eq!(warnings(&outcome), one("unusual", "/data/format"));
        assert_eq!(pusher(&outcome).data.format(), Some(" "));
    }

    #[test]
    fn normalizes_the_gateway_url_with_a_warning() {
        let upper = "HTTPS://Push.Example.ORG:443/_matrix/push/v1/notify";
        let outcome = run(&with("data", &format!(r#"{{"url":"{upper}"}}"#)));
        assert_eq!(pusher(&outcome).data.url(), Some(URL));
        assert_eq!(warnings(&outcome), one("normalized", "/data/url"));
        let bad = with(
            "data",
            r#"{"url":"https://push.example.org/_matrix/push/v1/notify/"}"#,
        );
        assert_eq!(errors(&run(&bad)), one("M_INVALID_PARAM", "/data/url"));
    }

    #[test]
    fn accepts_an_email_pusher_without_url() {
        let body = r#"{"kind":"email","app_id":"m.email","pushkey":"a@example.org",
            "app_display_name":"Mail","device_display_name":"a@example.org","lang":"en",
            "data":{"url":5,"brand":"x"}}"#;
        let outcome = run(body);
        assert_eq!(pusher(&outcome).kind, PusherKind::Email);
        assert_eq!(
            pusher(&outcome).data.get("url"),
            Some(&Value::Number("5".into()))
        );
        let wrong = body
            .replace("\"m.email\"", "\"org.example\"")
            .replace("a@example.org\",\n", "a@@b\",\n");
        assert_eq!(
            errors(&run(&wrong)),
            vec![
                ("M_INVALID_PARAM", "/app_id".to_owned()),
                ("M_INVALID_PARAM", "/pushkey".to_owned())
            ]
        );
        for key in ["\"@b\"", "\"a@\"", "\"ab\"", "\"a@b@c\""] {
            let body = body.replacen("\"a@example.org\"", key, 1);
            assert_eq!(
                errors(&run(&body)),
                one("M_INVALID_PARAM", "/pushkey"),
                "{key}"
            );
        }
        let long = body.replacen(
            "\"a@example.org\"",
            &format!("\"a@{}\"", "b".repeat(499)),
            1,
        );
        assert_eq!(errors(&run(&long)), one("M_INVALID_PARAM", "/pushkey"));
    }

    #[test]
    fn reports_every_repeated_member_alone() {
        let body = http(r#","lang":"en","data":{}"#);
        assert_eq!(
            errors(&run(&body)),
            vec![
                ("M_BAD_JSON", "/lang".to_owned()),
                ("M_BAD_JSON", "/data".to_owned())
            ]
        );
    }

    #[test]
    fn validate_value_refuses_repeated_members_and_deep_values() {
        let value = Value::Object(vec![
            ("kind".into(), Value::Null),
            ("kind".into(), Value::Null),
        ]);
        let outcome = validate_value(&value, &Options::default());
        assert_eq!(errors(&outcome), one("M_BAD_JSON", "/kind"));
        let mut deep = Value::Null;
        for _ in 0..100_000 {
            deep = Value::Array(vec![deep]);
        }
        let outcome = validate_value(
            &deep,
            &Options {
                max_depth: usize::MAX,
                ..Options::default()
            },
        );
        assert_eq!(outcome.errcode(), Some(ErrorCode::BadJson));
        // Dropping it without recursion: unwrap it level by level.
        while let Value::Array(mut items) = deep {
            deep = items.pop().unwrap_or(Value::Null);
        }
    }
}
