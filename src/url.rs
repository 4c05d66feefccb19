//! The gateway URL check (RULES.md section 4).

use crate::options::Options;

/// Why a gateway URL is refused: always `M_INVALID_PARAM` at `/data/url`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UrlError(pub &'static str);

/// Checks a gateway URL and returns its normalized form (scheme and host in lowercase, the
/// default port removed, IPv6 in canonical form; nothing else changes).
///
/// # Errors
/// A [`UrlError`] with a short lowercase sentence when a rule of RULES.md section 4 refuses it.
pub fn check_gateway_url(url: &str, options: &Options) -> Result<String, UrlError> {
    let _ = (url, options);
    Err(UrlError("not implemented yet"))
}
