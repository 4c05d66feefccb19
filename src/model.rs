//! The pusher model and the outcome of validation (RULES.md section 5).

use serde::{Deserialize, Serialize};

use crate::json::Value;
use crate::problem::{ErrorCode, Problem, Warning};

/// The kind of a pusher (`kind` in the request). `null` is not a kind: it asks for a delete.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PusherKind {
    /// `"http"`: pushes go through a push gateway at `data.url`.
    Http,
    /// `"email"`: notifications are mailed to the address in `pushkey`.
    Email,
}

impl PusherKind {
    /// The wire name, `"http"` or `"email"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Email => "email",
        }
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
    /// `http` or `email`.
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
}

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
            Self::Set { warnings, .. } | Self::Delete { warnings, .. } | Self::Rejected { warnings, .. } => {
                warnings
            }
        }
    }
}
