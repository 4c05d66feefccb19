//! Options that loosen or tighten the rules (docs/rules.md section 6), and their one reader.
//!
//! Every face of the validator reads options here: Rust callers through [`Options::from_json`],
//! [`Options::from_value`] or serde, and the npm package, which hands the caller's options over
//! as JSON text. The defaults are written once, in [`Options::default`].

use serde::{Deserialize, Deserializer};

use crate::json::{self, Val, Value};
use crate::model::PusherKind;
use crate::url::AllowedHost;

/// Validation options. `Options::default()` is the strict production setting.
///
/// Reads from the camelCase names (`allowHttp`, `maxBodyBytes`, ...) of docs/rules.md section
/// 6; an unknown name or a value of the wrong kind is an [`OptionError`], never a silent
/// default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Which kinds a set request may use. Default: `http` and `email`. [`PusherKind::WebPush`]
    /// allows both spellings of Web Push.
    pub kinds: Vec<PusherKind>,
    /// Accept `http://` gateway URLs (test setups). Default: `false`.
    pub allow_http: bool,
    /// Accept loopback and private gateway hosts (test setups). Default: `false`.
    pub allow_private_hosts: bool,
    /// The operator's own private gateways, accepted although rule 5 refuses them: host names
    /// and addresses or CIDR ranges. Default: none.
    pub allowed_private_hosts: Vec<AllowedHost>,
    /// Accept a gateway path other than `/_matrix/push/v1/notify`. Default: `false`.
    pub allow_any_path: bool,
    /// Larger bodies get `M_TOO_LARGE`. Default: 65536.
    pub max_body_bytes: usize,
    /// Deeper nesting gets `M_BAD_JSON`; the body object itself is depth 1. Default: 16.
    ///
    /// NOTE: nesting past [`MAX_NESTING`](crate::json::MAX_NESTING) (512) is refused whatever
    /// this says, so that no input can exhaust the stack.
    pub max_depth: usize,
    /// A larger `data` object (serialized compactly) gets `M_INVALID_PARAM`. Default: 4096.
    pub max_data_bytes: usize,
    /// Longer display names (in characters) get `M_INVALID_PARAM`. Default: 256.
    pub max_display_name_chars: usize,
    /// Longer gateway URLs (in characters) get `M_INVALID_PARAM`. Default: 2048.
    pub max_url_chars: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            kinds: vec![PusherKind::Http, PusherKind::Email],
            allow_http: false,
            allow_private_hosts: false,
            allowed_private_hosts: Vec::new(),
            allow_any_path: false,
            max_body_bytes: 65_536,
            max_depth: 16,
            max_data_bytes: 4_096,
            max_display_name_chars: 256,
            max_url_chars: 2_048,
        }
    }
}

/// Why options were refused: the option's name and a sentence that names it too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionError {
    /// The camelCase name of the option (`""` when the options as a whole are not an object).
    pub option: String,
    /// A short lowercase sentence, starting with `options` and the option's name.
    pub message: String,
}

impl std::fmt::Display for OptionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OptionError {}

/// What an unknown name is told (docs/rules.md section 6 lists the options).
const UNKNOWN: &str = " is not an option";

/// The largest limit read: the largest integer a JavaScript number holds exactly.
const MAX_LIMIT: u64 = (1 << 53) - 1;

impl Options {
    /// Reads options from JSON text: an object of camelCase names (`{}` or an empty text for
    /// the defaults). Names left out take their defaults.
    ///
    /// # Errors
    /// An [`OptionError`] for text that is not a JSON object, an unknown or repeated name, or a
    /// value the option does not take.
    pub fn from_json(text: &[u8]) -> Result<Self, OptionError> {
        if text.is_empty() {
            return Ok(Self::default());
        }
        // Read in place: no owned tree of the options is built.
        match json::parse_in_place(text, json::MAX_NESTING) {
            // The parser refuses repeated names itself.
            Ok(value) => Self::from_members(&value),
            Err(json::ParseError::Duplicates(paths)) => Err(repeated(&paths)),
            Err(_) => Err(error("", " must be a json object")),
        }
    }

    /// Reads options from a parsed JSON object, as [`Options::from_json`] does.
    ///
    /// # Errors
    /// An [`OptionError`], as for [`Options::from_json`].
    pub fn from_value(value: &Value) -> Result<Self, OptionError> {
        // A value built by hand can repeat a name, which JSON text read by `from_json` cannot.
        if let Value::Object(members) = value {
            for (i, (name, _)) in members.iter().enumerate() {
                if members.iter().take(i).any(|(earlier, _)| earlier == name) {
                    return Err(error(name, " is given twice"));
                }
            }
        }
        // Viewed in place for the readers, which recurse no deeper than a member's items; the
        // view itself recurses, so a value nested past what JSON text may hold is refused as
        // such text is.
        if json::check_tree(value, json::MAX_NESTING).is_err() {
            return Err(error("", " must be a json object"));
        }
        Self::from_members(&Val::of(value))
    }

    /// Reads the members of an object without repeated names.
    fn from_members(value: &Val<'_>) -> Result<Self, OptionError> {
        let Val::Object(members, _) = value else {
            return Err(error("", " must be an object"));
        };
        let mut options = Self::default();
        for (name, value) in members {
            options.read(name, value)?;
        }
        Ok(options)
    }

    /// Reads one option into `self`.
    #[inline(never)]
    fn read(&mut self, name: &str, value: &Val<'_>) -> Result<(), OptionError> {
        const NAMES: [&str; 10] = [
            "allowHttp",
            "allowPrivateHosts",
            "allowAnyPath",
            "maxBodyBytes",
            "maxDepth",
            "maxDataBytes",
            "maxDisplayNameChars",
            "maxUrlChars",
            "kinds",
            "allowedPrivateHosts",
        ];
        let Some(i) = NAMES.iter().position(|n| *n == name) else {
            return Err(error(name, UNKNOWN));
        };
        if i < 3 {
            let flag = boolean(name, value)?;
            match i {
                0 => self.allow_http = flag,
                1 => self.allow_private_hosts = flag,
                _ => self.allow_any_path = flag,
            }
        } else if i < 8 {
            let limit = limit(name, value)?;
            match i {
                3 => self.max_body_bytes = limit,
                4 => self.max_depth = limit,
                5 => self.max_data_bytes = limit,
                6 => self.max_display_name_chars = limit,
                _ => self.max_url_chars = limit,
            }
        } else if i == 8 {
            self.kinds = kinds(value)?;
        } else {
            self.allowed_private_hosts = allowed_hosts(value)?;
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Options {
    /// Reads through [`Options::from_value`], so serde callers get the same checks.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_value(&value).map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// `options.<name><rest>`.
#[cold]
#[inline(never)]
fn error(name: &str, rest: &str) -> OptionError {
    let dot = if name.is_empty() { "" } else { "." };
    OptionError {
        option: name.to_owned(),
        message: joined(&["options", dot, name, rest]),
    }
}

/// The parts one after another (as `concat` would, without its overflow check and the panic
/// formatting it brings into the WebAssembly module).
pub(crate) fn joined(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// The error for the first repeated name (a pointer to a top-level member: `/` and the name).
#[cold]
#[inline(never)]
fn repeated(paths: &[String]) -> OptionError {
    let name = paths.first().and_then(|p| p.get(1..)).unwrap_or("");
    error(name, " is given twice")
}

#[inline(never)]
fn boolean(name: &str, value: &Val<'_>) -> Result<bool, OptionError> {
    match value {
        Val::Bool(b) => Ok(*b),
        _ => Err(error(name, " must be a boolean")),
    }
}

/// A non-negative integer written without fraction or exponent, at most 2⁵³ − 1.
#[inline(never)]
fn limit(name: &str, value: &Val<'_>) -> Result<usize, OptionError> {
    if let Val::Number(text) = value {
        let digits = text.as_bytes();
        if digits.len() <= 16 && digits.iter().all(u8::is_ascii_digit) {
            let n = digits
                .iter()
                .fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
            if n <= MAX_LIMIT {
                return Ok(usize::try_from(n).unwrap_or(usize::MAX));
            }
        }
    }
    Err(error(
        name,
        " must be an integer from 0 to 9007199254740991",
    ))
}

#[inline(never)]
fn kinds(value: &Val<'_>) -> Result<Vec<PusherKind>, OptionError> {
    let Val::Array(items) = value else {
        return Err(bad_kinds());
    };
    let mut kinds = Vec::with_capacity(3);
    for item in items {
        // The option names the stable spellings; `webpush` allows the unstable one too.
        let kind = match item.as_str().and_then(PusherKind::from_wire) {
            Some(kind) if kind != PusherKind::WebPushUnstable => kind,
            _ => return Err(bad_kinds()),
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    Ok(kinds)
}

#[cold]
#[inline(never)]
fn bad_kinds() -> OptionError {
    error(
        "kinds",
        r#" must be an array of "http", "email" and "webpush""#,
    )
}

#[inline(never)]
fn allowed_hosts(value: &Val<'_>) -> Result<Vec<AllowedHost>, OptionError> {
    const NAME: &str = "allowedPrivateHosts";
    const STRINGS: &str = " must be an array of strings";
    let Val::Array(items) = value else {
        return Err(error(NAME, STRINGS));
    };
    let mut hosts = Vec::with_capacity(items.len());
    for item in items {
        let Val::Str(entry) = item else {
            return Err(error(NAME, STRINGS));
        };
        match AllowedHost::parse(entry) {
            Ok(host) => hosts.push(host),
            Err(why) => {
                let mut quoted = String::new();
                json::write_str(&mut quoted, entry);
                return Err(error(NAME, &joined(&[": ", &quoted, " ", why])));
            }
        }
    }
    Ok(hosts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> OptionError {
        match Options::from_json(text.as_bytes()) {
            Err(e) => e,
            Ok(o) => panic!("{text} was read as {o:?}"),
        }
    }

    #[test]
    fn reads_the_defaults_from_nothing() {
        assert_eq!(Options::from_json(b""), Ok(Options::default()));
        assert_eq!(Options::from_json(b"{}"), Ok(Options::default()));
    }

    #[test]
    fn names_the_option_in_every_error() {
        let e = refused(r#"{"allowHttp":"yes"}"#);
        assert_eq!(e.option, "allowHttp");
        assert_eq!(e.message, "options.allowHttp must be a boolean");
        let e = refused(r#"{"allowedPrivateHosts":["ntfy.lan","*.lan"]}"#);
        assert_eq!(e.option, "allowedPrivateHosts");
        assert!(
            e.message
                .starts_with(r#"options.allowedPrivateHosts: "*.lan" is not"#),
            "{}",
            e.message
        );
        assert_eq!(refused(r#"{"maxDepth":1.5}"#).option, "maxDepth");
        assert_eq!(refused(r#"{"maxDepth":-1}"#).option, "maxDepth");
        assert_eq!(
            refused(r#"{"maxDepth":9007199254740992}"#).option,
            "maxDepth"
        );
        assert_eq!(refused(r#"{"kinds":["sms"]}"#).option, "kinds");
        assert_eq!(refused(r#"{"kinds":"http"}"#).option, "kinds");
        assert_eq!(refused(r#"{"allowHtp":true}"#).option, "allowHtp");
        assert_eq!(
            refused(r#"{"allowHttp":true,"allowHttp":true}"#).option,
            "allowHttp"
        );
        assert_eq!(refused("[]").option, "");
        assert_eq!(refused("{").option, "");
    }

    #[test]
    fn reads_every_option() {
        let options = Options::from_json(
            br#"{"kinds":["webpush","http","webpush"],"allowHttp":true,"allowPrivateHosts":true,
            "allowedPrivateHosts":["ntfy.lan","10.0.0.0/8","fd00::/8"],"allowAnyPath":true,
            "maxBodyBytes":1,"maxDepth":2,"maxDataBytes":3,"maxDisplayNameChars":4,"maxUrlChars":9007199254740991}"#,
        );
        let Ok(options) = options else {
            panic!("{options:?}")
        };
        assert_eq!(options.kinds, vec![PusherKind::WebPush, PusherKind::Http]);
        assert!(options.allow_http && options.allow_private_hosts && options.allow_any_path);
        assert_eq!(options.allowed_private_hosts.len(), 3);
        assert_eq!(
            [
                options.max_body_bytes,
                options.max_depth,
                options.max_data_bytes,
                options.max_display_name_chars
            ],
            [1, 2, 3, 4]
        );
    }

    #[test]
    fn refuses_bad_allowlist_entries() {
        for entry in [
            "",
            "*.lan",
            "127.1",
            "0x7f.0.0.1",
            "host.0x1f",
            "010.0.0.1",
            "10.0.0.0/33",
            "10.0.0.1/8",
            "10.0.0.0/08",
            "10.0.0.0/",
            "fd00::/129",
            "[fd00::1]",
            "fe80::1%eth0",
            "a..b",
            "-a.lan",
            "ntfy lan",
            "1.2.3.4.5",
            "::1/",
            "http://ntfy.lan",
        ] {
            assert!(AllowedHost::parse(entry).is_err(), "{entry:?}");
        }
        for entry in [
            "ntfy.lan",
            "NTFY.Lan.",
            "localhost",
            "192.168.1.20",
            "192.168.1.0/24",
            "0.0.0.0/0",
            "fd12:3456::/48",
            "::1",
            "::ffff:192.168.1.0/120",
            "xn--bcher-kva.lan",
        ] {
            assert!(AllowedHost::parse(entry).is_ok(), "{entry:?}");
        }
    }
}
