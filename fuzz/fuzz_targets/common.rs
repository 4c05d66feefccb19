//! What both targets share: the options byte and an independent reading of docs/rules.md section 4.

#![allow(dead_code)]

use std::net::{Ipv4Addr, Ipv6Addr};

use matrix_pusher_validator::{AllowedHost, Options, PusherKind};

/// The `allowedPrivateHosts` of bit 7 of the options byte: a name, an address and ranges of
/// both families, one IPv4 range given in its IPv4-mapped form.
pub const ALLOWLIST: [&str; 6] = [
    "ntfy.home.arpa",
    "localhost",
    "10.0.0.5",
    "192.168.1.0/24",
    "::ffff:172.16.0.0/108",
    "fd00::/8",
];

/// Splits a fuzz input into its options (the first byte) and the rest.
///
/// Bits: 0 `allowHttp`, 1 `allowPrivateHosts`, 2 `allowAnyPath`, 3-4 `kinds` (1: http only,
/// 2: email only, 3: none, 0: both), 5 tight limits (so that every limit is reached by small
/// inputs), 6 `webpush` added to the kinds, 7 `allowedPrivateHosts` = [`ALLOWLIST`].
pub fn split(data: &[u8]) -> Option<(Options, &[u8])> {
    let (&b, rest) = data.split_first()?;
    Some((options(b), rest))
}

pub fn options(b: u8) -> Options {
    let mut o = Options {
        allow_http: b & 1 != 0,
        allow_private_hosts: b & 2 != 0,
        allow_any_path: b & 4 != 0,
        ..Options::default()
    };
    o.kinds = match (b >> 3) & 3 {
        1 => vec![PusherKind::Http],
        2 => vec![PusherKind::Email],
        3 => Vec::new(),
        _ => vec![PusherKind::Http, PusherKind::Email],
    };
    if b & 64 != 0 {
        o.kinds.push(PusherKind::WebPush);
    }
    if b & 128 != 0 {
        o.allowed_private_hosts = ALLOWLIST
            .iter()
            .map(|e| AllowedHost::parse(e).expect("the fuzz allowlist is well formed"))
            .collect();
    }
    if b & 32 != 0 {
        o.max_body_bytes = 1024;
        o.max_depth = 4;
        o.max_data_bytes = 160;
        o.max_display_name_chars = 8;
        o.max_url_chars = 80;
    }
    o
}

/// The same options with every `allow*` switch that `b` leaves off turned on, one at a time.
pub fn looser(o: &Options) -> Vec<Options> {
    let mut out = Vec::new();
    if !o.allow_http {
        out.push(Options {
            allow_http: true,
            ..o.clone()
        });
    }
    if !o.allow_private_hosts {
        out.push(Options {
            allow_private_hosts: true,
            ..o.clone()
        });
    }
    if !o.allow_any_path {
        out.push(Options {
            allow_any_path: true,
            ..o.clone()
        });
    }
    out
}

fn in4(a: Ipv4Addr, net: [u8; 4], len: u32) -> bool {
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    u32::from(a) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn in6(a: Ipv6Addr, net: Ipv6Addr, len: u32) -> bool {
    let mask = if len == 0 {
        0
    } else {
        u128::MAX << (128 - len)
    };
    u128::from(a) & mask == u128::from(net) & mask
}

/// docs/rules.md section 4, rule 5, IPv4 ranges.
pub fn blocked_v4(a: Ipv4Addr) -> bool {
    const NETS: [([u8; 4], u32); 15] = [
        ([0, 0, 0, 0], 8),
        ([10, 0, 0, 0], 8),
        ([100, 64, 0, 0], 10),
        ([127, 0, 0, 0], 8),
        ([169, 254, 0, 0], 16),
        ([172, 16, 0, 0], 12),
        ([192, 0, 0, 0], 24),
        ([192, 0, 2, 0], 24),
        ([192, 88, 99, 0], 24),
        ([192, 168, 0, 0], 16),
        ([198, 18, 0, 0], 15),
        ([198, 51, 100, 0], 24),
        ([203, 0, 113, 0], 24),
        ([224, 0, 0, 0], 4),
        ([240, 0, 0, 0], 4),
    ];
    NETS.iter().any(|&(n, l)| in4(a, n, l))
}

/// docs/rules.md section 4, rule 5, IPv6 ranges (`::ffff:0:0/96` checked as the IPv4 inside).
pub fn blocked_v6(a: Ipv6Addr) -> bool {
    if in6(a, "::ffff:0:0".parse().unwrap(), 96) {
        let [.., w, x, y, z] = a.octets();
        return blocked_v4(Ipv4Addr::new(w, x, y, z));
    }
    [
        ("::", 96),
        ("64:ff9b::", 96),
        ("64:ff9b:1::", 48),
        ("100::", 64),
        ("2001::", 23),
        ("2001:db8::", 32),
        ("2002::", 16),
        ("3fff::", 20),
        ("5f00::", 16),
        ("fc00::", 7),
        ("fe80::", 10),
        ("fec0::", 10),
        ("ff00::", 8),
    ]
    .iter()
    .any(|&(n, l)| in6(a, n.parse().unwrap(), l))
}

/// Host names refused without `allowPrivateHosts` (WHATWG-lowercased, maybe with a final dot).
pub fn blocked_name(host: &str) -> bool {
    let h = host.strip_suffix('.').unwrap_or(host);
    [
        "localhost",
        "localhost.localdomain",
        "local",
        "internal",
        "home.arpa",
        "localdomain",
    ]
    .contains(&h)
        || [
            ".localhost",
            ".local",
            ".internal",
            ".home.arpa",
            ".localdomain",
        ]
        .iter()
        .any(|s| h.ends_with(s))
}

/// Whether [`ALLOWLIST`] names a WHATWG host, read independently: a name whole (the WHATWG host
/// is lowercase; one trailing dot ignored), an address in a range, an IPv4 address and its
/// IPv4-mapped form being one address.
pub fn allowlisted(host: &url::Host<&str>) -> bool {
    let mapped = |a: Ipv4Addr| a.to_ipv6_mapped();
    let addr = match *host {
        url::Host::Domain(d) => {
            let d = d.strip_suffix('.').unwrap_or(d);
            return d == "ntfy.home.arpa" || d == "localhost";
        }
        url::Host::Ipv4(a) => mapped(a),
        url::Host::Ipv6(a) => a,
    };
    addr == mapped(Ipv4Addr::new(10, 0, 0, 5))
        || in6(addr, mapped(Ipv4Addr::new(192, 168, 1, 0)), 120)
        || in6(addr, mapped(Ipv4Addr::new(172, 16, 0, 0)), 108)
        || in6(addr, "fd00::".parse().unwrap(), 8)
}
