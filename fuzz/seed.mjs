// Seeds the fuzz corpora from the fixture corpus (tests/fixtures/*.json).
//
//   node fuzz/seed.mjs            writes fuzz/corpus/validate/ and fuzz/corpus/gateway_url/
//
// Every fuzz input starts with one options byte (see fuzz_targets/common.rs); the rest is the
// request body (validate) or the gateway URL (gateway_url). Seeds are named after the fixture
// case, so a crash found near a seed points back at the case it grew from.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { caseBytes, fixtureFiles } from "../tests/lib/fixtures.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const corpus = join(here, "corpus");
// Large bodies only slow libFuzzer down; the tight-limits bit reaches every limit in small inputs.
const MAX_SEED = 8192;

/** The options byte for a fixture's options (the same bit layout as common.rs). */
export function optionsByte(options = {}) {
  let b = 0;
  if (options.allowHttp) b |= 1;
  if (options.allowPrivateHosts) b |= 2;
  if (options.allowAnyPath) b |= 4;
  const kinds = options.kinds;
  if (Array.isArray(kinds) && kinds.length === 1) b |= kinds[0] === "http" ? 8 : 16;
  if (Array.isArray(kinds) && kinds.length === 0) b |= 24;
  const tight = ["maxBodyBytes", "maxDepth", "maxDataBytes", "maxDisplayNameChars", "maxUrlChars"];
  if (tight.some((k) => k in options)) b |= 32;
  if (Array.isArray(kinds) && kinds.includes("webpush")) {
    // Bits 3-4 name the kinds without webpush; bit 6 adds it.
    b &= ~24;
    const rest = kinds.filter((k) => k !== "webpush");
    if (rest.length === 1) b |= rest[0] === "http" ? 8 : 16;
    if (rest.length === 0) b |= 24;
    b |= 64;
  }
  // Bit 7: the fixed allowlist of common.rs (ALLOWLIST), whatever entries the case lists.
  if (Array.isArray(options.allowedPrivateHosts) && options.allowedPrivateHosts.length > 0) b |= 128;
  return b;
}

function urlOf(c, bytes) {
  let body = c.body;
  if (body === undefined && bytes) {
    try {
      body = JSON.parse(bytes.toString("utf8"));
    } catch {
      return null;
    }
  }
  const url = body?.data?.url;
  return typeof url === "string" ? url : null;
}

// A few URL shapes the fixture corpus may not hold, so the URL target starts wide.
const EXTRA_URLS = [
  "https://push.example.org/_matrix/push/v1/notify",
  "HTTPS://Push.Example.ORG:443/_matrix/push/v1/notify?x=1",
  "http://[::ffff:127.0.0.1]:8080/_matrix/push/v1/notify",
  "https://[0:0:0:0:0:0:0:1]/_matrix/push/v1/notify",
  "https://[fe80::1%25eth0]/_matrix/push/v1/notify",
  "https://0x7f.1/_matrix/push/v1/notify",
  "https://2130706433/_matrix/push/v1/notify",
  "https://user:pass@push.example.org/_matrix/push/v1/notify#frag",
  "https://push.example.org./_matrix/push/v1/%6eotify",
  "https://xn--bcher-kva.example/_matrix/push/v1/notify",
  "https://[::127.0.0.1]/_matrix/push/v1/notify",
  "https://[2002:c0a8:101::1]/_matrix/push/v1/notify",
  "https://[64:ff9b:1::a00:1]/_matrix/push/v1/notify",
  "https://[fec0::1]/_matrix/push/v1/notify",
  "https://nas.localdomain./_matrix/push/v1/notify",
  "https://192.168.1.77/_matrix/push/v1/notify",
  "https://[::ffff:172.16.9.9]/_matrix/push/v1/notify",
  "https://NTFY.home.arpa./_matrix/push/v1/notify",
  "https://[fd00::20]:8443/up/abc",
];

// Bodies of each shape, so the validate target starts from accepted inputs even without fixtures.
const EXTRA_BODIES = [
  '{"kind":"http","app_id":"im.vector.app.android","pushkey":"abc","app_display_name":"Element","device_display_name":"Pixel","lang":"en_US","data":{"url":"https://push.example.org/_matrix/push/v1/notify","format":"event_id_only"}}',
  '{"kind":"email","app_id":"m.email","pushkey":"a@b.example","app_display_name":"Mail","device_display_name":"","lang":"en","data":{},"append":true}',
  '{"kind":null,"app_id":"im.vector.app.ios","pushkey":"x/y+z=","data":5}',
  '{"kind":"http","app_id":"app","pushkey":"k","app_display_name":"A","device_display_name":"D","instance_handle":"t","lang":"ZH-hant-tw","data":{"url":"HTTP://[::FFFF:7F00:1]:80/p?q","brand":{"a":[1,2e5,-0]}},"append":null,"x":1}',
  '{"kind":"webpush","app_id":"org.example.web","pushkey":"BFPkO8wvKilLZnZYQdhWAPKjkp0l6Fp-j82RBOsD84xv25rTdtmUH_59xbi-F3rhz1-lhdapQjrtJrF_4ppl3pY","app_display_name":"Web","device_display_name":"Firefox","lang":"en","data":{"url":"https://updates.push.services.mozilla.com/wpush/v2/gAAAA","auth":"ZlgTFFmdkbupEZ40Khzjjw"},"org.matrix.msc3881.enabled":false,"org.matrix.msc3881.device_id":"WEB1"}',
  '{"kind":"org.matrix.msc4174.webpush","app_id":"org.example.web","pushkey":"BKpOTsPWXiUCCRtIr_J7GpKkpg_FFFvL0-d4Y5QLjj-rjrcfXTTbO-Q6_sFCkTeMgzhadFUoil-xOMg9DexuWK8","app_display_name":"Web","device_display_name":"Chrome","lang":"en","data":{"url":"https://[fd00::20]/up","auth":"UebUesdauoScn6WKontbBQ"}}',
  '{"kind":"http","app_id":"org.example.app","pushkey":"k","app_display_name":"A","device_display_name":"D","lang":"en","data":{"url":"https://192.168.1.20/_matrix/push/v1/notify"},"org.matrix.msc3881.enabled":null}',
];

function write(dir, name, bytes) {
  if (bytes.length > MAX_SEED) return false;
  const safe = name.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 80);
  const tag = createHash("sha1").update(bytes).digest("hex").slice(0, 8);
  writeFileSync(join(dir, `${safe}-${tag}`), bytes);
  return true;
}

function main() {
  const vdir = join(corpus, "validate");
  const udir = join(corpus, "gateway_url");
  mkdirSync(vdir, { recursive: true });
  mkdirSync(udir, { recursive: true });
  let v = 0;
  let u = 0;
  const files = fixtureFiles();
  for (const { cases } of files) {
    for (const c of cases) {
      const bytes = Buffer.from(caseBytes(c));
      const opt = optionsByte(c.options);
      if (write(vdir, c.name ?? "case", Buffer.concat([Buffer.from([opt]), bytes]))) v += 1;
      const url = urlOf(c, bytes);
      if (url !== null && write(udir, c.name ?? "case", Buffer.concat([Buffer.from([opt]), Buffer.from(url, "utf8")])))
        u += 1;
    }
  }
  for (const [i, body] of EXTRA_BODIES.entries()) {
    for (const opt of [0, 7, 32 | 7, 64, 128 | 64]) {
      if (write(vdir, `extra_${i}_${opt}`, Buffer.concat([Buffer.from([opt]), Buffer.from(body, "utf8")]))) v += 1;
    }
  }
  for (const [i, url] of EXTRA_URLS.entries()) {
    for (const opt of [0, 7, 128]) {
      if (write(udir, `extra_${i}_${opt}`, Buffer.concat([Buffer.from([opt]), Buffer.from(url, "utf8")]))) u += 1;
    }
  }
  console.log(`seed: ${v} validate seeds, ${u} gateway_url seeds from ${files.length} fixture files`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
