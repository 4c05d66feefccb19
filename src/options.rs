//! Options that loosen or tighten the rules (RULES.md section 6).

use serde::Deserialize;

use crate::model::PusherKind;

/// Validation options. `Options::default()` is the strict production setting.
///
/// Deserializes from the camelCase names (`allowHttp`, `maxBodyBytes`, ...); unknown names are
/// an error, so a typo never silently loosens nothing.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Options {
    /// Which kinds a set request may use. Default: `http` and `email`.
    pub kinds: Vec<PusherKind>,
    /// Accept `http://` gateway URLs (test setups). Default: `false`.
    pub allow_http: bool,
    /// Accept loopback and private gateway hosts (test setups). Default: `false`.
    pub allow_private_hosts: bool,
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
            allow_any_path: false,
            max_body_bytes: 65_536,
            max_depth: 16,
            max_data_bytes: 4_096,
            max_display_name_chars: 256,
            max_url_chars: 2_048,
        }
    }
}
