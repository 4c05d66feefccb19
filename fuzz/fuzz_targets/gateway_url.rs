//! Fuzzes the gateway-URL check (docs/rules.md section 4).
//!
//! Input: one options byte (see common.rs), then the URL. Invariants:
//! - it never panics;
//! - an accepted URL re-checks to itself (the output is a fixed point);
//! - an accepted URL is what the WHATWG parser makes of it (`url` crate, `Url::as_str` is the
//!   `href`), with the right scheme, path and no userinfo or fragment;
//! - a host that WHATWG reads as a blocked address or name is refused without `allowPrivateHosts`,
//!   unless the allowlist (bit 7) names it; a host it names is judged exactly as with
//!   `allowPrivateHosts`;
//! - the Web Push service URL check is the gateway check with any path allowed;
//! - loosening an option never turns an acceptance into a refusal or changes the output.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use matrix_pusher_validator::{Options, check_gateway_url, check_web_push_url};
use url::{Host, Url};

fuzz_target!(|data: &[u8]| {
    let Some((opts, rest)) = common::split(data) else {
        return;
    };
    let Ok(input) = std::str::from_utf8(rest) else {
        return;
    };
    let result = check_gateway_url(input, &opts);
    let whatwg = Url::parse(input);

    if let Ok(out) = &result {
        assert!(out.is_ascii(), "non-ASCII output {out:?} for {input:?}");
        assert_eq!(
            check_gateway_url(out, &opts).as_ref(),
            Ok(out),
            "output is not a fixed point for {input:?}"
        );

        let parsed = whatwg
            .as_ref()
            .unwrap_or_else(|e| panic!("accepted {input:?} but WHATWG refuses it: {e}"));
        assert_eq!(
            parsed.as_str(),
            out,
            "accepted {input:?}: WHATWG href differs from our output"
        );
        match parsed.scheme() {
            "https" => {}
            "http" => assert!(
                opts.allow_http,
                "http accepted without allowHttp: {input:?}"
            ),
            s => panic!("scheme {s} accepted: {input:?}"),
        }
        assert!(
            parsed.username().is_empty() && parsed.password().is_none(),
            "userinfo accepted: {input:?}"
        );
        assert!(parsed.fragment().is_none(), "fragment accepted: {input:?}");
        assert_ne!(parsed.port(), Some(0), "port 0 accepted: {input:?}");
        if !opts.allow_any_path {
            assert_eq!(
                parsed.path(),
                "/_matrix/push/v1/notify",
                "other path accepted: {input:?}"
            );
        }
        for looser in common::looser(&opts) {
            assert_eq!(
                check_gateway_url(input, &looser).as_ref(),
                Ok(out),
                "looser options refuse {input:?}"
            );
        }
    }

    assert_eq!(
        check_web_push_url(input, &opts),
        check_gateway_url(
            input,
            &Options {
                allow_any_path: true,
                ..opts.clone()
            }
        ),
        "the web push URL check is not the gateway check with any path: {input:?}"
    );

    if let (false, Ok(parsed)) = (opts.allow_private_hosts, &whatwg) {
        let blocked = match parsed.host() {
            Some(Host::Ipv4(a)) => common::blocked_v4(a),
            Some(Host::Ipv6(a)) => common::blocked_v6(a),
            Some(Host::Domain(d)) => common::blocked_name(d),
            None => false,
        };
        let listed = !opts.allowed_private_hosts.is_empty()
            && parsed.host().is_some_and(|h| common::allowlisted(&h));
        assert!(
            !(blocked && !listed && result.is_ok()),
            "blocked host accepted: {input:?} -> {:?}",
            parsed.host()
        );
        if listed {
            let open = Options {
                allow_private_hosts: true,
                ..opts.clone()
            };
            assert_eq!(
                result,
                check_gateway_url(input, &open),
                "a listed host is judged otherwise than with allowPrivateHosts: {input:?}"
            );
        }
    }
});
