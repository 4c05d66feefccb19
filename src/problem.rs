//! Problems (why a request is rejected) and warnings (what was changed or looks odd).

use serde::{Serialize, Serializer};

/// A Matrix error code, as sent in the `errcode` member of an error response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `M_TOO_LARGE` (HTTP 413): the body is longer than `maxBodyBytes`.
    TooLarge,
    /// `M_NOT_JSON` (HTTP 400): not UTF-8, not JSON, a byte-order mark, `NaN`, trailing garbage,
    /// or a lone surrogate escape.
    NotJson,
    /// `M_BAD_JSON` (HTTP 400): JSON, but not an object; a duplicate member name; a member of the
    /// wrong JSON type; nesting deeper than `maxDepth`.
    BadJson,
    /// `M_MISSING_PARAM` (HTTP 400): a required member is absent, or `null` where a value is
    /// required.
    MissingParam,
    /// `M_INVALID_PARAM` (HTTP 400): the right type, but a value the rules refuse.
    InvalidParam,
}

impl ErrorCode {
    /// Every code, in the order of docs/rules.md section 1.
    pub const ALL: [Self; 5] = [
        Self::TooLarge,
        Self::NotJson,
        Self::BadJson,
        Self::MissingParam,
        Self::InvalidParam,
    ];

    /// The code whose wire name this is (`"M_BAD_JSON"`), if any.
    #[must_use]
    pub fn from_wire(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|code| code.as_str() == name)
    }

    /// The wire name, such as `"M_BAD_JSON"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TooLarge => "M_TOO_LARGE",
            Self::NotJson => "M_NOT_JSON",
            Self::BadJson => "M_BAD_JSON",
            Self::MissingParam => "M_MISSING_PARAM",
            Self::InvalidParam => "M_INVALID_PARAM",
        }
    }

    /// The HTTP status a server answers with for this code.
    #[must_use]
    pub const fn http_status(self) -> u16 {
        match self {
            Self::TooLarge => 413,
            _ => 400,
        }
    }
}

/// One reason a request is rejected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The Matrix error code.
    pub errcode: ErrorCode,
    /// An RFC 6901 JSON Pointer to the offending member (`""` for the whole body).
    pub path: String,
    /// A short lowercase English sentence, without the member's name.
    pub message: String,
}

/// The kind of a [`Warning`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningCode {
    /// A value was changed into its canonical form (`lang` case, URL host case, default port).
    Normalized,
    /// A member was dropped or overridden.
    Ignored,
    /// A member of the early form of the API was read as its current name.
    Legacy,
    /// A value is accepted but unusual (an empty display name, an `app_id` without a dot).
    Unusual,
}

impl WarningCode {
    /// The wire name, such as `"normalized"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Normalized => "normalized",
            Self::Ignored => "ignored",
            Self::Legacy => "legacy",
            Self::Unusual => "unusual",
        }
    }
}

/// Something accepted but worth telling the client about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// What kind of warning this is.
    pub code: WarningCode,
    /// An RFC 6901 JSON Pointer to the member concerned.
    pub path: String,
    /// A short lowercase English sentence.
    pub message: String,
}

// The wire names are written once, in `as_str`; serde writes them from there.
impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl Serialize for WarningCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}
