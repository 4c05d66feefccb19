//! JSON, owned end to end: a parser that reports duplicate members, depth, `NaN`, lone
//! surrogates and trailing garbage precisely, and a compact writer.

/// A JSON value that keeps object member order and the exact text of numbers.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, kept as its JSON text (`1e400` and `12345678901234567890` stay exact).
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, members in document order.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The string, when this is a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }
}
