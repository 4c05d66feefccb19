// The command line of the built package (`bin` in its package.json): output and exit codes.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { pusher } from "../lib/pusher.mjs";

const require = createRequire(import.meta.url);
const manifestPath = require.resolve("matrix-pusher-validator/package.json");
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const cli = join(dirname(manifestPath), manifest.bin["matrix-pusher-validator"]);

const BODY = pusher();
const dir = mkdtempSync(join(tmpdir(), "mpv-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name, text) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const good = file("good.json", JSON.stringify(BODY));
const bad = file("bad.json", JSON.stringify({ ...BODY, lang: "not a tag!" }));
const http = file(
  "http.json",
  JSON.stringify({ ...BODY, data: { url: "http://push.example.org/_matrix/push/v1/notify" } }),
);

function run(args, input) {
  const result = spawnSync(process.execPath, [cli, ...args], { input: input ?? "", encoding: "utf8" });
  const lines = result.stdout.split("\n").filter(Boolean);
  return { status: result.status, lines, outcomes: lines.map((line) => JSON.parse(line)), stderr: result.stderr };
}

test("the bin is an executable script with a node shebang", () => {
  assert.match(readFileSync(cli, "utf8"), /^#!\/usr\/bin\/env node\n/);
});

test("exit 0 when every body is accepted, one JSON line per body", () => {
  const { status, outcomes } = run([good, good]);
  assert.equal(status, 0);
  assert.equal(outcomes.length, 2);
  assert.equal(outcomes[0].ok, true);
  assert.equal(outcomes[0].pusher.app_id, BODY.app_id);
});

test("exit 1 when any body is rejected", () => {
  const { status, outcomes } = run([good, bad]);
  assert.equal(status, 1);
  assert.deepEqual(
    outcomes.map((o) => o.ok),
    [true, false],
  );
  assert.deepEqual(
    outcomes[1].errors.map((p) => [p.errcode, p.path]),
    [["M_INVALID_PARAM", "/lang"]],
  );
});

test("reads standard input when no file is named, or for -", () => {
  assert.equal(run([], JSON.stringify(BODY)).status, 0);
  assert.equal(run(["-"], "{").status, 1);
  assert.equal(run(["-"], "{").outcomes[0].errcode, "M_NOT_JSON");
});

test("flags loosen the rules", () => {
  assert.equal(run([http]).status, 1);
  assert.equal(run(["--allow-http", http]).status, 0);
  const local = file(
    "local.json",
    JSON.stringify({ ...BODY, data: { url: "https://127.0.0.1/_matrix/push/v1/notify" } }),
  );
  assert.equal(run([local]).status, 1);
  assert.equal(run(["--allow-private-hosts", local]).status, 0);
  const path = file("path.json", JSON.stringify({ ...BODY, data: { url: "https://push.example.org/push" } }));
  assert.equal(run([path]).status, 1);
  assert.equal(run(["--allow-any-path", path]).status, 0);
});

test("exit 2 on an unknown flag, with no output", () => {
  const { status, lines, stderr } = run(["--allow-everything", good]);
  assert.equal(status, 2);
  assert.deepEqual(lines, []);
  assert.match(stderr, /--allow-everything/);
});

test("exit 2 on a file that cannot be read, with no output", () => {
  const { status, lines, stderr } = run([good, join(dir, "missing.json")]);
  assert.equal(status, 2);
  assert.deepEqual(lines, []);
  assert.match(stderr, /missing\.json/);
});

test("numbers in data are printed exactly as sent", () => {
  const exact = file("exact.json", JSON.stringify(BODY).replace('"data":{', '"data":{"n":12345678901234567890123,'));
  const { status, lines } = run([exact]);
  assert.equal(status, 0);
  assert.match(lines[0], /"n":12345678901234567890123/);
});

test("the revision 2 options: kinds, web push, the allowlist", () => {
  const key = "BFPkO8wvKilLZnZYQdhWAPKjkp0l6Fp-j82RBOsD84xv25rTdtmUH_59xbi-F3rhz1-lhdapQjrtJrF_4ppl3pY";
  const web = file(
    "web.json",
    JSON.stringify({
      ...BODY,
      kind: "webpush",
      pushkey: key,
      data: { url: "https://push.example.org/w/1", auth: "ZlgTFFmdkbupEZ40Khzjjw" },
    }),
  );
  const lan = file(
    "lan.json",
    JSON.stringify({ ...BODY, data: { url: "https://192.168.1.20/_matrix/push/v1/notify" } }),
  );
  assert.equal(run([web]).status, 1);
  assert.equal(run(["--allow-webpush", web, good]).status, 0);
  assert.equal(run(["--kinds", "webpush", web]).status, 0);
  assert.equal(run(["--kinds=webpush", good]).status, 1);
  assert.equal(run(["--kinds", "http", "--allow-webpush", web, good]).status, 0);
  assert.equal(run([lan]).status, 1);
  assert.equal(
    run(["--allowed-private-host", "ntfy.home.arpa", "--allowed-private-host=192.168.1.0/24", lan]).status,
    0,
  );
  assert.equal(run(["--allowed-private-host", "192.168.2.0/24", lan]).status, 1);
});

test("a refused option value is a usage error that names the option", () => {
  for (const args of [["--allowed-private-host", "*.lan"], ["--kinds", "http,sms"], ["--allowed-private-host"]]) {
    const { status, lines, stderr } = run([...args, good]);
    assert.equal(status, 2, args.join(" "));
    assert.equal(lines.length, 0);
    assert.match(stderr, /allowed-private-host needs a value|options\.(allowedPrivateHosts|kinds)/);
  }
});
