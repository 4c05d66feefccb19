// Differential tests of the gateway-URL rules (docs/rules.md section 4) against Node's WHATWG `URL`,
// through the built package, over generated URLs.
//
//   node --test tests/hardening/url-differential.test.mjs
//   HARDENING_RUNS=20000 HARDENING_SEED=42 node --test tests/hardening/url-differential.test.mjs
import assert from "node:assert/strict";
import { test } from "node:test";

import fc from "fast-check";
import { validate } from "matrix-pusher-validator";

import { allowedBy, classifyHostname } from "./lib/ranges.mjs";
import {
  allowlistCase,
  blockedUrl,
  gatewayUrl,
  NOTIFY,
  trickWithAllowlist,
  urlOptions,
  validUrl,
} from "./lib/urlgen.mjs";

const RUNS = Number(process.env.HARDENING_RUNS ?? 4000);
const SEED = process.env.HARDENING_SEED === undefined ? undefined : Number(process.env.HARDENING_SEED);
const params = { numRuns: RUNS, seed: SEED, endOnFailure: false };

/** A set request whose only questionable member is `data.url`. */
export function bodyWithUrl(url) {
  return JSON.stringify({
    kind: "http",
    app_id: "org.example.app",
    pushkey: "key",
    app_display_name: "App",
    device_display_name: "Device",
    lang: "en",
    data: { url },
  });
}

function check(url, options) {
  const out = validate(bodyWithUrl(url), options);
  if (!out.ok) {
    // The URL is the only thing wrong, so it is the one problem.
    assert.deepEqual(
      out.errors.map((e) => [e.errcode, e.path]),
      [["M_INVALID_PARAM", "/data/url"]],
      `unexpected problems for ${JSON.stringify(url)}`,
    );
  }
  return out;
}

function whatwg(url) {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

test("every accepted gateway URL is exactly what the WHATWG parser makes of it", () => {
  fc.assert(
    fc.property(gatewayUrl, urlOptions, (url, options) => {
      const out = check(url, options);
      if (!out.ok) return;
      const parsed = whatwg(url);
      assert.ok(parsed, `accepted ${JSON.stringify(url)}, which WHATWG refuses`);
      assert.equal(
        out.pusher.data.url,
        parsed.href,
        `accepted ${JSON.stringify(url)}: output differs from the WHATWG href`,
      );
      assert.ok(
        parsed.protocol === "https:" || (parsed.protocol === "http:" && options.allowHttp),
        `scheme ${parsed.protocol}`,
      );
      assert.equal(parsed.username + parsed.password, "", "userinfo accepted");
      assert.equal(parsed.hash, "", "fragment accepted");
      if (!options.allowAnyPath) assert.equal(parsed.pathname, NOTIFY);
      // The output is a fixed point: validated again, it comes back unchanged and not normalized.
      const again = check(out.pusher.data.url, options);
      assert.ok(again.ok, "the output URL is refused");
      assert.equal(again.pusher.data.url, out.pusher.data.url);
      assert.ok(!again.warnings.some((w) => w.code === "normalized"), "the output URL is normalized again");
    }),
    params,
  );
});

test("a host WHATWG reads as a blocked address or name is refused without allowPrivateHosts", () => {
  const blockedIn = (url) => {
    const parsed = whatwg(url);
    return parsed !== null && classifyHostname(parsed.hostname).blocked;
  };
  const anyOptions = urlOptions.map((o) => ({ ...o, allowPrivateHosts: false }));
  fc.assert(
    fc.property(fc.oneof(blockedUrl, gatewayUrl), anyOptions, (url, options) => {
      if (!blockedIn(url)) return;
      const out = check(url, options);
      assert.equal(out.ok, false, `accepted ${JSON.stringify(url)} (WHATWG host ${whatwg(url).hostname})`);
    }),
    params,
  );
});

test("loosening an option never refuses a URL that was accepted, nor changes its output", () => {
  fc.assert(
    fc.property(
      fc.oneof(gatewayUrl, blockedUrl),
      urlOptions,
      fc.constantFrom("allowHttp", "allowPrivateHosts", "allowAnyPath"),
      (url, options, loosen) => {
        const strict = check(url, options);
        if (!strict.ok) return;
        const loose = check(url, { ...options, [loosen]: true });
        assert.ok(loose.ok, `${loosen} refuses ${JSON.stringify(url)}`);
        assert.equal(loose.pusher.data.url, strict.pusher.data.url);
      },
    ),
    params,
  );
});

test("the generators reach both outcomes and every host family", () => {
  // Guards the properties above against generators that drifted into producing only refusals.
  const seen = { accepted: 0, refused: 0, v4: 0, v6: 0, name: 0, blockedRefused: 0 };
  for (const url of fc.sample(fc.oneof(gatewayUrl, blockedUrl), { numRuns: 3000, seed: 7 })) {
    const out = check(url, { allowHttp: true, allowPrivateHosts: true, allowAnyPath: true });
    seen[out.ok ? "accepted" : "refused"] += 1;
    const parsed = whatwg(url);
    if (!parsed || !out.ok) continue;
    const c = classifyHostname(parsed.hostname);
    seen[c.ip === 4 ? "v4" : c.ip === 6 ? "v6" : "name"] += 1;
    if (c.blocked && !check(url, { allowHttp: true, allowAnyPath: true }).ok) seen.blockedRefused += 1;
  }
  for (const [k, n] of Object.entries(seen)) assert.ok(n >= 30, `only ${n} ${k} in 3000 samples`);
});

test("every URL that docs/rules.md section 4 allows is accepted, as its WHATWG href", () => {
  fc.assert(
    fc.property(validUrl, ({ url, options }) => {
      const out = check(url, options);
      assert.ok(out.ok, `refused ${JSON.stringify(url)}`);
      assert.equal(out.pusher.data.url, new URL(url).href);
    }),
    params,
  );
});

test("an allowlisted host is accepted exactly when its address or name matches an entry", () => {
  let matched = 0;
  let unmatched = 0;
  fc.assert(
    fc.property(allowlistCase, ({ url, entries }) => {
      const parsed = whatwg(url);
      assert.ok(parsed, url);
      const { blocked } = classifyHostname(parsed.hostname);
      const allowed = blocked && allowedBy(parsed.hostname, entries);
      if (blocked && allowed) matched += 1;
      else if (blocked) unmatched += 1;
      const out = check(url, { allowedPrivateHosts: entries });
      assert.equal(
        out.ok,
        !blocked || allowed,
        `${url} with ${JSON.stringify(entries)}: blocked ${blocked}, listed ${allowed}`,
      );
      if (out.ok) assert.equal(out.pusher.data.url, parsed.href);
      // The list lifts rule 5 only: the same host over http still needs allowHttp.
      const http = check(url.replace(/^https/, "http"), { allowedPrivateHosts: entries });
      assert.equal(http.ok, false);
    }),
    params,
  );
  assert.ok(matched > 0 && unmatched > 0, `matched ${matched}, unmatched ${unmatched}`);
});

test("numeric spellings stay refused whatever the allowlist holds", () => {
  fc.assert(
    fc.property(trickWithAllowlist, ({ url, entries }) => {
      assert.equal(check(url, { allowedPrivateHosts: entries, allowPrivateHosts: false }).ok, false, url);
      assert.equal(check(url, { allowPrivateHosts: true }).ok, false, url);
    }),
    params,
  );
});
