// Random mutations of real payloads (every fixture body: client payloads, seed forms, hostile
// cases) sent to the worker never produce a 5xx or a body that is not a Matrix error, and the
// worker answers exactly what the package says: 200 {} when it accepts, else the same errcode and
// the same problems (errcode and path) as `validate` with the service's options.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { httpStatus, validate } from "matrix-pusher-validator";

import { caseBytes, fixtureCases } from "../lib/fixtures.mjs";
import { client, isMatrixError, startService } from "../lib/service.mjs";

const MUTATIONS = Number(process.env.HARDENING_MUTATIONS ?? 1500);
// The service's validator options (www/worker.js: kinds fixed to http, wrangler.toml defaults).
const SERVICE_OPTIONS = { kinds: ["http"] };

let service;
let me;
before(async () => {
  service = await startService({ quiet: true });
  me = client(service, await service.mint("@mutant:localhost"));
});
after(() => service?.dispose());

function payloads() {
  return fixtureCases()
    .map(caseBytes)
    .filter((bytes) => bytes.length <= 8192);
}

function makeRandom(seed) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  return (n) => next() % n;
}

const INTERESTING = ['"', "\\", "{", "}", "[", "]", ",", ":", "null", "1e999", "-0", "\\u0000", "\\ud800", "\u00e9", "\uffff", "\u2028", " ", "\t", "0x10", "NaN", "true"];
const VALUES = [null, true, false, 0, -1, 1e308, "", " ", "\u0000", "x".repeat(600), [], {}, [[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]], { url: 5 }, "https://127.0.0.1/_matrix/push/v1/notify", "en_US"];

/** One random change of a payload, at the byte level or, when it parses, at the JSON level. */
function mutate(bytes, random, all) {
  const b = Buffer.from(bytes);
  const at = () => random(b.length + 1);
  switch (random(9)) {
    case 0: { // flip a bit
      if (!b.length) return b;
      const i = random(b.length);
      b[i] ^= 1 << random(8);
      return b;
    }
    case 1: { // set a random byte
      if (!b.length) return b;
      b[random(b.length)] = random(256);
      return b;
    }
    case 2: { // insert an interesting token
      const i = at();
      return Buffer.concat([b.subarray(0, i), Buffer.from(INTERESTING[random(INTERESTING.length)]), b.subarray(i)]);
    }
    case 3: { // delete a range
      const i = at();
      return Buffer.concat([b.subarray(0, i), b.subarray(Math.min(b.length, i + 1 + random(16)))]);
    }
    case 4: { // duplicate a range
      const i = at();
      const j = Math.min(b.length, i + 1 + random(40));
      return Buffer.concat([b.subarray(0, j), b.subarray(i, j), b.subarray(j)]);
    }
    case 5: // truncate
      return b.subarray(0, at());
    case 6: { // splice with another payload
      const other = all[random(all.length)];
      return Buffer.concat([b.subarray(0, at()), other.subarray(random(other.length + 1))]);
    }
    default: { // JSON level: replace, delete or duplicate a member
      let doc;
      try {
        doc = JSON.parse(b.toString("utf8"));
      } catch {
        return Buffer.concat([b, b.subarray(0, random(b.length + 1))]);
      }
      if (doc === null || typeof doc !== "object") return Buffer.from(JSON.stringify([doc]));
      const holders = [];
      const walk = (v) => {
        if (v && typeof v === "object") {
          holders.push(v);
          for (const child of Object.values(v)) walk(child);
        }
      };
      walk(doc);
      const holder = holders[random(holders.length)];
      const keys = Object.keys(holder);
      const key = keys.length ? keys[random(keys.length)] : "url";
      const roll = random(3);
      if (roll === 0) holder[key] = VALUES[random(VALUES.length)];
      else if (roll === 1) delete holder[key];
      else {
        // A duplicate member, written as text (JSON.stringify cannot).
        const text = JSON.stringify(doc);
        const member = `${JSON.stringify(key)}:${JSON.stringify(VALUES[random(VALUES.length)])},`;
        const i = text.indexOf("{") + 1;
        return Buffer.from(text.slice(0, i) + member + text.slice(i));
      }
      return Buffer.from(JSON.stringify(doc));
    }
  }
}

test(`${MUTATIONS} mutated payloads: never a 5xx, always a Matrix answer, always what the package says`, async () => {
  const all = payloads();
  assert.ok(all.length > 500, `only ${all.length} payloads`);
  const random = makeRandom(Number(process.env.HARDENING_SEED ?? 20261128));
  const inputs = [];
  for (let i = 0; i < MUTATIONS; i += 1) {
    let bytes = all[random(all.length)];
    for (let n = 1 + random(3); n > 0; n -= 1) bytes = mutate(bytes, random, all);
    inputs.push(bytes);
  }
  // The corpus itself, unmutated, goes through too.
  inputs.push(...all);

  const statuses = {};
  const mismatches = [];
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < inputs.length) {
      const bytes = inputs[next++];
      const want = validate(bytes, SERVICE_OPTIONS);
      const res = await me.set(bytes);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const hex = bytes.length <= 512 ? bytes.toString("hex") : `${bytes.length} bytes`;
      if (res.status >= 500) {
        mismatches.push({ why: `status ${res.status}`, body: res.body, input: hex });
        continue;
      }
      assert.match(res.contentType ?? "", /^application\/json/);
      if (want.ok) {
        if (res.status !== 200 || JSON.stringify(res.body) !== "{}") mismatches.push({ why: "package accepts, worker does not", status: res.status, body: res.body, input: hex });
        // Keep the user under the pusher count limit.
        if (want.action === "set") await me.remove(want.pusher.app_id, want.pusher.pushkey);
      } else {
        const expected = { status: httpStatus(want.errcode), errcode: want.errcode, errors: want.errors.map((e) => [e.errcode, e.path]) };
        const got = { status: res.status, errcode: res.body.errcode, errors: (res.body.errors ?? []).map((e) => [e.errcode, e.path]) };
        if (!isMatrixError(res.body) || JSON.stringify(got) !== JSON.stringify(expected)) mismatches.push({ why: "answers differ", expected, got, input: hex });
      }
    }
  }));
  console.log(`mutations: ${inputs.length} payloads (${MUTATIONS} mutated), statuses ${JSON.stringify(statuses)}, ${mismatches.length} mismatches`);
  assert.deepEqual(mismatches.slice(0, 5), []);
});

test("mutated requests (method, path, Authorization, Content-Type) never get a 5xx or a non-Matrix error", async () => {
  const random = makeRandom(Number(process.env.HARDENING_SEED ?? 7));
  const token = await service.mint("@headers:localhost");
  // (A method workerd's HTTP server does not know, such as FOO, is answered 501 by workerd itself
  // and never reaches the worker.)
  const methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "get", "post"];
  const paths = [
    "/_matrix/client/v3/pushers/set", "/_matrix/client/r0/pushers", "/_matrix/client/api/v1/pushers/set",
    "/_matrix/client/versions", "/_matrix/client/v3/pushers/set/", "/_matrix//client/v3/pushers", "/_matrix/client/v3/pushers/../pushers",
    "/_matrix/client/v3/%70ushers", "/_matrix/client/V3/pushers", "/_matrix/client/v3/pushers?x=1", "/_matrix/client/v4/pushers", "/_matrix/",
    "/_matrix/client/v3/pushers/set%00", "/_matrix/client/v3/pushers;x", `/_matrix/${"a".repeat(5000)}`,
  ];
  const auths = [undefined, `Bearer ${token}`, `bearer ${token}`, "Bearer", "Bearer ", `Bearer ${token} x`, "Basic dXNlcjpwYXNz", `Bearer ${"t".repeat(5000)}`, "Bearer \u00e9", `Bearer\t${token}`];
  const types = [undefined, "application/json", "text/plain", "multipart/form-data; boundary=x", "application/json; charset=utf-16"];
  const body = JSON.stringify({ kind: "http", app_id: "org.example.app", pushkey: "h", app_display_name: "A", device_display_name: "D", lang: "en", data: { url: "https://push.example.org/_matrix/push/v1/notify" } });
  const bad = [];
  const statuses = {};
  for (let i = 0; i < 400; i += 1) {
    const method = methods[random(methods.length)];
    const path = paths[random(paths.length)];
    const headers = {};
    const auth = auths[random(auths.length)];
    if (auth !== undefined) headers.Authorization = auth;
    const type = types[random(types.length)];
    if (type !== undefined) headers["Content-Type"] = type;
    let res;
    try {
      res = await fetch(`${service.url}${path}`, { method, headers, body: ["GET", "HEAD", "get"].includes(method) ? undefined : body });
    } catch (err) {
      // A method or header the HTTP stack itself refuses never reaches the worker.
      if (/invalid|not a valid/i.test(String(err.message) + String(err.cause?.message))) continue;
      throw err;
    }
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    const text = await res.text();
    const where = `${method} ${path.slice(0, 60)} auth=${String(auth).slice(0, 20)} type=${type}`;
    if (res.status >= 500) bad.push(`${where}: ${res.status} ${text.slice(0, 100)}`);
    else if (res.status >= 400 && method !== "HEAD") {
      let parsed;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
      if (!isMatrixError(parsed)) bad.push(`${where}: ${res.status} non-Matrix body ${text.slice(0, 100)}`);
    }
    if (res.headers.get("Access-Control-Allow-Origin") !== "*") bad.push(`${where}: ${res.status} without CORS`);
  }
  console.log(`mutations: 400 mutated requests, statuses ${JSON.stringify(statuses)}, ${bad.length} bad answers`);
  assert.deepEqual(bad.slice(0, 10), []);
});
