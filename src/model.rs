//! The pusher model and the outcome of validation (docs/rules.md section 5).

use std::borrow::Cow;
use std::ops::Range;

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeStruct, Serializer};

use crate::json::{self, Value};
use crate::problem::{ErrorCode, Problem, Warning};

/// The kind of a pusher (`kind` in the request). `null` is not a kind: it asks for a delete.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PusherKind {
    /// `"http"`: pushes go through a push gateway at `data.url`.
    Http,
    /// `"email"`: notifications are mailed to the address in `pushkey`.
    Email,
    /// `"webpush"` (MSC4174): pushes go to the browser's push service at `data.url`, encrypted
    /// for the P-256 key in `pushkey` with the secret in `data.auth`. In
    /// [`Options::kinds`](crate::Options::kinds) it allows both spellings.
    WebPush,
    /// `"org.matrix.msc4174.webpush"`, the unstable spelling of [`PusherKind::WebPush`]: the
    /// same kind, kept as sent.
    WebPushUnstable,
}

impl PusherKind {
    /// Every kind, each spelling once.
    pub const ALL: [Self; 4] = [
        Self::Http,
        Self::Email,
        Self::WebPush,
        Self::WebPushUnstable,
    ];

    /// The kind whose wire name this is (`"http"`), if any.
    #[must_use]
    pub fn from_wire(name: &str) -> Option<Self> {
        match name {
            "http" => Some(Self::Http),
            "email" => Some(Self::Email),
            "webpush" => Some(Self::WebPush),
            "org.matrix.msc4174.webpush" => Some(Self::WebPushUnstable),
            _ => None,
        }
    }

    /// The wire name, such as `"http"` or `"org.matrix.msc4174.webpush"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Email => "email",
            Self::WebPush => "webpush",
            Self::WebPushUnstable => "org.matrix.msc4174.webpush",
        }
    }

    /// Whether this is Web Push, in either spelling.
    #[must_use]
    pub const fn is_web_push(self) -> bool {
        matches!(self, Self::WebPush | Self::WebPushUnstable)
    }
}

impl Serialize for PusherKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The `data` object of a pusher: every member the client sent, in its order, with `url`
/// normalized. Members other than `url` and `format` are kept exactly, for the gateway.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PusherData(pub Vec<(String, Value)>);

impl PusherData {
    /// The gateway URL (`data.url`), when it is a string.
    #[must_use]
    pub fn url(&self) -> Option<&str> {
        self.get("url").and_then(Value::as_str)
    }

    /// The push format (`data.format`), when it is a string.
    #[must_use]
    pub fn format(&self) -> Option<&str> {
        self.get("format").and_then(Value::as_str)
    }

    /// The member named `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// A valid, normalized pusher: what a homeserver stores.
#[derive(Clone, Debug, PartialEq)]
pub struct Pusher {
    /// `http`, `email` or Web Push (in the spelling sent).
    pub kind: PusherKind,
    /// Reverse-DNS identifier of the application: 1 to 64 of `[A-Za-z0-9._-]`.
    pub app_id: String,
    /// The routing address (APNs token, FCM registration ID, UnifiedPush endpoint, e-mail
    /// address). At most 512 bytes of UTF-8, kept byte for byte.
    pub pushkey: String,
    /// Names the application to the user.
    pub app_display_name: String,
    /// Names the device to the user.
    pub device_display_name: String,
    /// Selects the push rule set; at most 32 characters. `None` when absent.
    pub profile_tag: Option<String>,
    /// The preferred language, a BCP 47 tag in canonical case.
    pub lang: String,
    /// Information for the pusher implementation.
    pub data: PusherData,
    /// MSC3881 `org.matrix.msc3881.enabled`: `Some(false)` for a pusher switched off without
    /// being deleted. `None` when absent.
    pub enabled: Option<bool>,
    /// MSC3881 `org.matrix.msc3881.device_id`: the device the pusher belongs to, 1 to 255
    /// characters. `None` when absent.
    pub device_id: Option<String>,
}

/// The member name of [`Pusher::enabled`].
pub(crate) const ENABLED: &str = "org.matrix.msc3881.enabled";
/// The member name of [`Pusher::device_id`].
pub(crate) const DEVICE_ID: &str = "org.matrix.msc3881.device_id";

/// The result of validating one request.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Create or replace this pusher.
    Set {
        /// The normalized pusher.
        pusher: Pusher,
        /// Whether other users' pushers with the same `app_id` and `pushkey` are kept.
        append: bool,
        /// What was changed or looks unusual.
        warnings: Vec<Warning>,
    },
    /// Delete the pusher with this `app_id` and `pushkey`.
    Delete {
        /// The application identifier.
        app_id: String,
        /// The routing address.
        pushkey: String,
        /// What looks unusual.
        warnings: Vec<Warning>,
    },
    /// The request is refused; `errors` is never empty.
    Rejected {
        /// Every problem, in document order.
        errors: Vec<Problem>,
        /// Warnings gathered before the request was refused.
        warnings: Vec<Warning>,
    },
}

impl Outcome {
    /// Whether the request was accepted.
    #[must_use]
    pub const fn is_ok(&self) -> bool {
        !matches!(self, Self::Rejected { .. })
    }

    /// The error code of the first problem, for the Matrix error response.
    #[must_use]
    pub fn errcode(&self) -> Option<ErrorCode> {
        match self {
            Self::Rejected { errors, .. } => errors.first().map(|p| p.errcode),
            _ => None,
        }
    }

    /// The warnings of any outcome.
    #[must_use]
    pub fn warnings(&self) -> &[Warning] {
        match self {
            Self::Set { warnings, .. }
            | Self::Delete { warnings, .. }
            | Self::Rejected { warnings, .. } => warnings,
        }
    }
}

// ---- output (docs/rules.md section 5) -----------------------------------------------------------------

impl Serialize for PusherData {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl Serialize for Pusher {
    /// The members `kind, app_id, pushkey, app_display_name, device_display_name, profile_tag
    /// (only when present), lang, data`, then the MSC3881 members (each only when present), in
    /// that order.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = 7
            + usize::from(self.profile_tag.is_some())
            + usize::from(self.enabled.is_some())
            + usize::from(self.device_id.is_some());
        let mut pusher = serializer.serialize_struct("Pusher", len)?;
        pusher.serialize_field("kind", &self.kind)?;
        pusher.serialize_field("app_id", &self.app_id)?;
        pusher.serialize_field("pushkey", &self.pushkey)?;
        pusher.serialize_field("app_display_name", &self.app_display_name)?;
        pusher.serialize_field("device_display_name", &self.device_display_name)?;
        if let Some(tag) = &self.profile_tag {
            pusher.serialize_field("profile_tag", tag)?;
        } else {
            pusher.skip_field("profile_tag")?;
        }
        pusher.serialize_field("lang", &self.lang)?;
        pusher.serialize_field("data", &self.data)?;
        match self.enabled {
            Some(enabled) => pusher.serialize_field(ENABLED, &enabled)?,
            None => pusher.skip_field(ENABLED)?,
        }
        match &self.device_id {
            Some(device_id) => pusher.serialize_field(DEVICE_ID, device_id)?,
            None => pusher.skip_field(DEVICE_ID)?,
        }
        pusher.end()
    }
}

/// The pusher of a delete: `{ kind: null, app_id, pushkey }`.
struct DeletedPusher<'a> {
    app_id: &'a str,
    pushkey: &'a str,
}

impl Serialize for DeletedPusher<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut pusher = serializer.serialize_struct("Pusher", 3)?;
        pusher.serialize_field("kind", &())?;
        pusher.serialize_field("app_id", self.app_id)?;
        pusher.serialize_field("pushkey", self.pushkey)?;
        pusher.end()
    }
}

impl Serialize for Outcome {
    /// `{ ok: true, action: "set", pusher, append, warnings }`,
    /// `{ ok: true, action: "delete", pusher: { kind: null, app_id, pushkey }, warnings }` or
    /// `{ ok: false, errcode, error, errors, warnings }`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Set {
                pusher,
                append,
                warnings,
            } => {
                let mut out = serializer.serialize_struct("Outcome", 5)?;
                out.serialize_field("ok", &true)?;
                out.serialize_field("action", "set")?;
                out.serialize_field("pusher", pusher)?;
                out.serialize_field("append", append)?;
                out.serialize_field("warnings", warnings)?;
                out.end()
            }
            Self::Delete {
                app_id,
                pushkey,
                warnings,
            } => {
                let mut out = serializer.serialize_struct("Outcome", 4)?;
                out.serialize_field("ok", &true)?;
                out.serialize_field("action", "delete")?;
                out.serialize_field("pusher", &DeletedPusher { app_id, pushkey })?;
                out.serialize_field("warnings", warnings)?;
                out.end()
            }
            Self::Rejected { errors, warnings } => {
                let first = errors.first();
                let mut out = serializer.serialize_struct("Outcome", 5)?;
                out.serialize_field("ok", &false)?;
                out.serialize_field("errcode", &first.map(|p| p.errcode))?;
                out.serialize_field("error", &first.map(|p| p.message.as_str()))?;
                out.serialize_field("errors", errors)?;
                out.serialize_field("warnings", warnings)?;
                out.end()
            }
        }
    }
}

/// A set, delete or rejection with its strings still in the body where it can: what the rules
/// produce. The public [`Outcome`] is made from it by copying, the outcome's JSON is written from
/// it directly, and an [`Outcome`] is viewed as one to be written the same way.
#[derive(Debug)]
pub(crate) enum Checked<'a> {
    Set {
        pusher: Draft<'a>,
        append: bool,
        warnings: Cow<'a, [Warning]>,
    },
    Delete {
        app_id: Cow<'a, str>,
        pushkey: Cow<'a, str>,
        warnings: Cow<'a, [Warning]>,
    },
    Rejected {
        errors: Cow<'a, [Problem]>,
        warnings: Cow<'a, [Warning]>,
    },
}

/// A valid pusher whose strings are, where they need no change, slices of the body.
#[derive(Debug)]
pub(crate) struct Draft<'a> {
    pub(crate) kind: PusherKind,
    pub(crate) app_id: Cow<'a, str>,
    pub(crate) pushkey: Cow<'a, str>,
    pub(crate) app_display_name: Cow<'a, str>,
    pub(crate) device_display_name: Cow<'a, str>,
    pub(crate) profile_tag: Option<Cow<'a, str>>,
    pub(crate) lang: Cow<'a, str>,
    pub(crate) data: Vec<json::Member<'a>>,
    /// The text of `data` in the body when it is its compact serialization, as it is.
    pub(crate) data_text: Option<&'a str>,
    pub(crate) enabled: Option<bool>,
    pub(crate) device_id: Option<Cow<'a, str>>,
}

impl Draft<'_> {
    fn into_pusher(self) -> Pusher {
        Pusher {
            kind: self.kind,
            app_id: self.app_id.into_owned(),
            pushkey: self.pushkey.into_owned(),
            app_display_name: self.app_display_name.into_owned(),
            device_display_name: self.device_display_name.into_owned(),
            profile_tag: self.profile_tag.map(Cow::into_owned),
            lang: self.lang.into_owned(),
            data: PusherData(json::members_into_owned(self.data)),
            enabled: self.enabled,
            device_id: self.device_id.map(Cow::into_owned),
        }
    }

    /// About the length of its JSON (escapes aside).
    fn approximate_json_len(&self) -> usize {
        256 + self.app_id.len()
            + self.pushkey.len()
            + self.app_display_name.len()
            + self.device_display_name.len()
            + self.profile_tag.as_ref().map_or(0, |t| t.len())
            + self.lang.len()
            + self.device_id.as_ref().map_or(0, |d| d.len())
            + self.data_len()
    }

    /// The length of the compact serialization of `data`.
    fn data_len(&self) -> usize {
        self.data_text
            .map_or_else(|| json::val_members_len(&self.data), str::len)
    }

    fn write_json(&self, out: &mut String) {
        // Each string's closing quote is written with the next member's name.
        out.push_str(r#"{"kind":""#);
        out.push_str(self.kind.as_str());
        text_member(out, r#"","app_id":""#, &self.app_id);
        text_member(out, r#"","pushkey":""#, &self.pushkey);
        text_member(out, r#"","app_display_name":""#, &self.app_display_name);
        text_member(
            out,
            r#"","device_display_name":""#,
            &self.device_display_name,
        );
        if let Some(tag) = &self.profile_tag {
            text_member(out, r#"","profile_tag":""#, tag);
        }
        text_member(out, r#"","lang":""#, &self.lang);
        out.push_str(r#"","data":"#);
        match self.data_text {
            Some(text) => out.push_str(text),
            None => json::write_val_members(out, &self.data),
        }
        if let Some(enabled) = self.enabled {
            out.push_str(if enabled {
                r#","org.matrix.msc3881.enabled":true"#
            } else {
                r#","org.matrix.msc3881.enabled":false"#
            });
        }
        if let Some(device_id) = &self.device_id {
            text_member(out, r#","org.matrix.msc3881.device_id":""#, device_id);
            out.push('"');
        }
        out.push('}');
    }
}

impl<'a> Draft<'a> {
    fn of(pusher: &'a Pusher) -> Self {
        Draft {
            kind: pusher.kind,
            app_id: json::plain(&pusher.app_id),
            pushkey: json::plain(&pusher.pushkey),
            app_display_name: json::plain(&pusher.app_display_name),
            device_display_name: json::plain(&pusher.device_display_name),
            profile_tag: pusher.profile_tag.as_deref().map(json::plain),
            lang: json::plain(&pusher.lang),
            data: json::members_of(&pusher.data.0),
            data_text: None,
            enabled: pusher.enabled,
            device_id: pusher.device_id.as_deref().map(json::plain),
        }
    }
}

/// What a caller that does not read the whole outcome needs: the verdict, and for a set or a
/// delete where the pusher lies in the outcome's JSON text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    /// 0 rejected, 1 set, 2 delete.
    pub(crate) action: u8,
    /// The `pusher` member's value in the text (byte range); `None` for a rejection.
    pub(crate) pusher: Option<(usize, usize)>,
}

impl<'a> Checked<'a> {
    /// A view of an outcome, borrowing its strings.
    fn of(outcome: &'a Outcome) -> Self {
        match outcome {
            Outcome::Set {
                pusher,
                append,
                warnings,
            } => Checked::Set {
                pusher: Draft::of(pusher),
                append: *append,
                warnings: Cow::Borrowed(warnings),
            },
            Outcome::Delete {
                app_id,
                pushkey,
                warnings,
            } => Checked::Delete {
                app_id: json::plain(app_id),
                pushkey: json::plain(pushkey),
                warnings: Cow::Borrowed(warnings),
            },
            Outcome::Rejected { errors, warnings } => Checked::Rejected {
                errors: Cow::Borrowed(errors),
                warnings: Cow::Borrowed(warnings),
            },
        }
    }
}

impl Checked<'_> {
    pub(crate) fn into_outcome(self) -> Outcome {
        match self {
            Checked::Set {
                pusher,
                append,
                warnings,
            } => Outcome::Set {
                pusher: pusher.into_pusher(),
                append,
                warnings: warnings.into_owned(),
            },
            Checked::Delete {
                app_id,
                pushkey,
                warnings,
            } => Outcome::Delete {
                app_id: app_id.into_owned(),
                pushkey: pushkey.into_owned(),
                warnings: warnings.into_owned(),
            },
            Checked::Rejected { errors, warnings } => Outcome::Rejected {
                errors: errors.into_owned(),
                warnings: warnings.into_owned(),
            },
        }
    }

    /// The verdict alone: 0 rejected, 1 set, 2 delete, plus 4 when a set has `append: true`.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) const fn verdict(&self) -> u8 {
        match self {
            Self::Set { append, .. } => 1 + if *append { 4 } else { 0 },
            Self::Delete { .. } => 2,
            Self::Rejected { .. } => 0,
        }
    }

    fn warnings(&self) -> &[Warning] {
        match self {
            Self::Set { warnings, .. }
            | Self::Delete { warnings, .. }
            | Self::Rejected { warnings, .. } => warnings,
        }
    }

    /// About the length of the JSON (escapes aside), so that it is written into one allocation.
    fn approximate_json_len(&self) -> usize {
        let warnings = notes_len(self.warnings().iter().map(|w| (&*w.path, &*w.message)));
        warnings
            + match self {
                Self::Set { pusher, .. } => pusher.approximate_json_len(),
                Self::Delete {
                    app_id, pushkey, ..
                } => 96 + app_id.len() + pushkey.len(),
                Self::Rejected { errors, .. } => {
                    96 + notes_len(errors.iter().map(|p| (&*p.path, &*p.message)))
                }
            }
    }

    /// The compact JSON of the outcome, and where its pusher, `app_id` and `pushkey` are in it.
    pub(crate) fn to_json(&self) -> (String, Summary) {
        let mut out = String::with_capacity(self.approximate_json_len());
        let mut summary = Summary::default();
        out.push('{');
        match self {
            Self::Set {
                pusher,
                append,
                warnings,
            } => {
                out.push_str(r#""ok":true,"action":"set","pusher":"#);
                let start = out.len();
                pusher.write_json(&mut out);
                summary.action = 1;
                summary.pusher = Some((start, out.len()));
                out.push_str(if *append {
                    r#","append":true"#
                } else {
                    r#","append":false"#
                });
                write_warnings(&mut out, warnings);
            }
            Self::Delete {
                app_id,
                pushkey,
                warnings,
            } => {
                out.push_str(r#""ok":true,"action":"delete","pusher":"#);
                let start = out.len();
                out.push_str(r#"{"kind":null,"app_id":"#);
                json::write_text(&mut out, app_id);
                out.push_str(r#","pushkey":"#);
                json::write_text(&mut out, pushkey);
                out.push('}');
                summary.action = 2;
                summary.pusher = Some((start, out.len()));
                write_warnings(&mut out, warnings);
            }
            Self::Rejected { errors, warnings } => {
                out.push_str(r#""ok":false"#);
                match errors.first() {
                    Some(first) => {
                        out.push_str(r#","errcode":""#);
                        out.push_str(first.errcode.as_str());
                        out.push_str(r#"","error":"#);
                        json::write_str(&mut out, &first.message);
                    }
                    None => out.push_str(r#","errcode":null,"error":null"#),
                }
                out.push_str(r#","errors":["#);
                for (i, problem) in errors.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_note(
                        &mut out,
                        r#"{"errcode":""#,
                        problem.errcode.as_str(),
                        &problem.path,
                        &problem.message,
                    );
                }
                out.push(']');
                write_warnings(&mut out, warnings);
            }
        }
        out.push('}');
        (out, summary)
    }
}

/// Writes `prefix` (`,"name":"`, after the closing quote of the string before it) and the
/// content of the string member's value, held as [`json::plain`] says, without its closing quote.
// The variant is the point: it says whether the string needs escapes.
#[allow(clippy::ptr_arg)]
#[inline(always)]
fn text_member(out: &mut String, prefix: &str, value: &Cow<'_, str>) {
    out.push_str(prefix);
    json::write_text_content(out, value);
}

/// Writes `,"warnings":[...]`. Natively inlined into its callers.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn write_warnings(out: &mut String, warnings: &[Warning]) {
    out.push_str(r#","warnings":["#);
    for (i, warning) in warnings.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_note(
            out,
            r#"{"code":""#,
            warning.code.as_str(),
            &warning.path,
            &warning.message,
        );
    }
    out.push(']');
}

/// Writes a problem or a warning: `opening` (`{"code":"` or `{"errcode":"`), its code (a wire
/// name, which needs no escape), then its path and message.
fn write_note(out: &mut String, opening: &str, code: &str, path: &str, message: &str) {
    out.push_str(opening);
    out.push_str(code);
    out.push_str(r#"","path":"#);
    json::write_str(out, path);
    out.push_str(r#","message":"#);
    json::write_str(out, message);
    out.push('}');
}

impl Pusher {
    /// The compact JSON of the pusher as docs/rules.md section 5 orders it: what a homeserver stores.
    #[must_use]
    pub fn to_json(&self) -> String {
        let draft = Draft::of(self);
        let mut out = String::with_capacity(draft.approximate_json_len());
        draft.write_json(&mut out);
        out
    }
}

/// The length of the compact JSON of warnings and problems, escapes aside.
fn notes_len<'a>(notes: impl Iterator<Item = (&'a str, &'a str)>) -> usize {
    notes
        .map(|(path, message)| 64 + path.len() + message.len())
        .sum()
}

impl Outcome {
    /// The compact JSON of the outcome, as [`Serialize`] gives it, written without serde.
    #[must_use]
    pub fn to_json(&self) -> String {
        Checked::of(self).to_json().0
    }

    /// The compact JSON of the outcome and the byte range of its `pusher` member's value
    /// (`None` for a rejection), so that a server can store the pusher text as it is.
    #[must_use]
    pub fn to_json_with_pusher_range(&self) -> (String, Option<Range<usize>>) {
        let (text, summary) = Checked::of(self).to_json();
        let range = summary.pusher.map(|(start, end)| start..end);
        (text, range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::WarningCode;

    fn pusher(profile_tag: Option<&str>) -> Pusher {
        Pusher {
            kind: PusherKind::Http,
            app_id: "org.example".into(),
            pushkey: "k\"\u{1}".into(),
            app_display_name: "App".into(),
            device_display_name: "Phone".into(),
            profile_tag: profile_tag.map(Into::into),
            lang: "en-US".into(),
            data: PusherData(vec![
                (
                    "url".into(),
                    Value::String("https://h/_matrix/push/v1/notify".into()),
                ),
                ("n".into(), Value::Number("1.50".into())),
            ]),
            enabled: None,
            device_id: None,
        }
    }

    fn warning() -> Warning {
        Warning {
            code: WarningCode::Normalized,
            path: "/lang".into(),
            message: "m".into(),
        }
    }

    #[test]
    fn writes_a_set_in_section_5_order() {
        let outcome = Outcome::Set {
            pusher: pusher(Some("t")),
            append: true,
            warnings: vec![warning()],
        };
        let (text, range) = outcome.to_json_with_pusher_range();
        let pusher_text = r#"{"kind":"http","app_id":"org.example","pushkey":"k\"\u0001","app_display_name":"App","device_display_name":"Phone","profile_tag":"t","lang":"en-US","data":{"url":"https://h/_matrix/push/v1/notify","n":1.50}}"#;
        assert_eq!(
            text,
            format!(
                r#"{{"ok":true,"action":"set","pusher":{pusher_text},"append":true,"warnings":[{{"code":"normalized","path":"/lang","message":"m"}}]}}"#
            )
        );
        assert_eq!(range.map(|r| &text[r]), Some(pusher_text));
    }

    #[test]
    fn writes_the_msc3881_members_after_data() {
        let mut p = pusher(None);
        p.enabled = Some(false);
        p.device_id = Some("DEV".into());
        let text = p.to_json();
        assert!(
            text.ends_with(r#""n":1.50},"org.matrix.msc3881.enabled":false,"org.matrix.msc3881.device_id":"DEV"}"#),
            "{text}"
        );
    }

    #[test]
    fn reads_each_kind_by_its_wire_name_alone() {
        for kind in PusherKind::ALL {
            assert_eq!(PusherKind::from_wire(kind.as_str()), Some(kind));
        }
        for name in [
            "",
            "HTTP",
            "web push",
            "webpush ",
            "org.matrix.msc4174.webpus",
        ] {
            assert_eq!(PusherKind::from_wire(name), None, "{name:?}");
        }
    }

    #[test]
    fn leaves_out_an_absent_profile_tag() {
        assert!(!pusher(None).to_json().contains("profile_tag"));
    }

    #[test]
    fn writes_a_delete_with_a_null_kind() {
        let outcome = Outcome::Delete {
            app_id: "a.b".into(),
            pushkey: "k".into(),
            warnings: Vec::new(),
        };
        let (text, range) = outcome.to_json_with_pusher_range();
        assert_eq!(
            text,
            r#"{"ok":true,"action":"delete","pusher":{"kind":null,"app_id":"a.b","pushkey":"k"},"warnings":[]}"#
        );
        assert_eq!(
            range.map(|r| &text[r]),
            Some(r#"{"kind":null,"app_id":"a.b","pushkey":"k"}"#)
        );
    }

    #[test]
    fn writes_a_rejection_led_by_its_first_problem() {
        let problem = |errcode, path: &str| Problem {
            errcode,
            path: path.into(),
            message: "bad".into(),
        };
        let outcome = Outcome::Rejected {
            errors: vec![
                problem(ErrorCode::BadJson, "/a"),
                problem(ErrorCode::MissingParam, "/b"),
            ],
            warnings: Vec::new(),
        };
        let (text, range) = outcome.to_json_with_pusher_range();
        assert_eq!(
            text,
            r#"{"ok":false,"errcode":"M_BAD_JSON","error":"bad","errors":[{"errcode":"M_BAD_JSON","path":"/a","message":"bad"},{"errcode":"M_MISSING_PARAM","path":"/b","message":"bad"}],"warnings":[]}"#
        );
        assert_eq!(range, None);
        assert_eq!(outcome.errcode(), Some(ErrorCode::BadJson));
    }
}
