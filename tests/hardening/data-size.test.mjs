// The size of `data` (README: the UTF-8 length of its compact serialization, strings written as
// JSON.stringify writes them) against JSON.stringify itself, over generated data objects: at
// exactly that many bytes `maxDataBytes` accepts, one byte less refuses at /data.
import assert from "node:assert/strict";
import { test } from "node:test";

import fc from "fast-check";
import { validate } from "matrix-pusher-validator";
import { pusher } from "../lib/pusher.mjs";

const RUNS = Number(process.env.HARDENING_RUNS ?? 4000);
const URL_OK = "https://push.example.org/_matrix/push/v1/notify";

// Well-formed strings only: a lone surrogate is not JSON text (M_NOT_JSON).
const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      "\u0000",
      "\u001f",
      "\u007f",
      '"',
      "\\",
      "/",
      "\u2028",
      "\ufeff",
      "é",
      "😀",
      "\b",
      "\f",
      "\n",
      "\r",
      "\t",
    ),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
  ),
  maxLength: 12,
});
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    tie("array"),
    tie("object"),
  ),
  array: fc.array(tie("value"), { maxLength: 3 }),
  object: fc.dictionary(text, tie("value"), { maxKeys: 3 }),
})).object;

test("data is measured as JSON.stringify writes it", () => {
  fc.assert(
    fc.property(json, (extra) => {
      const data = { url: URL_OK, ...extra };
      delete data.format;
      const size = Buffer.byteLength(JSON.stringify(data), "utf8");
      const body = JSON.stringify(pusher({ data }));
      const at = validate(body, { maxDataBytes: size });
      assert.ok(at.ok, `refused at ${size} bytes: ${JSON.stringify(at.errors)}`);
      const past = validate(body, { maxDataBytes: size - 1 });
      assert.deepEqual(
        past.ok ? [] : past.errors.map((e) => [e.errcode, e.path]),
        [["M_INVALID_PARAM", "/data"]],
        `at ${size - 1} bytes`,
      );
    }),
    { numRuns: RUNS },
  );
});
