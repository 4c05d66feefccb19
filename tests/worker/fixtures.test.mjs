// Every case of tests/fixtures/*.json through HTTP: POST /pushers/set in workerd, the status and
// the Matrix error compared with the case's expectation, and each accepted set read back through
// GET /pushers and deleted again.
//
// The service runs with kinds ["http"] whatever the options (RULES.md section 7), so:
// - a case's other options become the worker's vars (ALLOW_HTTP, MAX_DEPTH, ...), one service per
//   set of options;
// - a case with a `kinds` option that leaves out "http" is skipped: the service cannot run so;
// - an e-mail set (`"kind": "email"`) the validator accepts must get 400 M_INVALID_PARAM at /kind;
//   an e-mail set it rejects must keep its status, and its errors either stay the case's (a
//   parse-level problem stops validation before `kind` is read) or include M_INVALID_PARAM at /kind.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
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
};

const cases = fixtureCases();

/** The worker's vars for a case's options, or null when the service cannot run with them. */
function varsOf(options = {}) {
  const vars = {};
  for (const [name, value] of Object.entries(options)) {
    if (name === "kinds") {
      if (!value.includes("http")) return null;
      continue;
    }
    assert.ok(OPTION_VARS[name], `option ${name} has a worker var`);
    vars[OPTION_VARS[name]] = String(value);
  }
  return vars;
}

function isEmailSet(bytes) {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes));
    return value !== null && typeof value === "object" && value.kind === "email";
  } catch {
    return false;
  }
}

const statusOf = (errcode) => (errcode === "M_TOO_LARGE" ? 413 : 400);
const pairs = (list) => list.map((p) => [p.errcode ?? p.code, p.path]);
const hasKindProblem = (errors) => errors.some(([code, path]) => code === "M_INVALID_PARAM" && path === "/kind");

// One service per set of options.
const groups = new Map();
const skipped = [];
for (const c of cases) {
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
  // Only cases with kinds that leave out "http" are skipped.
  for (const c of skipped) assert.ok(!c.options.kinds.includes("http"), c.name);
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

        if (isEmailSet(bytes)) {
          if (expect.ok) {
            assert.equal(status, 400);
            assert.equal(body.errcode, "M_INVALID_PARAM");
            assert.ok(hasKindProblem(pairs(body.errors)), JSON.stringify(body.errors));
          } else {
            assert.equal(status, statusOf(expect.errors[0][0]));
            const got = pairs(body.errors);
            if (!hasKindProblem(got)) assert.deepEqual(got, expect.errors);
          }
          return;
        }

        if (!expect.ok) {
          assert.equal(status, statusOf(expect.errors[0][0]), JSON.stringify(body));
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
