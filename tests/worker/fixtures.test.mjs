// Every case of tests/fixtures/*.json through HTTP: POST /pushers/set in workerd, the status and
// the Matrix error compared with the case's expectation, and each accepted set read back through
// GET /pushers and deleted again.
//
// The service runs with kinds ["http"] whatever the options (docs/rules.md section 7), so:
// - a case's other options become the worker's vars (ALLOW_HTTP, MAX_DEPTH, ...,
//   ALLOWED_PRIVATE_HOSTS as its entries joined by commas), one service per set of options;
// - a case with a `kinds` option that leaves out "http" is skipped: the service cannot run so;
// - an e-mail or Web Push set (`"kind": "email"`, `"webpush"`, `"org.matrix.msc4174.webpush"`)
//   the validator accepts must get 400 M_INVALID_PARAM at /kind; one it rejects must keep its
//   status, and its errors either stay the case's (a parse-level problem stops validation before
//   `kind` is read) or include M_INVALID_PARAM at /kind;
// - an `option_error` case whose option has a var (the allowlist, the limits) makes the service
//   answer 500 M_UNKNOWN naming the var on every set, before any body is read; the others (kinds,
//   the booleans, unknown names) have no var form that could be wrong and are skipped.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { httpStatus } from "matrix-pusher-validator";
import { caseBytes, fixtureCases } from "../lib/fixtures.mjs";
import { client, startService } from "../lib/service.mjs";

const OPTION_VARS = {
  allowHttp: "ALLOW_HTTP",
  allowPrivateHosts: "ALLOW_PRIVATE_HOSTS",
  allowAnyPath: "ALLOW_ANY_PATH",
  maxBodyBytes: "MAX_BODY_BYTES",
  maxDepth: "MAX_DEPTH",
  maxDataBytes: "MAX_DATA_BYTES",
  maxDisplayNameChars: "MAX_DISPLAY_NAME_CHARS",
  maxUrlChars: "MAX_URL_CHARS",
  allowedPrivateHosts: "ALLOWED_PRIVATE_HOSTS",
};

/** Options whose refused values a var can carry. */
const VAR_OPTION_ERRORS = new Set([
  "allowedPrivateHosts",
  "maxBodyBytes",
  "maxDepth",
  "maxDataBytes",
  "maxDisplayNameChars",
  "maxUrlChars",
]);

const cases = fixtureCases();

/** The worker's vars for a case's options, or null when the service cannot run with them. */
function varsOf(options = {}) {
  const vars = {};
  for (const [name, value] of Object.entries(options)) {
    if (name === "kinds") {
      if (!value.includes("http")) return null;
      continue;
    }
    if (!OPTION_VARS[name]) return null;
    if (name === "allowedPrivateHosts") {
      // A list with an entry a var cannot carry (a separator inside, not a string) is skipped.
      if (!Array.isArray(value) || value.some((e) => typeof e !== "string" || e === "" || /[\s,]/.test(e))) return null;
      vars.ALLOWED_PRIVATE_HOSTS = value.join(",");
      continue;
    }
    vars[OPTION_VARS[name]] = String(value);
  }
  return vars;
}

/** Kinds the service refuses at /kind whatever the validator would say. */
const REFUSED_KINDS = new Set(["email", "webpush", "org.matrix.msc4174.webpush"]);

function isRefusedKindSet(bytes) {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes));
    return value !== null && typeof value === "object" && REFUSED_KINDS.has(value.kind);
  } catch {
    return false;
  }
}

const pairs = (list) => list.map((p) => [p.errcode ?? p.code, p.path]);
const hasKindProblem = (errors) => errors.some(([code, path]) => code === "M_INVALID_PARAM" && path === "/kind");

// One service per set of options.
const groups = new Map();
const skipped = [];
const optionErrors = [];
for (const c of cases) {
  if ("option_error" in c.expect) {
    const option = c.expect.option_error;
    // A limit given as a string of digits is a valid var: its var form is not wrong.
    const carried = VAR_OPTION_ERRORS.has(option) && typeof c.options[option] !== "string";
    const vars = carried ? varsOf(c.options) : null;
    if (vars === null) skipped.push(c);
    else optionErrors.push({ c, vars });
    continue;
  }
  const vars = varsOf(c.options);
  if (vars === null) {
    skipped.push(c);
    continue;
  }
  const key = JSON.stringify(vars);
  if (!groups.has(key)) groups.set(key, { vars, cases: [] });
  groups.get(key).cases.push(c);
}

test("the corpus is read whole", () => {
  assert.ok(cases.length > 0);
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length, "case names are unique");
  // Only cases with kinds that leave out "http", option errors without a var form, and
  // allowlists a var cannot carry are skipped.
  for (const c of skipped) {
    const why =
      "option_error" in c.expect
        ? "option_error"
        : c.options.kinds && !c.options.kinds.includes("http")
          ? "kinds"
          : "allowedPrivateHosts" in c.options
            ? "list"
            : "";
    assert.ok(why !== "", `${c.name} is skipped for no reason`);
    if (why === "option_error") {
      const option = c.expect.option_error;
      assert.ok(
        !VAR_OPTION_ERRORS.has(option) || typeof c.options[option] === "string" || option === "allowedPrivateHosts",
        c.name,
      );
    }
  }
  assert.ok(optionErrors.length > 0, "option errors reach the worker");
});

describe("option errors as vars", () => {
  for (const { c, vars } of optionErrors) {
    test(`${c.file}: ${c.name}`, async () => {
      const service = await startService({ vars, wrapped: false });
      try {
        const alice = client(service, await service.mint("@fixtures:localhost"));
        const { status, body } = await alice.set(caseBytes(c));
        assert.equal(status, 500, JSON.stringify(body));
        assert.equal(body.errcode, "M_UNKNOWN");
        assert.match(body.error, new RegExp(`misconfigured: ${OPTION_VARS[c.expect.option_error]}: `));
        assert.equal((await alice.list()).status, 500, "every pusher route answers so");
      } finally {
        await service.dispose();
      }
    });
  }
});

for (const { vars, cases: group } of groups.values()) {
  describe(`fixtures with ${JSON.stringify(vars)}`, () => {
    let service;
    let alice;
    before(async () => {
      service = await startService({ vars, wrapped: false });
      alice = client(service, await service.mint("@fixtures:localhost"));
    });
    after(() => service?.dispose());

    for (const c of group) {
      test(`${c.file}: ${c.name}`, async () => {
        const bytes = caseBytes(c);
        const { status, body } = await alice.set(new Uint8Array(bytes));
        assert.ok(status < 500, `status ${status}`);
        const { expect } = c;

        if (isRefusedKindSet(bytes)) {
          if (expect.ok) {
            assert.equal(status, 400);
            assert.equal(body.errcode, "M_INVALID_PARAM");
            assert.ok(hasKindProblem(pairs(body.errors)), JSON.stringify(body.errors));
          } else {
            assert.equal(status, httpStatus(expect.errors[0][0]));
            const got = pairs(body.errors);
            if (!hasKindProblem(got)) assert.deepEqual(got, expect.errors);
          }
          return;
        }

        if (!expect.ok) {
          assert.equal(status, httpStatus(expect.errors[0][0]), JSON.stringify(body));
          assert.equal(body.errcode, expect.errors[0][0]);
          assert.equal(typeof body.error, "string");
          assert.deepEqual(pairs(body.errors), expect.errors);
          if (expect.warnings) assert.deepEqual(pairs(body.warnings), expect.warnings);
          return;
        }

        assert.deepEqual({ status, body }, { status: 200, body: {} });
        if (expect.action === "delete") return;

        const listed = await alice.list();
        assert.equal(listed.status, 200);
        try {
          assert.equal(listed.body.pushers.length, 1, JSON.stringify(listed.body));
          if (expect.pusher) assert.deepEqual(listed.body.pushers[0], expect.pusher);
        } finally {
          for (const p of listed.body.pushers) {
            assert.equal((await alice.remove(p.app_id, p.pushkey)).status, 200);
          }
        }
        assert.deepEqual((await alice.list()).body, { pushers: [] });
      });
    }
  });
}
