// The package's input forms against each other, over generated values: a JSON value handed over
// as an object is judged exactly as its JSON text is, and no JavaScript value at all (cycles,
// BigInts, Maps, sparse arrays, getters, prototypes, deep nesting) makes `validate` throw.
import assert from "node:assert/strict";
import { test } from "node:test";

import fc from "fast-check";
import { validate } from "matrix-pusher-validator";
import { pusher } from "../lib/pusher.mjs";

const RUNS = Number(process.env.HARDENING_RUNS ?? 4000);
const params = {
  numRuns: RUNS,
  seed: process.env.HARDENING_SEED === undefined ? undefined : Number(process.env.HARDENING_SEED),
};

const URL_OK = "https://push.example.org/_matrix/push/v1/notify";
const member = fc.constantFrom(
  "kind",
  "app_id",
  "pushkey",
  "app_display_name",
  "device_display_name",
  "lang",
  "profile_tag",
  "instance_handle",
  "data",
  "append",
  "url",
  "format",
  "__proto__",
  "constructor",
  "",
);
const leaf = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -0,
    1e21,
    1e-7,
    2 ** 53 + 2,
    -1.5,
    "",
    "http",
    "email",
    "m.email",
    "en_US",
    "a@b.c",
    URL_OK,
    "HTTPS://Push.Example.org:443/_matrix/push/v1/notify",
    "\u0000",
    "\ud83d\ude00",
  ),
  fc.string({ maxLength: 8 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
/** Pusher-shaped objects: real members, plausible and implausible values, nested data. */
const pusherish = fc
  .letrec((tie) => ({
    value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("array"), tie("object")),
    array: fc.array(tie("value"), { maxLength: 3 }),
    object: fc.dictionary(fc.oneof(member, fc.string({ maxLength: 4 })), tie("value"), { maxKeys: 5 }),
  }))
  .object.map((o) => pusher({ data: { url: URL_OK }, ...o }));

const summary = (out) =>
  JSON.stringify({
    ...out,
    errors: out.errors?.map((e) => [e.errcode, e.path]),
    error: undefined,
    warnings: out.warnings.map((w) => [w.code, w.path]),
  });

test("a JSON value given as an object is judged as its JSON text is", () => {
  fc.assert(
    fc.property(
      fc.oneof(pusherish, fc.jsonValue({ maxDepth: 4 }), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 })),
      fc.boolean(),
      (value, loose) => {
        const options = loose ? { allowHttp: true, allowPrivateHosts: true, allowAnyPath: true } : undefined;
        // A string input is the body's text, so only containers are values to compare.
        if (typeof value !== "object" || value === null) return;
        const text = JSON.stringify(value);
        // -0 is the one JSON number JSON.stringify does not write as it is (it writes 0).
        let negativeZero = false;
        JSON.stringify(value, (_, v) => {
          if (Object.is(v, -0)) negativeZero = true;
          return v;
        });
        if (negativeZero) return;
        assert.equal(summary(validate(value, options)), summary(validate(text, options)), text);
      },
    ),
    params,
  );
});

test("no JavaScript value makes validate throw, and every answer has the section 5 shape", () => {
  const cyclic = () => {
    const o = { kind: "http", data: {} };
    o.data.self = o;
    return o;
  };
  const getter = () =>
    Object.defineProperty({ kind: "http" }, "app_id", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
  const deep = (n) => {
    let v = { url: URL_OK };
    for (let i = 0; i < n; i += 1) v = { v };
    return { kind: "http", data: v };
  };
  const hostile = fc.oneof(
    fc.anything({
      withBigInt: true,
      withMap: true,
      withSet: true,
      withDate: true,
      withTypedArray: true,
      withSparseArray: true,
      withNullPrototype: true,
      withBoxedValues: true,
      withObjectString: true,
      maxDepth: 4,
    }),
    fc.constantFrom(
      cyclic(),
      deep(100000),
      [deep(600)],
      Object.create(null),
      new Proxy({}, {}),
      Symbol("s"),
      () => 1,
      10n,
      new ArrayBuffer(3),
      new Uint8Array([0xef, 0xbb, 0xbf]),
      new Uint16Array(4),
      new DataView(new ArrayBuffer(2)),
    ),
  );
  fc.assert(
    fc.property(fc.oneof(hostile, fc.constant(getter())), (value) => {
      let out;
      try {
        out = validate(value);
      } catch (err) {
        // A value that throws while being read may throw; nothing else may.
        if (String(err.message).includes("boom")) return;
        throw err;
      }
      assert.equal(typeof out.ok, "boolean");
      assert.ok(Array.isArray(out.warnings));
      if (!out.ok) {
        assert.match(out.errcode, /^M_[A-Z_]+$/);
        assert.ok(
          out.errors.length > 0 && out.errors.every((e) => typeof e.path === "string" && typeof e.message === "string"),
        );
      }
    }),
    { ...params, numRuns: Math.min(RUNS, 2000) },
  );
});
