// The JavaScript surface of the built package: options, every input form, what never throws,
// validateWithJson, init. Imported by name, as users import it.

import assert from "node:assert/strict";
import { test } from "node:test";
import init, { httpStatus, initSync, validate, validateWithJson } from "matrix-pusher-validator";
import { fixtureCases } from "../lib/fixtures.mjs";

const BODY = {
  kind: "http",
  app_id: "im.vector.app.android",
  pushkey:
    "APA91bHPRgkF3JUikC4ENAHEeMrd41Zxv3hVZjC9KtT8OvPVGJ-hQMRKRrZuJAEcl7B338qju59zJMjw2DELjzEvxwYv7hH5Ynpc1ODQ0aT4U4OFEeco8ohsN5PjL1iC2dNtk2BAokeMCg2ZXKqpc8FXKmhX94kIxQ",
  app_display_name: "Element",
  device_display_name: "Pixel 8",
  lang: "en_US",
  data: { url: "https://push.example.org/_matrix/push/v1/notify", format: "event_id_only" },
};
const TEXT = JSON.stringify(BODY);
const pairs = (list) => list.map((p) => [p.errcode ?? p.code, p.path]);

function assertRejected(outcome, errcode, path) {
  assert.equal(outcome.ok, false, JSON.stringify(outcome));
  assert.deepEqual(pairs(outcome.errors), [[errcode, path]]);
  assert.equal(outcome.errcode, errcode);
  assert.equal(typeof outcome.error, "string");
  assert.ok(outcome.error.length > 0);
}

test("a valid body is accepted from every input form, with the same outcome", () => {
  const bytes = new TextEncoder().encode(TEXT);
  const fromString = validate(TEXT);
  assert.equal(fromString.ok, true, JSON.stringify(fromString));
  assert.equal(fromString.action, "set");
  assert.equal(fromString.pusher.lang, "en-US");
  assert.deepEqual(validate(bytes), fromString);
  assert.deepEqual(validate(bytes.buffer), fromString);
  assert.deepEqual(validate(Buffer.from(TEXT)), fromString);
  assert.deepEqual(validate(BODY), fromString);
});

test("the outcome is made of plain objects and arrays, never a Map", () => {
  const outcome = validate({ ...BODY, "org.matrix.msc3881.enabled": true });
  const walk = (value) => {
    if (value === null || typeof value !== "object") return;
    const proto = Object.getPrototypeOf(value);
    assert.ok(proto === Object.prototype || proto === Array.prototype, `a ${value.constructor?.name}`);
    Object.values(value).forEach(walk);
  };
  walk(outcome);
  assert.equal(outcome.ok, true);
  assert.ok(outcome.warnings.length > 0);
});

test("a Uint8Array view at an offset is read from its own bytes only", () => {
  const padded = new TextEncoder().encode(`xxxx${TEXT}yyyy`);
  const view = padded.subarray(4, padded.length - 4);
  assert.deepEqual(validate(view), validate(TEXT));
  assert.equal(new TextDecoder().decode(view), TEXT, "the input is left as it was");
});

test("invalid input never throws", () => {
  const cyclic = { ...BODY };
  cyclic.data = { ...BODY.data, self: cyclic };
  const cases = [
    ["not JSON", "{", "M_NOT_JSON", ""],
    ["empty string", "", "M_NOT_JSON", ""],
    ["not UTF-8 bytes", new Uint8Array([0x7b, 0xff, 0x7d]), "M_NOT_JSON", ""],
    ["a lone high surrogate in a string", `{"kind":"http","app_id":"\uD800"}`, "M_NOT_JSON", ""],
    ["a lone low surrogate in a string", `\uDC00${TEXT}`, "M_NOT_JSON", ""],
    ["a cyclic object", cyclic, "M_BAD_JSON", ""],
    ["a BigInt member", { ...BODY, pushkey: 1n }, "M_BAD_JSON", ""],
    ["a BigInt", 10n, "M_BAD_JSON", ""],
    ["a Map", new Map([["kind", "http"]]), "M_BAD_JSON", ""],
    ["a Map member", { ...BODY, data: new Map() }, "M_BAD_JSON", ""],
    ["a Date member", { ...BODY, lang: new Date(0) }, "M_BAD_JSON", ""],
    ["a class instance", new (class Request {})(), "M_BAD_JSON", ""],
    ["a boxed string", { ...BODY, lang: new String("en") }, "M_BAD_JSON", ""],
    ["a function member", { ...BODY, toJSON: () => ({}) }, "M_BAD_JSON", ""],
    ["a symbol member", { ...BODY, lang: Symbol("en") }, "M_BAD_JSON", ""],
    ["NaN in data", { ...BODY, data: { ...BODY.data, n: Number.NaN } }, "M_BAD_JSON", ""],
    ["Infinity in data", { ...BODY, data: { ...BODY.data, n: Infinity } }, "M_BAD_JSON", ""],
    ["undefined in an array", { ...BODY, data: { ...BODY.data, a: [1, undefined] } }, "M_BAD_JSON", ""],
    // biome-ignore lint/suspicious/noSparseArray: a hole, which JSON.stringify writes as null, is the case
    ["a hole in an array", { ...BODY, data: { ...BODY.data, a: [1, , 2] } }, "M_BAD_JSON", ""],
    ["undefined", undefined, "M_BAD_JSON", ""],
    ["a function", () => {}, "M_BAD_JSON", ""],
    ["null", null, "M_BAD_JSON", ""],
    ["a number", 5, "M_BAD_JSON", ""],
    ["an array", [BODY], "M_BAD_JSON", ""],
    ["a Uint16Array", new Uint16Array([0x7b7d]), "M_BAD_JSON", ""],
    [
      "a getter throwing what has no text",
      Object.defineProperty({ ...BODY }, "lang", {
        enumerable: true,
        get() {
          throw Object.create(null);
        },
      }),
      "M_BAD_JSON",
      "",
    ],
    [
      "a revoked proxy",
      (() => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return { ...BODY, data: proxy };
      })(),
      "M_BAD_JSON",
      "",
    ],
    [
      "a throwing getter",
      Object.defineProperty({ ...BODY }, "lang", {
        enumerable: true,
        get() {
          throw new Error("boom");
        },
      }),
      "M_BAD_JSON",
      "",
    ],
  ];
  for (const [what, input, errcode, path] of cases) {
    let outcome;
    assert.doesNotThrow(() => {
      outcome = validate(input);
    }, what);
    assert.doesNotThrow(() => validateWithJson(input), what);
    assert.equal(validateWithJson(input).pusherJson, null, what);
    try {
      assertRejected(outcome, errcode, path);
    } catch (error) {
      error.message = `${what}: ${error.message}`;
      throw error;
    }
  }
});

test("a member whose value is undefined reads as absent, as in JSON.stringify", () => {
  const outcome = validate({ ...BODY, profile_tag: undefined });
  assert.deepEqual(outcome, validate(BODY));
});

test("an object nested far past maxDepth is refused at the first too-deep container, without a throw", () => {
  let deep = {};
  const top = { ...BODY, data: { ...BODY.data, deep } };
  for (let i = 0; i < 100_000; i++) {
    const next = {};
    deep.next = next;
    deep = next;
  }
  // body (1) > data (2) > deep (3) > next (4): with maxDepth 3, /data/deep/next is the first past it.
  const outcome = validate(top, { maxDepth: 3 });
  assertRejected(outcome, "M_BAD_JSON", "/data/deep/next");
  assert.deepEqual(
    outcome,
    validate(JSON.stringify({ ...BODY, data: { ...BODY.data, deep: { next: {} } } }), { maxDepth: 3 }),
  );
  // The same with the default limit, and a cycle far below it.
  deep.next = top;
  assert.equal(validate(top).errcode, "M_BAD_JSON");
});

test("an object and its JSON text give the same outcome, big and escaped values included", () => {
  const body = {
    ...BODY,
    app_display_name: 'Élément \u2028 "quoted" \\ \u0001',
    device_display_name: "📱 phone",
    data: {
      ...BODY.data,
      default_payload: { aps: { "mutable-content": 1, alert: { loc_key: "SYNC" } } },
      n: -0,
      e: 1e21,
    },
  };
  assert.deepEqual(validate(body), validate(JSON.stringify(body)));
});

test("options change the outcome", () => {
  const http = { ...BODY, data: { url: "http://push.example.org/_matrix/push/v1/notify" } };
  assertRejected(validate(http), "M_INVALID_PARAM", "/data/url");
  assert.equal(validate(http, { allowHttp: true }).ok, true);
  const local = { ...BODY, data: { url: "https://127.0.0.1/_matrix/push/v1/notify" } };
  assertRejected(validate(local), "M_INVALID_PARAM", "/data/url");
  assert.equal(validate(local, { allowPrivateHosts: true }).ok, true);
  const otherPath = { ...BODY, data: { url: "https://push.example.org/notify" } };
  assertRejected(validate(otherPath), "M_INVALID_PARAM", "/data/url");
  assert.equal(validate(otherPath, { allowAnyPath: true }).ok, true);
  assertRejected(validate(BODY, { kinds: ["email"] }), "M_INVALID_PARAM", "/kind");
  assertRejected(validate(TEXT, { maxBodyBytes: TEXT.length - 1 }), "M_TOO_LARGE", "");
  assert.equal(validate(TEXT, { maxBodyBytes: TEXT.length }).ok, true);
  assert.deepEqual(pairs(validate(BODY, { maxDisplayNameChars: 3 }).errors), [
    ["M_INVALID_PARAM", "/app_display_name"],
    ["M_INVALID_PARAM", "/device_display_name"],
  ]);
  assertRejected(validate(BODY, { maxUrlChars: 10 }), "M_INVALID_PARAM", "/data/url");
  assertRejected(validate(BODY, { maxDataBytes: 10 }), "M_INVALID_PARAM", "/data");
  // Options given as undefined mean the defaults.
  assert.deepEqual(validate(BODY, { allowHttp: undefined, kinds: undefined }), validate(BODY));
  assert.deepEqual(validate(BODY, null), validate(BODY));
});

test("many option sets used in turn each give their own outcome", () => {
  // More sets than the module keeps at once (it starts its slots over), in a shuffled order,
  // between calls with the defaults and with refused options.
  const sets = Array.from({ length: 45 }, (_, i) => ({ maxBodyBytes: TEXT.length - 22 + i }));
  const order = [];
  for (let round = 0; round < 3; round++)
    for (let i = 0; i < sets.length; i++) order.push((i * 17 + round * 5) % sets.length);
  const bytes = new TextEncoder().encode(TEXT);
  for (const [step, i] of order.entries()) {
    const outcome = validate(step % 2 === 0 ? TEXT : bytes, sets[i]);
    if (sets[i].maxBodyBytes >= TEXT.length) assert.equal(outcome.ok, true, `set ${i}, step ${step}`);
    else assertRejected(outcome, "M_TOO_LARGE", "");
    if (step % 7 === 0) assert.equal(validate(TEXT).ok, true);
    if (step % 11 === 0) assert.throws(() => validate(TEXT, { maxBodyBytes: -1 }), TypeError);
    if (step % 13 === 0) assertRejected(validate(BODY, { kinds: ["email"] }), "M_INVALID_PARAM", "/kind");
  }
  // The same text means the same options, however the object was made.
  assert.equal(validate(TEXT, JSON.parse(JSON.stringify(sets[22]))).ok, true);
  assertRejected(validate(TEXT, { ...sets[21] }), "M_TOO_LARGE", "");
});

test("options changed in place between calls are read afresh", () => {
  const options = { maxBodyBytes: 10, kinds: ["email"] };
  assertRejected(validate(TEXT, options), "M_TOO_LARGE", "");
  options.maxBodyBytes = TEXT.length;
  assertRejected(validate(TEXT, options), "M_INVALID_PARAM", "/kind");
  options.kinds.push("http");
  assert.equal(validate(TEXT, options).ok, true);
  options.kinds[1] = "webpush";
  assertRejected(validate(TEXT, options), "M_INVALID_PARAM", "/kind");
  options.kinds.length = 0;
  assertRejected(validate(TEXT, options), "M_INVALID_PARAM", "/kind");
  options.kinds = "http";
  assert.throws(() => validate(TEXT, options), /kinds/);
  // The same values under other names, in another order, or one level deeper are other options.
  assert.equal(validate(TEXT, { kinds: ["http"], maxBodyBytes: TEXT.length }).ok, true);
  assert.throws(() => validate(TEXT, { kinds: [["http"]], maxBodyBytes: TEXT.length }), /kinds/);
  assert.throws(() => validate(TEXT, { kind: ["http"], maxBodyBytes: TEXT.length }), /kind/);
  assertRejected(validate(TEXT, { maxBodyBytes: TEXT.length - 1, kinds: ["http"] }), "M_TOO_LARGE", "");
});

test("bad options throw a TypeError that names the option", () => {
  const bad = [
    [{ allowHTTP: true }, /allowHTTP/],
    [{ allow_http: true }, /allow_http/],
    [{ allowHttp: "yes" }, /allowHttp/],
    [{ allowPrivateHosts: 1 }, /allowPrivateHosts/],
    [{ allowAnyPath: null }, /allowAnyPath/],
    [{ kinds: "http" }, /kinds/],
    [{ kinds: ["http", "sms"] }, /options\.kinds must be an array of "http", "email" and "webpush"/],
    [{ kinds: [null] }, /kinds/],
    [{ maxBodyBytes: -1 }, /maxBodyBytes/],
    [{ maxDepth: 1.5 }, /maxDepth/],
    [{ maxDataBytes: "4096" }, /maxDataBytes/],
    [{ maxDisplayNameChars: Number.NaN }, /maxDisplayNameChars/],
    [{ maxUrlChars: 2 ** 53 }, /maxUrlChars/],
    [{ allowedPrivateHosts: ["ntfy.home.arpa", "*.lan"] }, /allowedPrivateHosts: "\*\.lan"/],
    [{ allowedPrivateHosts: "10.0.0.1" }, /allowedPrivateHosts/],
    [{ kinds: ["webpush", "org.matrix.msc4174.webpush"] }, /kinds/],
    [{ allowHttp: () => true }, /options\.allowHttp cannot be a function/],
    [{ maxDepth: 10n }, /options\.maxDepth cannot be the BigInt/],
    [{ allowedPrivateHosts: [new URL("https://ntfy.lan")] }, /options\.allowedPrivateHosts\[0\] cannot be an object/],
    [{ allowedPrivateHosts: [undefined] }, /options\.allowedPrivateHosts\[0\] cannot be undefined/],
    [{ maxDepth: Infinity }, /options\.maxDepth cannot be number Infinity/],
    [Object.assign(Object.create(null), { ["__proto__"]: true }), /__proto__/],
    ["allowHttp", /options must be an object/],
    [[], /options must be an object/],
    [true, /options must be an object/],
  ];
  for (const [i, [options, message]] of bad.entries()) {
    for (const input of [TEXT, new TextEncoder().encode(TEXT), BODY, "not json", 10n]) {
      assert.throws(
        () => validate(input, options),
        (error) => error instanceof TypeError && message.test(error.message),
        `bad options #${i}`,
      );
      assert.throws(() => validateWithJson(input, options), TypeError);
    }
  }
});

test("a getter in the input that calls validate with other options leaves the outer call's options alone", () => {
  const lan = { ...BODY, data: { url: "http://192.168.1.20/_matrix/push/v1/notify" } };
  const strict = { kinds: ["http"] };
  const loose = { allowHttp: true, allowedPrivateHosts: ["192.168.1.0/24"], maxDepth: 64 };
  for (const [outer, inner] of [
    [strict, loose],
    [loose, strict],
    [undefined, loose],
    [loose, undefined],
  ]) {
    let innerOutcome;
    const input = {
      ...lan,
      get device_display_name() {
        innerOutcome = validate(lan, inner);
        // A nested call that throws for its own bad options changes nothing either.
        assert.throws(() => validate(lan, { maxDepth: -1 }), TypeError);
        return "Pixel 8";
      },
    };
    for (const fn of [validate, (i, o) => validateWithJson(i, o).outcome]) {
      const got = fn(input, outer);
      assert.deepEqual(
        got,
        validate({ ...lan, device_display_name: "Pixel 8" }, outer),
        JSON.stringify({ outer, inner }),
      );
      assert.deepEqual(innerOutcome, validate(lan, inner));
    }
  }
  // The outer call's depth limit too: maxDepth 2 refuses data's nested object even though the
  // getter ran validate with maxDepth 64.
  const deep = {
    ...BODY,
    get lang() {
      validate(BODY, { maxDepth: 64 });
      return "en";
    },
    data: { ...BODY.data, nested: { a: [1] } },
  };
  assert.deepEqual(pairs(validate(deep, { maxDepth: 2 }).errors), [["M_BAD_JSON", "/data/nested"]]);
});

test("a getter in the options is read once", () => {
  let reads = 0;
  const options = {
    get allowHttp() {
      reads += 1;
      return reads === 1 ? true : () => true;
    },
  };
  const outcome = validate({ ...BODY, data: { url: "http://push.example.org/_matrix/push/v1/notify" } }, options);
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  assert.equal(reads, 1);
});

test("web push, MSC3881 and the allowlist through the package", () => {
  const key = "BFPkO8wvKilLZnZYQdhWAPKjkp0l6Fp-j82RBOsD84xv25rTdtmUH_59xbi-F3rhz1-lhdapQjrtJrF_4ppl3pY";
  const web = {
    ...BODY,
    kind: "webpush",
    pushkey: key,
    data: { url: "https://updates.push.services.mozilla.com/wpush/v2/abc", auth: "ZlgTFFmdkbupEZ40Khzjjw" },
    "org.matrix.msc3881.device_id": "WEB",
    "org.matrix.msc3881.enabled": false,
  };
  assertRejected(validate(web), "M_INVALID_PARAM", "/kind");
  const set = validate(web, { kinds: ["webpush"] });
  assert.equal(set.ok, true, JSON.stringify(set));
  assert.deepEqual(Object.keys(set.pusher).slice(-3), [
    "data",
    "org.matrix.msc3881.enabled",
    "org.matrix.msc3881.device_id",
  ]);
  assertRejected(
    validate({ ...web, pushkey: `${key.slice(0, 85)}AA` }, { kinds: ["webpush"] }),
    "M_INVALID_PARAM",
    "/pushkey",
  );
  const lan = { ...BODY, data: { url: "https://192.168.1.20/_matrix/push/v1/notify" } };
  assertRejected(validate(lan), "M_INVALID_PARAM", "/data/url");
  assert.equal(validate(lan, { allowedPrivateHosts: ["192.168.1.0/24"] }).ok, true);
  assertRejected(validate(lan, { allowedPrivateHosts: ["192.168.2.0/24"] }), "M_INVALID_PARAM", "/data/url");
});

test("validateWithJson gives the pusher's exact JSON for a set, null otherwise", () => {
  const text = TEXT.replace(
    '"format":"event_id_only"',
    '"format":"event_id_only","big":12345678901234567890123,"tiny":1e-400,"emoji":"😀\u2028"',
  );
  const { outcome, pusherJson } = validateWithJson(text);
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  assert.equal(typeof pusherJson, "string");
  assert.ok(pusherJson.includes('"big":12345678901234567890123'), pusherJson);
  assert.ok(pusherJson.includes('"tiny":1e-400'), pusherJson);
  assert.deepEqual(JSON.parse(pusherJson), outcome.pusher);
  assert.ok(pusherJson.startsWith('{"kind":"http","app_id":'), pusherJson);
  assert.ok(pusherJson.endsWith('"emoji":"😀\u2028"}}'), pusherJson);
  assert.deepEqual(outcome, validate(text));

  const deleted = validateWithJson({ kind: null, app_id: BODY.app_id, pushkey: BODY.pushkey });
  assert.equal(deleted.outcome.action, "delete");
  assert.equal(deleted.pusherJson, null);
  const rejected = validateWithJson("[]");
  assert.equal(rejected.outcome.ok, false);
  assert.equal(rejected.pusherJson, null);
});

test("init is exported everywhere and resolves at once in Node; initSync is a no-op", async () => {
  assert.equal(await init(), undefined);
  assert.equal(await init(), undefined);
  assert.doesNotThrow(() => initSync(new Uint8Array()));
  assert.equal(validate(TEXT).ok, true);
});

test("the .wasm is reachable as the /wasm subpath", async () => {
  const { createRequire } = await import("node:module");
  const require = createRequire(import.meta.url);
  const path = require.resolve("matrix-pusher-validator/wasm");
  assert.match(path, /matrix_pusher_validator_bg\.wasm$/);
  const { readFileSync } = await import("node:fs");
  assert.ok(WebAssembly.validate(readFileSync(path)));
});

test("a body past maxBodyBytes is refused for its size whatever it holds, in every input form", () => {
  const huge = new Uint8Array(10_000_000).fill(0xff);
  assertRejected(validate(huge), "M_TOO_LARGE", "");
  assertRejected(validate(huge.buffer), "M_TOO_LARGE", "");
  assertRejected(validate("\uD800".repeat(70_000)), "M_TOO_LARGE", "");
  // 30000 × "é" is 60000 bytes: within the default limit, so the lone surrogate is reported...
  assertRejected(validate(`${"é".repeat(30_000)}\uD800`), "M_NOT_JSON", "");
  // ...and past a 50000-byte limit, the size is, as for the same text sent as bytes.
  assertRejected(validate(`${"é".repeat(30_000)}\uD800`, { maxBodyBytes: 50_000 }), "M_TOO_LARGE", "");
  assertRejected(validate(new TextEncoder().encode("é".repeat(30_000)), { maxBodyBytes: 50_000 }), "M_TOO_LARGE", "");
  // One byte or character past the limit is enough; at the limit the body is read.
  assertRejected(validate(`${TEXT} `, { maxBodyBytes: TEXT.length }), "M_TOO_LARGE", "");
  assertRejected(validate(new TextEncoder().encode(`${TEXT} `), { maxBodyBytes: TEXT.length }), "M_TOO_LARGE", "");
  assert.equal(validate(new TextEncoder().encode(TEXT), { maxBodyBytes: TEXT.length }).ok, true);
  assertRejected(validate({ ...BODY, data: { ...BODY.data, big: "x".repeat(70_000) } }), "M_TOO_LARGE", "");
});

test("httpStatus answers the status of docs/rules.md section 1 for each code, and refuses other names", () => {
  const table = { M_TOO_LARGE: 413, M_NOT_JSON: 400, M_BAD_JSON: 400, M_MISSING_PARAM: 400, M_INVALID_PARAM: 400 };
  for (const [errcode, status] of Object.entries(table)) assert.equal(httpStatus(errcode), status, errcode);
  for (const other of ["M_UNKNOWN", "m_bad_json", "", undefined, 400])
    assert.throws(() => httpStatus(other), TypeError);
  // Every code the fixtures expect is one httpStatus knows, with the status of the table.
  for (const c of fixtureCases()) {
    for (const [errcode] of c.expect?.errors ?? []) assert.equal(httpStatus(errcode), table[errcode], errcode);
  }
  // Every rejection the package gives names a code httpStatus knows.
  assert.equal(httpStatus(validate("{").errcode), 400);
  assert.equal(httpStatus(validate("[]".padEnd(70_000), { maxBodyBytes: 10 }).errcode), 413);
});

test("the browser entry's initSync, called again, keeps the options the module holds", async () => {
  const { readFileSync } = await import("node:fs");
  const { createRequire } = await import("node:module");
  const pkg = createRequire(import.meta.url)
    .resolve("matrix-pusher-validator/wasm")
    .replace(/[^/]+$/, "");
  const browser = await import(new URL(`file://${pkg}index.js`).href);
  const wasm = readFileSync(`${pkg}matrix_pusher_validator_bg.wasm`);
  browser.initSync(wasm);
  const small = { maxBodyBytes: 64 };
  assertRejected(browser.validate(TEXT, small), "M_TOO_LARGE", "");
  browser.initSync(wasm);
  // The defaults again: the module must be told, though a second initSync ran in between.
  assert.equal(browser.validate(TEXT).ok, true);
});

/** The outcome as `JSON.parse` reads the validator's text of it: what `validate` must equal. */
const parsedOutcome = (input, options) => validateWithJson(input, options).outcome;

test("nested data values are each outcome's own: changing one changes no later outcome", () => {
  const nestedText =
    '{"aps":{"mutable-content":1,"alert":{"loc-key":"Notification","loc-args":[]}},"list":[{"a":1}],"__proto__":{"inner":[1]}}';
  const text = `${TEXT.slice(0, -2)},"default_payload":${nestedText}}}`;
  const nested = JSON.parse(nestedText);
  const first = validate(text);
  assert.equal(first.ok, true, JSON.stringify(first));
  assert.deepEqual(first.pusher.data.default_payload, nested);
  const mine = first.pusher.data.default_payload;
  mine.aps.alert["loc-args"].push("changed");
  mine.aps["mutable-content"] = 0;
  mine.list[0].a = 2;
  Object.getOwnPropertyDescriptor(mine, "__proto__").value.inner.push(2);
  delete mine.aps.alert;
  const second = validate(text);
  assert.deepEqual(second.pusher.data.default_payload, nested);
  assert.equal(JSON.stringify(second), JSON.stringify(parsedOutcome(text)));
  assert.deepEqual(Object.getOwnPropertyDescriptor(second.pusher.data.default_payload, "__proto__").value, {
    inner: [1],
  });
});

test("data of every shape, met once or again, has the members and order JSON.parse gives", () => {
  const url = "https://push.example.org/_matrix/push/v1/notify";
  const shapes = [
    `{"url":"${url}","format":"event_id_only","default_payload":{"cs":"1"}}`,
    `{"format":"event_id_only","url":"${url}","default_payload":{"cs":"2"}}`,
    `{"url":"${url}","brand":"Element"}`,
    `{"url":"${url}","brand":"Other"}`,
    `{"url":"${url}","1":"one","0":"zero"}`,
    `{"url":"${url}","__proto__":{"polluted":true}}`,
    `{"url":"${url}","__proto__":"text"}`,
    `{"url":"${url}","default_payload":{"__proto__":{"polluted":true},"a":[{"__proto__":[1]}]}}`,
    `{"url":"${url}","n":-0,"x":1e400,"t":true,"f":false,"z":null,"a":[1,{"b":[]}]}`,
    `{"url":"${url}","a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7","h":"8","i":"9"}`,
  ];
  // More shapes than are kept, several times over, so that kept ones are met again and others
  // are replaced.
  for (let round = 0; round < 3; round++) {
    for (let k = 0; k < 12; k++) {
      for (const data of [...shapes, `{"url":"${url}","k${k}":${k},"s${k}":"${k}"}`]) {
        const text = `{"kind":"http","app_id":"a.b","pushkey":"k","app_display_name":"A","device_display_name":"D","lang":"en","data":${data}}`;
        const outcome = validate(text);
        const expected = parsedOutcome(text);
        assert.equal(outcome.ok, true, text);
        assert.equal(JSON.stringify(outcome), JSON.stringify(expected), text);
        assert.deepEqual(
          Object.getOwnPropertyNames(outcome.pusher.data),
          Object.getOwnPropertyNames(expected.pusher.data),
        );
        assert.equal(Object.getPrototypeOf(outcome.pusher.data), Object.prototype, text);
      }
    }
  }
  assert.equal({}.polluted, undefined);
});

test("text that is not ASCII reads the same in every string of the outcome", () => {
  const body = {
    ...BODY,
    app_display_name: "Élément 🐙",
    device_display_name: "Alice’s iPhone",
    profile_tag: "ü",
    data: { ...BODY.data, brand: "𝔼lement", default_payload: { clé: ["é", "🐙", { ß: "ü" }] } },
  };
  for (const input of [JSON.stringify(body), new TextEncoder().encode(JSON.stringify(body)), body]) {
    const outcome = validate(input);
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.equal(JSON.stringify(outcome), JSON.stringify(parsedOutcome(input)));
    assert.equal(outcome.pusher.app_display_name, "Élément 🐙");
    assert.equal(outcome.pusher.device_display_name, "Alice’s iPhone");
    assert.deepEqual(outcome.pusher.data.default_payload, body.data.default_payload);
  }
  // And a rejection's messages, which quote what was sent.
  const refused = validate(JSON.stringify({ ...body, lang: "ünglish" }));
  assert.equal(refused.ok, false);
  assert.equal(JSON.stringify(refused), JSON.stringify(parsedOutcome(JSON.stringify({ ...body, lang: "ünglish" }))));
});
