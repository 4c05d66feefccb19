//! The gateway URL check (docs/rules.md section 4).
//!
//! The WHATWG URL parser (what browsers and Node's `URL` do) is the reference: a URL accepted
//! here parses, under WHATWG, to exactly the string returned, and a URL that WHATWG would read
//! differently from its text (a numeric host shorthand, a dot segment, a character it would
//! percent-encode, an empty port, ...) is refused rather than rewritten. The check makes one
//! pass over the bytes, allocates only the returned string, and needs no Unicode tables.

use std::borrow::Cow;

use crate::ascii;
use crate::options::Options;

/// Why a gateway URL is refused: always `M_INVALID_PARAM` at `/data/url`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UrlError(pub &'static str);

/// The one path a gateway URL may have unless `allowAnyPath` (docs/rules.md section 4, rule 7).
const NOTIFY_PATH: &str = "/_matrix/push/v1/notify";

/// Checks a gateway URL and returns its normalized form (scheme and host in lowercase, the
/// default port removed, IPv6 in canonical form; nothing else changes).
///
/// # Errors
/// A [`UrlError`] with a short lowercase sentence when a rule of docs/rules.md section 4
/// refuses it.
pub fn check_gateway_url(url: &str, options: &Options) -> Result<String, UrlError> {
    check_url(url, options, options.allow_any_path).map(Cow::into_owned)
}

/// Checks the push service URL of a Web Push pusher (`data.url`, docs/rules.md section 3, rule
/// W): every rule of section 4 but the path rule (7), since the path is the push service's own
/// resource. Returns the normalized form, as [`check_gateway_url`] does.
///
/// # Errors
/// A [`UrlError`] when a rule of docs/rules.md section 4 other than rule 7 refuses it.
pub fn check_web_push_url(url: &str, options: &Options) -> Result<String, UrlError> {
    check_url(url, options, true).map(Cow::into_owned)
}

/// [`check_gateway_url`] (`any_path` from the options) or [`check_web_push_url`] (`any_path`
/// true): the URL itself, borrowed, when its normalized form is the same text.
pub(crate) fn check_url<'u>(
    url: &'u str,
    options: &Options,
    any_path: bool,
) -> Result<Cow<'u, str>, UrlError> {
    // Rule 1. Counting characters only matters for non-ASCII input, which is refused next.
    if url.len() > options.max_url_chars && ascii::char_count(url) > options.max_url_chars {
        return Err(UrlError("url is too long"));
    }
    // The shape of nearly every gateway URL, `https://` a plain name and the notify path, passes
    // every rule below unchanged but the host's rule 5.
    if !any_path
        && let Some(name) = url
            .strip_prefix("https://")
            .and_then(|rest| rest.strip_suffix(NOTIFY_PATH))
        && is_plain_name(name.as_bytes())
    {
        check_public_host(&Host::Name(name), options)?;
        return Ok(Cow::Borrowed(url));
    }
    check_characters(url)?;

    // Rule 2.
    let Some((scheme, after_colon)) = url.split_once(':') else {
        return Err(UrlError("url must be absolute, starting with https://"));
    };
    let https = scheme.eq_ignore_ascii_case("https");
    let http = scheme.eq_ignore_ascii_case("http");
    if !(https || (http && options.allow_http)) {
        return Err(UrlError(if options.allow_http {
            "scheme must be https or http"
        } else {
            "scheme must be https"
        }));
    }
    let Some(after_scheme) = after_colon.strip_prefix("//") else {
        return Err(UrlError("scheme must be followed by ://"));
    };

    // Rule 3.
    if after_scheme.bytes().any(|b| b == b'#') {
        return Err(UrlError("url must not have a fragment"));
    }
    let authority_end = after_scheme
        .bytes()
        .position(|b| b == b'/' || b == b'?')
        .unwrap_or(after_scheme.len());
    let (authority, path_and_query) = after_scheme
        .split_at_checked(authority_end)
        .unwrap_or((after_scheme, ""));
    if authority.bytes().any(|b| b == b'@') {
        return Err(UrlError("url must not contain a user name or password"));
    }

    // Rules 4 and 5.
    let (host, port) = split_host_port(authority)?;
    let host = parse_host(host)?;
    check_public_host(&host, options)?;

    // Rule 6.
    let port = match port {
        None => None,
        Some(p) => check_port(p)?,
    };
    let default_port = if https { "443" } else { "80" };
    let written_port = port.filter(|&p| p != default_port);

    // Rules 7 and 8.
    let (path, query) = match path_and_query.bytes().position(|b| b == b'?') {
        Some(q) => path_and_query
            .split_at_checked(q)
            .unwrap_or((path_and_query, "")),
        None => (path_and_query, ""),
    };
    if any_path {
        check_any_path(path)?;
    } else if path != NOTIFY_PATH {
        return Err(UrlError("path must be /_matrix/push/v1/notify"));
    }
    check_query(query)?;

    // Only the scheme, the host and a default port can change.
    let unchanged = matches!(scheme.as_bytes(), b"https" | b"http")
        && written_port.is_some() == port.is_some()
        && host.is_written_as_sent();
    if unchanged {
        return Ok(Cow::Borrowed(url));
    }
    let mut out = String::with_capacity(url.len() + 8);
    out.push_str(if https { "https://" } else { "http://" });
    host.write(&mut out);
    if let Some(p) = written_port {
        out.push(':');
        out.push_str(p);
    }
    out.push_str(path_and_query);
    Ok(Cow::Owned(out))
}

/// Rule 5, unless the options allow the host.
#[inline(never)]
fn check_public_host(host: &Host<'_>, options: &Options) -> Result<(), UrlError> {
    if !options.allow_private_hosts {
        if let Err(error) = host.check_public() {
            if !host.is_allowed(&options.allowed_private_hosts) {
                return Err(error);
            }
        }
    }
    Ok(())
}

/// The rules on single characters, in the order they are told: rule 1's ASCII, and what
/// WHATWG would strip or read otherwise.
#[inline(never)]
fn check_characters(url: &str) -> Result<(), UrlError> {
    if !url.is_ascii() {
        return Err(UrlError(
            "url must be ascii (a non-ascii host must be sent as punycode)",
        ));
    }
    let bytes = url.as_bytes();
    // WHATWG silently strips leading and trailing spaces and controls and drops tabs and
    // newlines anywhere: refusing them keeps our reading and the parser's the same.
    if bytes.iter().any(|&b| b <= b' ' || b == 0x7f) {
        return Err(UrlError(
            "url must not contain spaces or control characters",
        ));
    }
    // WHATWG reads `\` as `/` in special URLs.
    if bytes.contains(&b'\\') {
        return Err(UrlError("url must not contain a backslash"));
    }
    Ok(())
}

/// Splits the authority (userinfo already refused) into the host and the text after `:`.
fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), UrlError> {
    if authority.is_empty() {
        return Err(UrlError("host is missing"));
    }
    let (host, rest) = if authority.starts_with('[') {
        let Some(close) = authority.bytes().position(|b| b == b']') else {
            return Err(UrlError("ipv6 address must end with ]"));
        };
        authority
            .split_at_checked(close + 1)
            .unwrap_or((authority, ""))
    } else {
        authority
            .split_at_checked(
                authority
                    .bytes()
                    .position(|b| b == b':')
                    .unwrap_or(authority.len()),
            )
            .unwrap_or((authority, ""))
    };
    match rest.strip_prefix(':') {
        Some(port) => Ok((host, Some(port))),
        None if rest.is_empty() => Ok((host, None)),
        None => Err(UrlError(
            "ipv6 address must be followed by a port or a path",
        )),
    }
}

/// Checks a port (the text after `:`) and returns it, or `None` when it is empty.
#[inline(never)]
fn check_port(port: &str) -> Result<Option<&str>, UrlError> {
    // WHATWG reads `host:` as no port and `:0443` as 443: both would change the text.
    if port.is_empty() {
        return Err(UrlError("port must not be empty"));
    }
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(UrlError("port must be a number"));
    }
    if port.starts_with('0') && port.len() > 1 {
        return Err(UrlError("port must not have leading zeros"));
    }
    let value = if port.len() > 5 {
        u32::MAX
    } else {
        port.bytes().fold(0u32, |v, b| v * 10 + u32::from(b - b'0'))
    };
    if value == 0 || value > 65_535 {
        return Err(UrlError("port must be between 1 and 65535"));
    }
    Ok(Some(port))
}

/// A host as WHATWG will read it.
#[derive(Debug, PartialEq, Eq)]
enum Host<'a> {
    /// A DNS name as sent (any case, maybe a trailing dot).
    Name(&'a str),
    /// A dotted-quad IPv4 address, as sent (it is already canonical).
    V4(&'a str, u32),
    /// An IPv6 address, written back in canonical form.
    V6([u16; 8]),
}

impl Host<'_> {
    /// Whether an entry of `allowedPrivateHosts` names this host (docs/rules.md section 4, rule
    /// 5): a name entry matches the same name (case and one trailing dot aside), an address or
    /// range entry matches an address inside it. An IPv4 address and its IPv4-mapped IPv6 form
    /// (`::ffff:a.b.c.d`) are one address here, as everywhere in rule 5.
    #[cold]
    #[inline(never)]
    fn is_allowed(&self, allowed: &[AllowedHost]) -> bool {
        match *self {
            Self::Name(name) => {
                let name = name.strip_suffix('.').unwrap_or(name);
                allowed.iter().any(|entry| match &entry.0 {
                    Allowed::Name(n) => n.eq_ignore_ascii_case(name),
                    Allowed::Net(..) => false,
                })
            }
            Self::V4(_, addr) => net_allows(allowed, mapped(addr)),
            Self::V6(pieces) => net_allows(allowed, ipv6_value(pieces)),
        }
    }

    /// docs/rules.md section 4, rule 5.
    fn check_public(&self) -> Result<(), UrlError> {
        let blocked = match *self {
            Self::Name(name) => return check_public_name(name),
            Self::V4(_, addr) => ipv4_is_blocked(addr),
            Self::V6(pieces) => ipv6_is_blocked(pieces),
        };
        if blocked {
            Err(UrlError("host is a private or reserved address"))
        } else {
            Ok(())
        }
    }

    /// Whether [`Host::write`] writes the host as it was sent: a name in lowercase, or an IPv4
    /// address.
    fn is_written_as_sent(&self) -> bool {
        match *self {
            Self::Name(name) => !name.bytes().any(|b| b.is_ascii_uppercase()),
            Self::V4(..) => true,
            Self::V6(_) => false,
        }
    }

    fn write(&self, out: &mut String) {
        match *self {
            Self::Name(name) => {
                let start = out.len();
                out.push_str(name);
                if let Some(written) = out.get_mut(start..) {
                    written.make_ascii_lowercase();
                }
            }
            Self::V4(text, _) => out.push_str(text),
            Self::V6(pieces) => {
                out.push('[');
                write_ipv6(pieces, out);
                out.push(']');
            }
        }
    }
}

#[inline(never)]
fn parse_host(host: &str) -> Result<Host<'_>, UrlError> {
    if let Some(inner) = host.strip_prefix('[') {
        // `split_host_port` cut the host just after the first `]`.
        let inner = inner.strip_suffix(']').unwrap_or(inner);
        if inner.bytes().any(|b| b == b'%') {
            return Err(UrlError("ipv6 address must not have a zone"));
        }
        return parse_ipv6(inner)
            .map(Host::V6)
            .ok_or(UrlError("ipv6 address is malformed"));
    }
    if host.is_empty() {
        return Err(UrlError("host is missing"));
    }
    if let Some(b) = host
        .bytes()
        .find(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'.'))
    {
        return Err(UrlError(match b {
            b'%' => "host must not be percent-encoded",
            b'[' | b']' => "ipv6 address must be the whole host, in brackets",
            _ => "host must contain only letters, digits, dots and hyphens",
        }));
    }
    let (name, trailing_dot) = match host.strip_suffix('.') {
        Some(name) => (name, true),
        None => (host, false),
    };
    let name = name.as_bytes();
    let last = name.rsplit(|&b| b == b'.').next().unwrap_or(name);
    if is_whatwg_number(last) {
        // WHATWG reads any host whose last label is a number as an IPv4 address, in any of its
        // historical shorthands (`127.1`, `0x7f.1`, `0177.0.0.1`, `2130706433`): only the plain
        // dotted quad reads the same as its text.
        if trailing_dot {
            return Err(UrlError("ipv4 address must not end with a dot"));
        }
        return parse_dotted_quad(name)
            .map(|a| Host::V4(host, a))
            .ok_or(UrlError(
                "host must be a dns name or a dotted-quad ipv4 address",
            ));
    }
    check_dns_name(name)?;
    Ok(Host::Name(host))
}

/// Whether `host` is a name that every check below passes as it is, and that is written as it
/// was sent: at most 253 bytes, in labels of at most 63 lowercase letters, digits and hyphens
/// that start with a letter, end with a letter or a digit and have no hyphen in their third and
/// fourth places (where `xn--` has), without a trailing dot. Its last label, starting with a
/// letter, cannot be read by WHATWG as a number. Most hosts are such a name; the others take the
/// long way.
#[inline(never)]
fn is_plain_name(host: &[u8]) -> bool {
    // The length of the label read so far, and the byte before this one (`.` at a label's start).
    let (mut label, mut previous) = (0, b'.');
    for &b in host {
        match b {
            b'a'..=b'z' => {}
            b'0'..=b'9' | b'-' if label > 0 => {}
            b'.' if label > 0 && previous != b'-' => {
                label = 0;
                previous = b;
                continue;
            }
            _ => return false,
        }
        if (label == 3 && b == b'-' && previous == b'-') || label == 63 {
            return false;
        }
        label += 1;
        previous = b;
    }
    host.len() <= 253 && label > 0 && previous != b'-'
}

/// Whether WHATWG's "ends in a number" reads this last label as an IPv4 number: all decimal
/// digits (octal when it starts with 0), or `0x` followed by hex digits (possibly none).
fn is_whatwg_number(b: &[u8]) -> bool {
    if !b.is_empty() && b.iter().all(u8::is_ascii_digit) {
        return true;
    }
    b.len() >= 2
        && b[0] == b'0'
        && (b[1] | 0x20) == b'x'
        && b[2..].iter().all(u8::is_ascii_hexdigit)
}

/// Four decimal parts 0-255 without leading zeros.
#[inline(never)]
fn parse_dotted_quad(text: &[u8]) -> Option<u32> {
    let mut addr = 0u32;
    let mut parts = 0;
    for part in text.split(|&b| b == b'.') {
        parts += 1;
        if parts > 4 || part.is_empty() || part.len() > 3 || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        if part.len() > 1 && part[0] == b'0' {
            return None;
        }
        let value = part.iter().fold(0u32, |v, &b| v * 10 + u32::from(b - b'0'));
        if value > 255 {
            return None;
        }
        addr = addr << 8 | value;
    }
    (parts == 4).then_some(addr)
}

/// A DNS name without its optional trailing dot, of letters, digits, `-` and `.` only.
fn check_dns_name(name: &[u8]) -> Result<(), UrlError> {
    if name.len() > 253 {
        return Err(UrlError("host name must be at most 253 characters"));
    }
    for label in name.split(|&b| b == b'.') {
        if label.is_empty() {
            return Err(UrlError("host name must not have an empty label"));
        }
        if label.len() > 63 {
            return Err(UrlError("host name labels must be at most 63 characters"));
        }
        if label[0] == b'-' || label[label.len() - 1] == b'-' {
            return Err(UrlError(
                "host name labels must not start or end with a hyphen",
            ));
        }
        if label.len() >= 4 && label[..4].eq_ignore_ascii_case(b"xn--") {
            check_punycode(&label[4..])?;
        }
    }
    Ok(())
}

fn check_public_name(host: &str) -> Result<(), UrlError> {
    let name = host.strip_suffix('.').unwrap_or(host).as_bytes();
    let is = |suffix: &str| name.eq_ignore_ascii_case(suffix.as_bytes());
    let ends = |suffix: &str| {
        name.len() > suffix.len() && {
            let (head, tail) = name.split_at(name.len() - suffix.len());
            head.ends_with(b".") && tail.eq_ignore_ascii_case(suffix.as_bytes())
        }
    };
    // NOTE: the special-use domains themselves (`local`, `internal`, `home.arpa`) are refused
    // along with their subdomains, as `localhost` and `localdomain` are; `localhost.localdomain`
    // is a subdomain of `localdomain`.
    if ["localhost", "local", "internal", "home.arpa", "localdomain"]
        .iter()
        .any(|s| is(s) || ends(s))
    {
        Err(UrlError("host is a private name"))
    } else {
        Ok(())
    }
}

/// Checks the part of an `xn--` label after the prefix: WHATWG decodes it (RFC 3492) and fails
/// the whole URL when it is not valid punycode or decodes to a label IDNA does not allow.
///
/// Without Unicode tables the second half cannot be decided in general, so only labels made of
/// letters from a few scripts whose IDNA status is simple are accepted (see [`idna_letter`]).
#[cold]
#[inline(never)]
fn check_punycode(rest: &[u8]) -> Result<(), UrlError> {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    const INVALID: UrlError = UrlError("host name has an xn-- label that is not valid punycode");
    const UNSUPPORTED: UrlError =
        UrlError("host name has an xn-- label with characters this check does not accept");

    // A decoded label may not itself begin with `xn--`.
    if rest.len() >= 4 && rest[..4].eq_ignore_ascii_case(b"xn--") {
        return Err(INVALID);
    }
    // RFC 3492 section 6.2: the basic code points are those before the last delimiter, if any
    // precede it.
    let (basic_len, mut digits) = match rest.iter().rposition(|&b| b == b'-') {
        Some(p) if p > 0 => (p, &rest[p + 1..]),
        _ => (0, rest),
    };
    // All-ASCII results (`xn--abc-`) would be written back without the prefix.
    if digits.is_empty() {
        return Err(INVALID);
    }
    let mut len = u32::try_from(basic_len).map_err(|_| INVALID)?;
    let (mut n, mut i, mut bias) = (128u32, 0u32, 72u32);
    while !digits.is_empty() {
        let old_i = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let (&c, tail) = digits.split_first().ok_or(INVALID)?;
            digits = tail;
            let digit = match c {
                b'a'..=b'z' => c - b'a',
                b'A'..=b'Z' => c - b'A',
                b'0'..=b'9' => c - b'0' + 26,
                _ => return Err(INVALID),
            };
            let digit = u32::from(digit);
            i = digit
                .checked_mul(w)
                .and_then(|d| i.checked_add(d))
                .ok_or(INVALID)?;
            let t = if k <= bias {
                T_MIN
            } else if k >= bias + T_MAX {
                T_MAX
            } else {
                k - bias
            };
            if digit < t {
                break;
            }
            w = w.checked_mul(BASE - t).ok_or(INVALID)?;
            k += BASE;
        }
        len += 1;
        bias = adapt(i - old_i, len, old_i == 0);
        n = n.checked_add(i / len).ok_or(INVALID)?;
        i %= len;
        if char::from_u32(n).is_none() {
            return Err(INVALID);
        }
        if !idna_letter(n) {
            return Err(UNSUPPORTED);
        }
        i += 1;
    }
    Ok(())
}

/// RFC 3492 section 6.1.
fn adapt(delta: u32, len: u32, first: bool) -> u32 {
    let mut delta = if first { delta / 700 } else { delta / 2 };
    delta += delta / len;
    let mut k = 0;
    while delta > ((36 - 1) * 26) / 2 {
        delta /= 36 - 1;
        k += 36;
    }
    k + (36 * delta) / (delta + 38)
}

/// Letters that IDNA (UTS 46, as WHATWG runs it) keeps as they are in any position and in any
/// mix, with no normalization, joining or bidi rule involved: lowercase Latin-1 and Latin
/// Extended-A letters, lowercase Greek and Cyrillic, kana, the original CJK block and Hangul
/// syllables. Other scripts need tables (combining marks, NFC, bidi) and are refused.
fn idna_letter(c: u32) -> bool {
    match c {
        0x00df..=0x00f6 | 0x00f8..=0x00ff => true,
        // Latin Extended-A alternates capital and small letters, with a shift after U+0138 and
        // a few letters IDNA maps (U+0130, U+0132-0133, U+013F-0140, U+0149, U+017F).
        0x0101..=0x012f | 0x014b..=0x0177 => c % 2 == 1,
        0x0131 | 0x0135 | 0x0137 | 0x0138 | 0x017a | 0x017c | 0x017e => true,
        0x013a..=0x0148 => c % 2 == 0 && c != 0x0140,
        0x03ac..=0x03ce => true,
        0x0430..=0x045f => true,
        0x3041..=0x3096 | 0x30a1..=0x30fa => true,
        0x4e00..=0x9fa5 => true,
        0xac00..=0xd7a3 => true,
        _ => false,
    }
}

/// Parses the text between the brackets: the RFC 4291 text forms (with `::` standing for at
/// least one zero piece, and an embedded dotted-quad IPv4 at the end), which the WHATWG IPv6
/// parser all reads the same way.
#[cold]
#[inline(never)]
fn parse_ipv6(text: &str) -> Option<[u16; 8]> {
    let b = text.as_bytes();
    let mut pieces = [0u16; 8];
    let mut index = 0;
    let mut compress = None;
    let mut p = 0;
    if b.first() == Some(&b':') {
        if b.get(1) != Some(&b':') {
            return None;
        }
        p = 2;
        compress = Some(0);
    }
    while p < b.len() {
        if index == 8 {
            return None;
        }
        if b[p] == b':' {
            if compress.is_some() {
                return None;
            }
            p += 1;
            compress = Some(index);
            continue;
        }
        let start = p;
        let mut value = 0u16;
        while p < b.len() && p - start < 4 && b[p].is_ascii_hexdigit() {
            value = value << 4 | u16::from(hex_value(b[p]));
            p += 1;
        }
        if p == start {
            return None;
        }
        if b.get(p) == Some(&b'.') {
            // An embedded IPv4 address: the last two pieces.
            if index > 6 {
                return None;
            }
            let v4 = parse_dotted_quad(&b[start..])?;
            pieces[index] = (v4 >> 16) as u16;
            pieces[index + 1] = v4 as u16;
            index += 2;
            break;
        }
        pieces[index] = value;
        index += 1;
        match b.get(p) {
            None => break,
            Some(b':') => {
                p += 1;
                if p == b.len() {
                    return None;
                }
            }
            Some(_) => return None,
        }
    }
    match compress {
        None if index == 8 => Some(pieces),
        // RFC 4291: `::` stands for one or more zero pieces.
        Some(at) if index < 8 => {
            let moved = index - at;
            pieces.copy_within(at..index, 8 - moved);
            pieces[at..8 - moved].fill(0);
            Some(pieces)
        }
        _ => None,
    }
}

fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        _ => (b | 0x20) - b'a' + 10,
    }
}

/// Writes an IPv6 address as WHATWG serializes it (RFC 5952: lowercase, no leading zeros, the
/// first longest run of two or more zero pieces as `::`, never a dotted IPv4 part).
#[cold]
#[inline(never)]
fn write_ipv6(pieces: [u16; 8], out: &mut String) {
    let (mut best, mut best_len) = (8, 1);
    let mut i = 0;
    while i < 8 {
        let run = pieces[i..].iter().take_while(|&&x| x == 0).count();
        if run > best_len {
            (best, best_len) = (i, run);
        }
        i += run.max(1);
    }
    let mut i = 0;
    while i < 8 {
        if i == best {
            out.push_str(if i == 0 { "::" } else { ":" });
            i += best_len;
            continue;
        }
        let x = pieces[i];
        let mut started = false;
        for shift in [12, 8, 4, 0] {
            let d = (x >> shift) & 0xf;
            if d != 0 || started || shift == 0 {
                started = true;
                out.push(char::from(b"0123456789abcdef"[usize::from(d)]));
            }
        }
        if i != 7 {
            out.push(':');
        }
        i += 1;
    }
}

/// docs/rules.md section 4, rule 5, IPv4 ranges.
fn ipv4_is_blocked(addr: u32) -> bool {
    const NETS: [(u32, u32); 15] = [
        (0x0000_0000, 8),  // 0.0.0.0/8 "this network"
        (0x0a00_0000, 8),  // 10/8 private
        (0x6440_0000, 10), // 100.64/10 shared (CGNAT)
        (0x7f00_0000, 8),  // 127/8 loopback
        (0xa9fe_0000, 16), // 169.254/16 link-local
        (0xac10_0000, 12), // 172.16/12 private
        (0xc000_0000, 24), // 192.0.0/24 protocol assignments
        (0xc000_0200, 24), // 192.0.2/24 documentation
        (0xc058_6300, 24), // 192.88.99/24 6to4 relay
        (0xc0a8_0000, 16), // 192.168/16 private
        (0xc612_0000, 15), // 198.18/15 benchmarking
        (0xc633_6400, 24), // 198.51.100/24 documentation
        (0xcb00_7100, 24), // 203.0.113/24 documentation
        (0xe000_0000, 4),  // 224/4 multicast
        (0xf000_0000, 4),  // 240/4 reserved and broadcast
    ];
    NETS.iter()
        .any(|&(net, len)| addr >> (32 - len) == net >> (32 - len))
}

/// docs/rules.md section 4, rule 5, IPv6 ranges; `::ffff:0:0/96` is checked as the IPv4 inside.
#[cold]
#[inline(never)]
fn ipv6_is_blocked(pieces: [u16; 8]) -> bool {
    const NETS: [(u128, u32); 13] = [
        (0, 96),                           // ::/96 unspecified, loopback, IPv4-compatible
        (0x0064_ff9b_u128 << 96, 96),      // 64:ff9b::/96 NAT64
        (0x0064_ff9b_0001_u128 << 80, 48), // 64:ff9b:1::/48 local-use NAT64
        (0x0100_u128 << 112, 64),          // 100::/64 discard
        (0x2001_u128 << 112, 23),          // 2001::/23 IETF protocol assignments (Teredo, ...)
        (0x2001_0db8_u128 << 96, 32),      // 2001:db8::/32 documentation
        (0x2002_u128 << 112, 16),          // 2002::/16 6to4
        (0x3fff_u128 << 112, 20),          // 3fff::/20 documentation
        (0x5f00_u128 << 112, 16),          // 5f00::/16 SRv6 SIDs
        (0xfc00_u128 << 112, 7),           // fc00::/7 unique local
        (0xfe80_u128 << 112, 10),          // fe80::/10 link-local
        (0xfec0_u128 << 112, 10),          // fec0::/10 site-local (deprecated)
        (0xff00_u128 << 112, 8),           // ff00::/8 multicast
    ];
    let addr = ipv6_value(pieces);
    if addr >> 32 == 0xffff {
        return ipv4_is_blocked(addr as u32);
    }
    NETS.iter()
        .any(|&(net, len)| addr >> (128 - len) == net >> (128 - len))
}

fn ipv6_value(pieces: [u16; 8]) -> u128 {
    pieces.iter().fold(0u128, |a, &p| a << 16 | u128::from(p))
}

/// The IPv4-mapped IPv6 form of an IPv4 address (`::ffff:a.b.c.d`).
fn mapped(v4: u32) -> u128 {
    0xffff_u128 << 32 | u128::from(v4)
}

fn net_allows(allowed: &[AllowedHost], addr: u128) -> bool {
    allowed.iter().any(|entry| match entry.0 {
        Allowed::Net(net, len) => {
            len == 0 || addr >> (128 - u32::from(len)) == net >> (128 - u32::from(len))
        }
        Allowed::Name(_) => false,
    })
}

/// One entry of the `allowedPrivateHosts` option (docs/rules.md section 6): a host name, or an
/// IPv4 or IPv6 address or range in CIDR notation. Build one with [`AllowedHost::parse`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedHost(Allowed);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Allowed {
    /// A DNS name in lowercase, without a trailing dot.
    Name(String),
    /// An IPv6 range (IPv4 ranges as their IPv4-mapped form) and its prefix length.
    Net(u128, u8),
}

impl AllowedHost {
    /// Reads one entry: a host name or a dotted-quad IPv4 address as rule 4 allows them in a
    /// URL (one trailing dot is ignored; no wildcard, no numeric shorthand such as `127.1`), an
    /// IPv6 address (no brackets, no zone), or an address followed by `/` and a prefix length,
    /// with no bit set past the prefix.
    ///
    /// # Errors
    /// A short lowercase sentence saying why the entry is none of these.
    #[cold]
    #[inline(never)]
    pub fn parse(entry: &str) -> Result<Self, &'static str> {
        const NOT_AN_ENTRY: &str = "is not a host name, an ip address or a cidr range";
        let (addr, prefix) = match entry.bytes().position(|b| b == b'/') {
            Some(at) => (entry.get(..at).unwrap_or(""), entry.get(at + 1..)),
            None => (entry, None),
        };
        let (value, bits) = if addr.bytes().any(|b| b == b':') {
            (parse_ipv6(addr).map(ipv6_value).ok_or(NOT_AN_ENTRY)?, 128)
        } else {
            match parse_host(addr) {
                Ok(Host::V4(_, v4)) => (mapped(v4), 32),
                Ok(Host::Name(name)) if prefix.is_none() => {
                    let mut name = name.strip_suffix('.').unwrap_or(name).to_owned();
                    name.make_ascii_lowercase();
                    return Ok(Self(Allowed::Name(name)));
                }
                _ => return Err(NOT_AN_ENTRY),
            }
        };
        let len = match prefix.map(str::as_bytes) {
            None => bits,
            Some(digits @ [first, ..])
                if digits.len() <= 3
                    && digits.iter().all(u8::is_ascii_digit)
                    && (*first != b'0' || digits.len() == 1) =>
            {
                digits
                    .iter()
                    .fold(0u32, |v, &b| v * 10 + u32::from(b - b'0'))
            }
            Some(_) => bits + 1,
        };
        if len > bits {
            return Err("has a bad prefix length");
        }
        // IPv4 ranges are held as their IPv4-mapped form, 96 bits further on.
        let len = len + (128 - bits);
        if len < 128 && value & (u128::MAX >> len) != 0 {
            return Err("has bits set past its prefix length");
        }
        Ok(Self(Allowed::Net(value, len as u8)))
    }
}

/// The path under `allowAnyPath`: what WHATWG keeps exactly as it is.
#[inline(never)]
fn check_any_path(path: &str) -> Result<(), UrlError> {
    // The authority ends at `/` or `?`, so a non-empty path starts with `/`.
    if path.is_empty() {
        return Err(UrlError("path must not be empty"));
    }
    // WHATWG's path percent-encode set, plus `^` (encoded by the current standard, kept by older
    // parsers) and `\` (read as `/`).
    if !kept_verbatim(path, b"\"<>`{}^\\") {
        return Err(UrlError(
            "path has a character that must be percent-encoded",
        ));
    }
    for segment in path.as_bytes().split(|&b| b == b'/') {
        if is_dot_segment(segment) {
            return Err(UrlError("path must not contain dot segments"));
        }
    }
    Ok(())
}

/// The query (with its `?`), kept verbatim: only characters WHATWG leaves alone in the query of
/// a special URL (its query percent-encode set, which holds `'` unlike RFC 3986).
fn check_query(query: &str) -> Result<(), UrlError> {
    // NOTE: `\` is kept by WHATWG in a query; it is refused anyway, as everywhere in the URL.
    if kept_verbatim(query, b"\"<>'\\") {
        Ok(())
    } else {
        Err(UrlError(
            "query has a character that must be percent-encoded",
        ))
    }
}

/// Whether `text` is printable ASCII without any of `encoded` (space and controls are refused
/// before this runs). A `%` not followed by two hex digits is kept by WHATWG as it is.
fn kept_verbatim(text: &str, encoded: &[u8]) -> bool {
    text.bytes()
        .all(|b| (0x21..=0x7e).contains(&b) && !encoded.contains(&b))
}

/// `.`, `..` and their percent-encoded spellings, which WHATWG resolves away.
fn is_dot_segment(s: &[u8]) -> bool {
    let is_dot = |part: &[u8]| part == b"." || part.eq_ignore_ascii_case(b"%2e");
    match s.len() {
        1 | 3 => is_dot(s),
        2 => s == b"..",
        4 => (is_dot(&s[..1]) && is_dot(&s[1..])) || (is_dot(&s[..3]) && is_dot(&s[3..])),
        6 => is_dot(&s[..3]) && is_dot(&s[3..]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTIFY: &str = "/_matrix/push/v1/notify";

    fn opts(http: bool, private: bool, any_path: bool) -> Options {
        Options {
            allow_http: http,
            allow_private_hosts: private,
            allow_any_path: any_path,
            ..Options::default()
        }
    }

    fn check(url: &str) -> Result<String, UrlError> {
        check_gateway_url(url, &Options::default())
    }

    fn check_with(url: &str, options: &Options) -> Result<String, UrlError> {
        check_gateway_url(url, options)
    }

    #[track_caller]
    fn accepted(url: &str) -> String {
        check(url).unwrap_or_else(|e| panic!("{url:?} refused: {}", e.0))
    }

    #[track_caller]
    fn accepted_with(url: &str, options: &Options) -> String {
        check_with(url, options).unwrap_or_else(|e| panic!("{url:?} refused: {}", e.0))
    }

    #[track_caller]
    fn refused(url: &str) {
        assert!(check(url).is_err(), "{url:?} accepted as {:?}", check(url));
    }

    #[track_caller]
    fn refused_with(url: &str, options: &Options) {
        let r = check_with(url, options);
        assert!(r.is_err(), "{url:?} accepted as {r:?}");
    }

    /// Every option on: what is refused then is refused for what it is, not for a switch.
    fn loose() -> Options {
        opts(true, true, true)
    }

    #[track_caller]
    fn refused_always(url: &str) {
        refused(url);
        refused_with(url, &loose());
    }

    fn gateway(host: &str) -> String {
        format!("https://{host}{NOTIFY}")
    }

    // ---- rule 1: length and characters -----------------------------------------------------

    #[test]
    fn reads_plain_names_as_the_long_way_does() {
        let alphabet = [b'a', b'x', b'n', b'0', b'9', b'-', b'.', b'A', b'_'];
        let mut hosts: Vec<Vec<u8>> = vec![Vec::new()];
        let mut last = hosts.clone();
        for _ in 0..6 {
            last = last
                .iter()
                .flat_map(|h| {
                    alphabet.iter().map(move |&b| {
                        let mut h = h.clone();
                        h.push(b);
                        h
                    })
                })
                .collect();
            hosts.extend(last.iter().cloned());
        }
        for long in [
            "a".repeat(63),
            "a".repeat(64),
            format!("{}.a", "b".repeat(251)),
        ] {
            hosts.push(long.into_bytes());
        }
        hosts.push(format!("{}.ab", "b".repeat(251)).into_bytes());
        hosts.push(b"xn--abc.org".to_vec());
        hosts.push(b"a.xn--abc".to_vec());
        let mut plain = 0;
        for host in hosts {
            let host = String::from_utf8(host).unwrap_or_default();
            if is_plain_name(host.as_bytes()) {
                plain += 1;
                assert_eq!(parse_host(&host), Ok(Host::Name(&host)), "{host}");
                assert!(Host::Name(&host).is_written_as_sent(), "{host}");
            }
        }
        assert!(plain > 10_000, "{plain}");
    }

    #[test]
    fn accepts_url_of_exactly_max_url_chars() {
        let url = format!("https://push.example.org{NOTIFY}?{}", "a".repeat(40));
        let options = Options {
            max_url_chars: url.len(),
            ..Options::default()
        };
        assert_eq!(accepted_with(&url, &options), url);
    }

    #[test]
    fn rejects_url_one_character_past_max_url_chars() {
        let url = format!("https://push.example.org{NOTIFY}?{}", "a".repeat(41));
        let options = Options {
            max_url_chars: url.len() - 1,
            ..Options::default()
        };
        refused_with(&url, &options);
    }

    #[test]
    fn accepts_url_of_the_default_maximum_length() {
        let head = format!("https://push.example.org{NOTIFY}?");
        let url = format!("{head}{}", "a".repeat(2048 - head.len()));
        assert_eq!(accepted(&url).len(), 2048);
        refused(&format!("{url}a"));
    }

    #[test]
    fn rejects_non_ascii_host_path_and_query() {
        refused_always(&gateway("push.exämple.org"));
        refused_always("https://push.example.org/_matrix/push/v1/notifé");
        refused_always(&format!("https://push.example.org{NOTIFY}?q=é"));
        // A full-width dot, which WHATWG maps to `.`.
        refused_always(&gateway("push\u{ff0e}example.org"));
    }

    #[test]
    fn rejects_spaces_and_control_characters_anywhere() {
        for url in [
            format!(" https://push.example.org{NOTIFY}"),
            format!("https://push.example.org{NOTIFY}\n"),
            format!("https://push.exa\tmple.org{NOTIFY}"),
            "https://push.example.org/_matrix/push\r\n/v1/notify".to_owned(),
            format!("https://push.example.org{NOTIFY}?a=\u{0}"),
            format!("https://push.example.org{NOTIFY}?a=\u{7f}"),
            format!("https://push.example.org{NOTIFY}?a b"),
            format!("https://push.example.org{NOTIFY}\u{c}"),
        ] {
            refused_always(&url);
        }
    }

    #[test]
    fn rejects_backslash_anywhere() {
        refused_always(&format!("https:\\\\push.example.org{NOTIFY}"));
        refused_always(&format!("https:/\\push.example.org{NOTIFY}"));
        refused_always("https://push.example.org\\_matrix/push/v1/notify");
        refused_always("https://push.example.org/_matrix\\push/v1/notify");
        refused_always(&format!("https://push.example.org{NOTIFY}?a=\\"));
    }

    // ---- rule 2: scheme ---------------------------------------------------------------------

    #[test]
    fn accepts_https_gateway_unchanged() {
        let url = gateway("push.example.org");
        assert_eq!(accepted(&url), url);
    }

    #[test]
    fn lowercases_scheme_in_any_case() {
        for scheme in ["HTTPS", "Https", "hTtPs"] {
            assert_eq!(
                accepted(&format!("{scheme}://push.example.org{NOTIFY}")),
                gateway("push.example.org")
            );
        }
    }

    #[test]
    fn rejects_http_without_allow_http() {
        refused(&format!("http://push.example.org{NOTIFY}"));
        refused(&format!("HTTP://push.example.org{NOTIFY}"));
    }

    #[test]
    fn accepts_http_with_allow_http_and_lowercases_it() {
        let options = opts(true, false, false);
        assert_eq!(
            accepted_with(&format!("HTTP://push.example.org{NOTIFY}"), &options),
            format!("http://push.example.org{NOTIFY}")
        );
    }

    #[test]
    fn rejects_other_schemes_even_with_every_option() {
        for scheme in [
            "ftp",
            "wss",
            "ws",
            "file",
            "httpss",
            "xhttps",
            "https+x",
            "http2",
            "javascript",
            "data",
            "",
        ] {
            refused_always(&format!("{scheme}://push.example.org{NOTIFY}"));
        }
    }

    #[test]
    fn rejects_relative_and_scheme_only_urls() {
        refused_always(&format!("//push.example.org{NOTIFY}"));
        refused_always(NOTIFY);
        refused_always("push.example.org");
        refused_always("https");
        refused_always("https:");
        refused_always("https://");
        refused_always("");
    }

    #[test]
    fn rejects_scheme_not_followed_by_exactly_two_slashes() {
        refused_always(&format!("https:push.example.org{NOTIFY}"));
        refused_always(&format!("https:/push.example.org{NOTIFY}"));
        refused_always(&format!("https:///push.example.org{NOTIFY}"));
        refused_always(&format!("https:////push.example.org{NOTIFY}"));
    }

    // ---- rule 3: userinfo and fragment ------------------------------------------------------

    #[test]
    fn rejects_userinfo_in_every_form() {
        for authority in [
            "user@push.example.org",
            "user:pw@push.example.org",
            "@push.example.org",
            ":@push.example.org",
            "a@b@push.example.org",
            "push.example.org@evil.example",
        ] {
            refused_always(&gateway(authority));
        }
    }

    #[test]
    fn accepts_at_sign_in_path_and_query() {
        let url = format!("https://push.example.org/a@b{}", "?to=a@b");
        assert_eq!(accepted_with(&url, &loose()), url);
    }

    #[test]
    fn rejects_fragment_even_empty() {
        refused_always(&format!("https://push.example.org{NOTIFY}#"));
        refused_always(&format!("https://push.example.org{NOTIFY}#top"));
        refused_always(&format!("https://push.example.org{NOTIFY}?a=1#b"));
        refused_always("https://push.example.org#/_matrix/push/v1/notify");
    }

    // ---- rule 4: host -----------------------------------------------------------------------

    #[test]
    fn lowercases_host_and_keeps_trailing_dot() {
        assert_eq!(
            accepted(&gateway("Push.EXAMPLE.org")),
            gateway("push.example.org")
        );
        assert_eq!(
            accepted(&gateway("push.example.org.")),
            gateway("push.example.org.")
        );
        assert_eq!(
            accepted(&gateway("PUSH.example.ORG.")),
            gateway("push.example.org.")
        );
    }

    #[test]
    fn accepts_single_label_host_and_digits_in_labels() {
        assert_eq!(accepted(&gateway("gateway")), gateway("gateway"));
        assert_eq!(
            accepted(&gateway("123.example.org")),
            gateway("123.example.org")
        );
        assert_eq!(
            accepted(&gateway("0x1f.example.org")),
            gateway("0x1f.example.org")
        );
        assert_eq!(
            accepted(&gateway("ab--cd.example.org")),
            gateway("ab--cd.example.org")
        );
        assert_eq!(accepted(&gateway("a-1.b2")), gateway("a-1.b2"));
    }

    #[test]
    fn accepts_last_label_that_only_looks_like_a_number() {
        for host in [
            "example.0xg",
            "example.1a",
            "example.a1",
            "example.0x1g",
            "example.x1",
        ] {
            assert_eq!(accepted(&gateway(host)), gateway(host));
        }
    }

    #[test]
    fn rejects_missing_host() {
        refused_always(&format!("https://{NOTIFY}"));
        refused_always(&format!("https://:443{NOTIFY}"));
        refused_always("https://?a=1");
    }

    #[test]
    fn accepts_label_of_63_characters_and_rejects_64() {
        let label = "a".repeat(63);
        assert_eq!(
            accepted(&gateway(&format!("{label}.org"))),
            gateway(&format!("{label}.org"))
        );
        refused_always(&gateway(&format!("{label}a.org")));
    }

    #[test]
    fn accepts_name_of_253_characters_and_rejects_254() {
        let l63 = "a".repeat(63);
        let name = format!("{l63}.{l63}.{l63}.{}", "b".repeat(61));
        assert_eq!(name.len(), 253);
        assert_eq!(accepted(&gateway(&name)), gateway(&name));
        assert_eq!(
            accepted(&gateway(&format!("{name}."))),
            gateway(&format!("{name}."))
        );
        refused_always(&gateway(&format!("{l63}.{l63}.{l63}.{}", "b".repeat(62))));
    }

    #[test]
    fn rejects_empty_labels_and_dot_only_hosts() {
        for host in [
            "push..example.org",
            ".push.example.org",
            "push.example.org..",
            ".",
            "..",
            "a..",
        ] {
            refused_always(&gateway(host));
        }
    }

    #[test]
    fn rejects_labels_starting_or_ending_with_hyphen() {
        for host in [
            "-push.example.org",
            "push-.example.org",
            "push.example.org-",
            "-",
            "push.-.org",
        ] {
            refused_always(&gateway(host));
        }
    }

    #[test]
    fn rejects_characters_outside_dns_names() {
        for host in [
            "push_gw.example.org",
            "push.example.org%2e",
            "push%2Eexample.org",
            "p%75sh.example.org",
            "push*.org",
            "push!.org",
            "a,b.org",
            "a;b.org",
            "a=b.org",
            "a~b.org",
            "a'b.org",
            "a\"b.org",
            "a<b.org",
            "a{b.org",
            "a|b.org",
            "a^b.org",
            "a$b.org",
            "a&b.org",
            "a(b).org",
            "a+b.org",
        ] {
            refused_always(&gateway(host));
        }
    }

    #[test]
    fn rejects_numeric_host_shorthands_always() {
        for host in [
            "2130706433",
            "0x7f.1",
            "0x7F.1",
            "0177.0.0.1",
            "010.0.0.1",
            "127.1",
            "127.0.1",
            "0x7f000001",
            "0X7F000001",
            "host.0x1f",
            "host.0X1F",
            "host.0x",
            "host.123",
            "push.example.08",
            "4294967296",
            "1.2.3.4.5",
            "1.2.3.256",
            "256.1.1.1",
            "01.2.3.4",
            "1.2.3.04",
            "1.2.3.00",
            "1.2.3",
            "1.2.3.4.",
            "8.8.8.8.",
            "1.2.3.0x4",
            "0",
            "0x",
            "00",
            "09",
        ] {
            refused_always(&gateway(host));
        }
    }

    #[test]
    fn accepts_dotted_quad_ipv4_unchanged() {
        for host in [
            "8.8.8.8",
            "1.1.1.1",
            "93.184.216.34",
            "223.255.255.255",
            "1.0.0.0",
        ] {
            assert_eq!(accepted(&gateway(host)), gateway(host));
        }
    }

    #[test]
    fn accepts_dotted_quad_with_zero_parts_and_255() {
        let options = opts(false, true, false);
        for host in ["0.0.0.0", "255.255.255.255", "10.0.0.0", "8.0.0.255"] {
            assert_eq!(accepted_with(&gateway(host), &options), gateway(host));
        }
    }

    #[test]
    fn accepts_valid_punycode_labels_and_lowercases_them() {
        for host in [
            "xn--mnchen-3ya.de",
            "xn--bcher-kva.example",
            "xn--zca.org",
            "xn--3xa.org",
            "xn--e1afmkfd.com",
            "xn--fiqs8s.org",
            "xn--l8j.org",
        ] {
            assert_eq!(accepted(&gateway(host)), gateway(host));
        }
        assert_eq!(
            accepted(&gateway("XN--MNCHEN-3YA.DE")),
            gateway("xn--mnchen-3ya.de")
        );
        assert_eq!(
            accepted(&gateway("Xn--Mnchen-3ya.de")),
            gateway("xn--mnchen-3ya.de")
        );
    }

    #[test]
    fn rejects_xn_labels_that_are_not_valid_punycode() {
        for label in [
            "xn--",
            "xn---",
            "xn--abc-",
            "xn--a-",
            "xn---abc",
            "xn--a",
            "xn--zz",
            "xn--99999999999",
            "xn--zzzzzzzzzzzzzzzzz",
            "xn--xn--mnchen-3ya",
            "xn--mnchen-3ya-",
        ] {
            refused_always(&gateway(&format!("{label}.org")));
        }
    }

    #[test]
    fn rejects_punycode_that_decodes_to_characters_idna_maps_or_forbids() {
        // U+0140 (mapped to `l·`), U+00C0 (capital), U+0080 (control), U+0130 (capital I with dot).
        for label in ["xn--rfa", "xn--3ba", "xn--a", "xn--bfa"] {
            refused_always(&gateway(&format!("{label}.org")));
        }
    }

    #[test]
    fn rejects_valid_punycode_outside_the_supported_scripts() {
        // Arabic (bidi rules) and Devanagari (combining marks) need tables this check lacks.
        refused_always(&gateway("xn--mgbh0fb.example"));
        refused_always(&gateway("xn--11b5bs3a9aj6g.example"));
    }

    #[test]
    fn rejects_ipv6_forms_that_are_not_rfc_4291_text() {
        for host in [
            "[1::2:3:4:5:6:7:8]",
            "[1:2:3:4:5:6:7:8:9]",
            "[1:2:3:4:5:6:7]",
            "[1:::2]",
            "[:1::]",
            "[1::2::3]",
            "[:::]",
            "[:]",
            "[1:]",
            "[:1]",
            "[12345::]",
            "[g::]",
            "[]",
            "[::1.2.3]",
            "[::1.2.3.4.5]",
            "[::01.2.3.4]",
            "[::1.2.3.256]",
            "[1:2:3:4:5:6:7:1.2.3.4]",
            "[1.2.3.4]",
            "[::1.2.3.4:1]",
            "[v1.fe]",
            "[::1",
            "::1",
            "[::1]x",
            "[[::1]]",
            "[::1]]",
            "x[::1]",
        ] {
            refused_always(&gateway(host));
        }
    }

    #[test]
    fn rejects_ipv6_zone() {
        refused_always(&gateway("[fe80::1%25eth0]"));
        refused_always(&gateway("[fe80::1%eth0]"));
        refused_always(&gateway("[2606:4700::1%251]"));
    }

    #[test]
    fn writes_ipv6_in_canonical_form() {
        for (input, output) in [
            ("[2606:4700:0:0:0:0:0:1111]", "[2606:4700::1111]"),
            ("[2606:4700::1111]", "[2606:4700::1111]"),
            (
                "[2606:4700:0000:0000:0000:0000:0000:1111]",
                "[2606:4700::1111]",
            ),
            ("[2606:4700::AbCd]", "[2606:4700::abcd]"),
            ("[2606:0:0:1:0:0:0:1]", "[2606:0:0:1::1]"),
            ("[2606:0:0:2:0:0:3:4]", "[2606::2:0:0:3:4]"),
            ("[2606:0:2:3:4:5:6:7]", "[2606:0:2:3:4:5:6:7]"),
            ("[2606:4700:1:2:3:4:5::]", "[2606:4700:1:2:3:4:5:0]"),
            ("[2606:1:2:3:4:5::]", "[2606:1:2:3:4:5::]"),
            ("[2606:1:2:3:4:5:0:0]", "[2606:1:2:3:4:5::]"),
            ("[2606:4700::0001:00ab]", "[2606:4700::1:ab]"),
            ("[2606:4700::8.8.8.8]", "[2606:4700::808:808]"),
            ("[2606:4700:1:2:3:4:8.8.8.8]", "[2606:4700:1:2:3:4:808:808]"),
            ("[::ffff:8.8.8.8]", "[::ffff:808:808]"),
            ("[::FFFF:0808:0808]", "[::ffff:808:808]"),
            ("[0:0:0:0:0:ffff:8.8.8.8]", "[::ffff:808:808]"),
        ] {
            assert_eq!(accepted(&gateway(input)), gateway(output), "{input}");
        }
    }

    #[test]
    fn writes_private_ipv6_in_canonical_form_when_allowed() {
        let options = opts(false, true, false);
        for (input, output) in [
            ("[0:0:0:0:0:0:0:1]", "[::1]"),
            ("[::]", "[::]"),
            ("[0:0:0:0:0:0:0:0]", "[::]"),
            ("[::ffff:127.0.0.1]", "[::ffff:7f00:1]"),
            ("[FE80::1]", "[fe80::1]"),
            ("[2001:DB8::]", "[2001:db8::]"),
            ("[1::]", "[1::]"),
        ] {
            assert_eq!(
                accepted_with(&gateway(input), &options),
                gateway(output),
                "{input}"
            );
        }
    }

    // ---- rule 5: private hosts --------------------------------------------------------------

    const BLOCKED_V4_EDGES: [(&str, &str); 15] = [
        ("0.0.0.0", "0.255.255.255"),
        ("10.0.0.0", "10.255.255.255"),
        ("100.64.0.0", "100.127.255.255"),
        ("127.0.0.0", "127.255.255.255"),
        ("169.254.0.0", "169.254.255.255"),
        ("172.16.0.0", "172.31.255.255"),
        ("192.0.0.0", "192.0.0.255"),
        ("192.0.2.0", "192.0.2.255"),
        ("192.88.99.0", "192.88.99.255"),
        ("192.168.0.0", "192.168.255.255"),
        ("198.18.0.0", "198.19.255.255"),
        ("198.51.100.0", "198.51.100.255"),
        ("203.0.113.0", "203.0.113.255"),
        ("224.0.0.0", "239.255.255.255"),
        ("240.0.0.0", "255.255.255.255"),
    ];

    #[test]
    fn rejects_every_blocked_ipv4_range_at_both_ends() {
        for (first, last) in BLOCKED_V4_EDGES {
            for host in [first, last] {
                refused(&gateway(host));
                refused(&gateway(&format!("[::ffff:{host}]")));
                refused(&gateway(&format!("[0:0:0:0:0:FFFF:{host}]")));
                assert_eq!(
                    accepted_with(&gateway(host), &opts(false, true, false)),
                    gateway(host)
                );
            }
        }
    }

    #[test]
    fn accepts_ipv4_just_outside_every_blocked_range() {
        for host in [
            "1.0.0.0",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "126.255.255.255",
            "128.0.0.0",
            "169.253.255.255",
            "169.255.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "191.255.255.255",
            "192.0.1.0",
            "192.0.1.255",
            "192.0.3.0",
            "192.88.98.255",
            "192.88.100.0",
            "192.167.255.255",
            "192.169.0.0",
            "198.17.255.255",
            "198.20.0.0",
            "198.51.99.255",
            "198.51.101.0",
            "203.0.112.255",
            "203.0.114.0",
            "223.255.255.255",
        ] {
            assert_eq!(accepted(&gateway(host)), gateway(host), "{host}");
        }
    }

    #[test]
    fn rejects_every_blocked_ipv6_range_at_both_ends() {
        for host in [
            "::",
            "::1",
            "::127.0.0.1",
            "::ffff:ffff",
            "::ffff:0:0",
            "64:ff9b::",
            "64:ff9b::ffff:ffff",
            "64:ff9b::8.8.8.8",
            "64:ff9b:1::",
            "64:ff9b:1:ffff:ffff:ffff:ffff:ffff",
            "100::",
            "100::ffff:ffff:ffff:ffff",
            "2001::",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff",
            "2001:db8::",
            "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
            "2002::",
            "2002:c0a8:101::",
            "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "3fff::",
            "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff",
            "5f00::",
            "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "fc00::",
            "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "fe80::",
            "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "fec0::",
            "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "ff00::",
            "ff02::1",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        ] {
            refused(&gateway(&format!("[{host}]")));
            assert!(
                check_with(&gateway(&format!("[{host}]")), &opts(false, true, false)).is_ok(),
                "{host}"
            );
        }
    }

    #[test]
    fn accepts_ipv6_just_outside_every_blocked_range() {
        for host in [
            "::1:0:0",
            "::fffe:ffff:ffff",
            "::1:ffff:0:0",
            "64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff",
            "64:ff9b::1:0:0",
            "64:ff9b:0:ffff:ffff:ffff:ffff:ffff",
            "64:ff9b:2::",
            "ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "100:0:0:1::",
            "2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "2001:200::",
            "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff",
            "2001:db9::",
            "2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "2003::",
            "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "3fff:1000::",
            "5eff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "5f01::",
            "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "fe00::",
            "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "2606:4700:4700::1111",
        ] {
            assert_eq!(
                accepted(&gateway(&format!("[{host}]"))),
                gateway(&format!("[{host}]")),
                "{host}"
            );
        }
    }

    #[test]
    fn checks_ipv4_mapped_ipv6_as_the_ipv4_inside() {
        assert_eq!(
            accepted(&gateway("[::ffff:8.8.8.8]")),
            gateway("[::ffff:808:808]")
        );
        assert_eq!(
            accepted(&gateway("[::ffff:808:808]")),
            gateway("[::ffff:808:808]")
        );
        refused(&gateway("[::ffff:7f00:1]"));
        refused(&gateway("[::ffff:a00:1]"));
        refused(&gateway("[::ffff:c0a8:101]"));
    }

    #[test]
    fn rejects_private_names_in_any_case_with_or_without_trailing_dot() {
        for host in [
            "localhost",
            "LOCALHOST",
            "localhost.",
            "a.localhost",
            "push.Localhost.",
            "printer.local",
            "printer.LOCAL.",
            "push.internal",
            "push.corp.INTERNAL",
            "router.home.arpa",
            "router.HOME.ARPA.",
            "local",
            "internal",
            "home.arpa",
            "localdomain",
            "LocalDomain.",
            "localhost.localdomain",
            "nas.localdomain",
        ] {
            refused(&gateway(host));
            assert_eq!(
                accepted_with(&gateway(host), &opts(false, true, false)),
                gateway(&host.to_ascii_lowercase()),
                "{host}"
            );
        }
    }

    fn allowing(entries: &[&str]) -> Options {
        Options {
            allowed_private_hosts: entries
                .iter()
                .map(|e| AllowedHost::parse(e).unwrap_or_else(|why| panic!("{e}: {why}")))
                .collect(),
            ..Options::default()
        }
    }

    #[test]
    fn lets_allowlisted_names_through_whole_and_in_any_case() {
        let options = allowing(&["NTFY.home.arpa.", "localhost"]);
        for host in [
            "ntfy.home.arpa",
            "NTFY.HOME.ARPA",
            "ntfy.home.arpa.",
            "localhost",
            "LocalHost.",
        ] {
            assert!(check_with(&gateway(host), &options).is_ok(), "{host}");
        }
        for host in [
            "a.ntfy.home.arpa",
            "ntfy.home.arpa.home.arpa",
            "x.localhost",
            "ntfy.local",
            "home.arpa",
        ] {
            refused_with(&gateway(host), &options);
        }
    }

    #[test]
    fn lets_allowlisted_addresses_and_ranges_through() {
        let options = allowing(&["192.168.1.0/24", "10.0.0.5", "fd12:3456::/48", "::1"]);
        for host in [
            "192.168.1.0",
            "192.168.1.255",
            "[::ffff:192.168.1.5]",
            "[::ffff:c0a8:1ff]",
            "10.0.0.5",
            "[fd12:3456::1]",
            "[fd12:3456:0:ffff:ffff:ffff:ffff:ffff]",
            "[::1]",
        ] {
            assert!(check_with(&gateway(host), &options).is_ok(), "{host}");
        }
        for host in [
            "192.168.2.1",
            "192.168.0.255",
            "10.0.0.6",
            "[fd12:3456:1::]",
            "[fd12:3455:ffff:ffff:ffff:ffff:ffff:ffff]",
            "[::2]",
            // Other embeddings of an allowed IPv4 address are other addresses.
            "[::192.168.1.5]",
            "[2002:c0a8:105::]",
            "[64:ff9b::192.168.1.5]",
            "192.168.1",
            "3232235781",
            "0xc0a80105",
        ] {
            refused_with(&gateway(host), &options);
        }
        let mapped = allowing(&["::ffff:192.168.1.0/120"]);
        assert!(check_with(&gateway("192.168.1.9"), &mapped).is_ok());
    }

    #[test]
    fn accepts_names_that_only_contain_private_words() {
        for host in [
            "localhost.example.org",
            "mylocalhost",
            "localhost-gw.org",
            "local.example.org",
            "notlocal",
            "xlocal",
            "internal.example.org",
            "myinternal",
            "home.arpa.example",
            "xhome.arpa",
            "arpa",
            "localhos",
            "mylocaldomain",
            "localdomain.example.org",
        ] {
            assert_eq!(accepted(&gateway(host)), gateway(host), "{host}");
        }
    }

    // ---- rule 6: port -----------------------------------------------------------------------

    #[test]
    fn keeps_non_default_ports() {
        for port in ["1", "8443", "65535", "80"] {
            let url = format!("https://push.example.org:{port}{NOTIFY}");
            assert_eq!(accepted(&url), url);
        }
        let options = opts(true, false, false);
        let url = format!("http://push.example.org:443{NOTIFY}");
        assert_eq!(accepted_with(&url, &options), url);
    }

    #[test]
    fn removes_default_ports() {
        assert_eq!(
            accepted(&format!("https://push.example.org:443{NOTIFY}")),
            gateway("push.example.org")
        );
        assert_eq!(
            accepted_with(
                &format!("HTTP://push.example.org:80{NOTIFY}"),
                &opts(true, false, false)
            ),
            format!("http://push.example.org{NOTIFY}")
        );
        assert_eq!(
            accepted(&format!("https://[2606:4700::1111]:443{NOTIFY}")),
            gateway("[2606:4700::1111]")
        );
        assert_eq!(
            accepted(&format!("https://8.8.8.8:443{NOTIFY}")),
            gateway("8.8.8.8")
        );
    }

    #[test]
    fn rejects_port_zero_and_past_65535() {
        for port in [
            "0",
            "65536",
            "99999",
            "100000",
            "4294967297",
            "99999999999999999999999",
        ] {
            refused_always(&format!("https://push.example.org:{port}{NOTIFY}"));
        }
    }

    #[test]
    fn rejects_empty_port_and_leading_zeros() {
        for port in ["", "0443", "00443", "01", "00"] {
            refused_always(&format!("https://push.example.org:{port}{NOTIFY}"));
        }
        refused_always(&format!("https://[2606:4700::1111]:{NOTIFY}"));
    }

    #[test]
    fn rejects_ports_that_are_not_plain_decimal() {
        for port in [
            "+443", "-1", "44a", "0x1bb", "443:443", "4 43", "1e3", "443.",
        ] {
            refused_always(&format!("https://push.example.org:{port}{NOTIFY}"));
        }
    }

    // ---- rule 7: path -----------------------------------------------------------------------

    #[test]
    fn rejects_url_with_trailing_slash() {
        refused(&format!("https://push.example.org{NOTIFY}/"));
    }

    #[test]
    fn rejects_any_other_path_without_allow_any_path() {
        for path in [
            "",
            "/",
            "/_matrix/push/v1/notify/",
            "/_matrix/push/v1/Notify",
            "/_MATRIX/push/v1/notify",
            "/_matrix/push/v1/notif%79",
            "/_matrix/push/v1/notify%2F",
            "//_matrix/push/v1/notify",
            "/_matrix/push//v1/notify",
            "/_matrix/push/v1/./notify",
            "/_matrix/push/v2/../v1/notify",
            "/_matrix/push/v1/notify;x",
            "/_matrix/push/v1",
            "/_matrix/push/v1/notify.json",
        ] {
            refused(&format!("https://push.example.org{path}"));
        }
    }

    #[test]
    fn accepts_any_clean_path_with_allow_any_path() {
        let options = opts(false, false, true);
        for path in [
            "/",
            "//",
            "/push",
            "/a/b/",
            "/_matrix/push/v1/notify/",
            "/a;b=c,d/~user/x@y:z/!$&'()*+",
            "/%2F%2f/%41%aa/%E2%9C%93",
            "/...",
            "/.a/a./a..b/%2e%2e%2e/.%2e%2e",
            "/%2ea/a%2e",
        ] {
            let url = format!("https://push.example.org{path}");
            assert_eq!(accepted_with(&url, &options), url, "{path}");
        }
    }

    #[test]
    fn rejects_empty_path_even_with_allow_any_path() {
        refused_always("https://push.example.org");
        refused_always("https://push.example.org?a=b");
        refused_always("https://push.example.org:8443");
        refused_always("https://[2606:4700::1111]?a");
    }

    #[test]
    fn rejects_dot_segments_in_any_spelling() {
        for segment in [
            ".", "..", "%2e", "%2E", ".%2e", ".%2E", "%2e.", "%2E.", "%2e%2e", "%2E%2e", "%2e%2E",
            "%2E%2E",
        ] {
            refused_always(&format!("https://push.example.org/{segment}"));
            refused_always(&format!("https://push.example.org/a/{segment}/b"));
            refused_always(&format!("https://push.example.org/a/{segment}"));
            refused_always(&format!("https://push.example.org/a/{segment}?x"));
        }
    }

    #[test]
    fn rejects_path_characters_whatwg_would_percent_encode_or_rewrite() {
        for c in ["\"", "<", ">", "`", "{", "}", "^", "\\"] {
            refused_always(&format!("https://push.example.org/a{c}"));
            refused_always(&format!("https://push.example.org/a{c}/b"));
        }
    }

    // ---- rule 8: query ----------------------------------------------------------------------

    #[test]
    fn keeps_query_verbatim() {
        for query in [
            "?",
            "?a=b",
            "?a=b&c=d",
            "?x=%2F%2f%aA",
            "?path=/a/b?c",
            "?a=1;b=2,c:d@e!$()*+~._-",
            "??",
            "?a==&&",
        ] {
            let url = format!("https://push.example.org{NOTIFY}{query}");
            assert_eq!(accepted(&url), url, "{query}");
        }
    }

    #[test]
    fn keeps_query_with_an_otherwise_normalized_url() {
        assert_eq!(
            accepted(&format!(
                "HTTPS://Push.Example.ORG:443{NOTIFY}?Token=AbC%2F"
            )),
            format!("https://push.example.org{NOTIFY}?Token=AbC%2F")
        );
    }

    #[test]
    fn rejects_query_characters_whatwg_would_percent_encode() {
        for c in ["'", "\"", "<", ">", "\\"] {
            refused_always(&format!("https://push.example.org{NOTIFY}?a={c}"));
        }
    }

    #[test]
    fn keeps_query_characters_whatwg_leaves_alone() {
        for c in ["`", "{", "}", "^", "|", "[", "]", "%", "%4", "%zz", "%%41"] {
            let url = format!("https://push.example.org{NOTIFY}?a={c}");
            assert_eq!(accepted(&url), url, "{c}");
        }
    }

    #[test]
    fn keeps_path_characters_whatwg_leaves_alone_with_allow_any_path() {
        let options = opts(false, false, true);
        for c in ["|", "[", "]", "%", "%4", "%zz", "%%41"] {
            let url = format!("https://push.example.org/a{c}/b");
            assert_eq!(accepted_with(&url, &options), url, "{c}");
        }
    }

    // ---- invariants -------------------------------------------------------------------------

    const ACCEPTED_SAMPLES: [&str; 9] = [
        "HTTPS://PUSH.example.ORG:443/_matrix/push/v1/notify?A=B",
        "https://push.example.org./_matrix/push/v1/notify",
        "https://push.example.org:8443/_matrix/push/v1/notify",
        "https://[2606:4700:0:0:0:0:0:1111]:443/_matrix/push/v1/notify",
        "https://[::FFFF:8.8.8.8]/_matrix/push/v1/notify?",
        "https://XN--MNCHEN-3YA.de/_matrix/push/v1/notify",
        "https://8.8.8.8/_matrix/push/v1/notify",
        "http://push.example.org:80/a/b?c",
        "https://[::1]:443/",
    ];

    #[test]
    fn output_checks_again_to_itself() {
        for url in ACCEPTED_SAMPLES {
            let out = accepted_with(url, &loose());
            assert_eq!(accepted_with(&out, &loose()), out, "{url}");
        }
    }

    #[test]
    fn loosening_options_never_refuses_or_changes_an_accepted_url() {
        for url in ACCEPTED_SAMPLES {
            for bits in 0..8u8 {
                let strict = opts(bits & 1 != 0, bits & 2 != 0, bits & 4 != 0);
                if let Ok(out) = check_with(url, &strict) {
                    for extra in [1u8, 2, 4] {
                        let more = bits | extra;
                        let looser = opts(more & 1 != 0, more & 2 != 0, more & 4 != 0);
                        assert_eq!(
                            check_with(url, &looser),
                            Ok(out.clone()),
                            "{url} {bits} {more}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn refusal_messages_are_short_lowercase_sentences() {
        for url in [
            "ftp://x",
            "https://user@h/",
            "https://h:0/",
            "https://localhost/x",
            "https://h/x",
        ] {
            let e = check(url).unwrap_err();
            assert!(
                !e.0.is_empty() && e.0.len() < 120 && !e.0.ends_with('.'),
                "{:?}",
                e.0
            );
            assert_eq!(e.0, e.0.to_lowercase(), "{:?}", e.0);
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn host() -> impl Strategy<Value = String> {
            prop_oneof![
                "[a-zA-Z0-9-]{1,12}(\\.[a-zA-Z0-9-]{1,12}){0,3}\\.?",
                "(0x)?[0-9a-fA-F]{1,4}(\\.(0x)?[0-9a-fA-F]{1,4}){0,4}\\.?",
                "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
                "\\[[0-9a-fA-F:.]{2,40}\\]",
                "xn--[a-z0-9-]{1,12}",
            ]
        }

        proptest! {
            #[test]
            fn accepted_output_is_a_fixed_point_with_lowercase_authority(
                scheme in "(?i)https?",
                host in host(),
                port in "(:[0-9]{0,6})?",
                path in "(/[a-zA-Z0-9._~%:@!$&'()*+,;=-]{0,8}){0,3}",
                query in "(\\?[a-zA-Z0-9/?%'=&]{0,10})?",
                bits in 0u8..8,
            ) {
                let url = format!("{scheme}://{host}{port}{path}{query}");
                let options = opts(bits & 1 != 0, bits & 2 != 0, bits & 4 != 0);
                if let Ok(out) = check_with(&url, &options) {
                    prop_assert_eq!(check_with(&out, &options), Ok(out.clone()));
                    let authority_end = out[8..].find('/').map_or(out.len(), |i| i + 8);
                    prop_assert_eq!(&out[..authority_end], out[..authority_end].to_ascii_lowercase());
                    let rest = format!("{path}{query}");
                    prop_assert!(out.ends_with(&rest));
                    let default_port = if out.starts_with("https:") { ":443" } else { ":80" };
                    prop_assert!(!out[..authority_end].ends_with(default_port));
                    prop_assert_eq!(check_with(&url, &loose()), Ok(out));
                }
            }

            #[test]
            fn never_panics_on_arbitrary_text(s in "\\PC{0,80}", bits in 0u8..8) {
                let options = opts(bits & 1 != 0, bits & 2 != 0, bits & 4 != 0);
                let _ = check_with(&s, &options);
                let _ = check_with(&format!("https://{s}"), &options);
                let _ = check_with(&format!("https://[{s}]/"), &options);
                let _ = check_with(&format!("https://xn--{s}/"), &options);
            }
        }
    }
}
