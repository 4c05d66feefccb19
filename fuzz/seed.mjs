// Seeds the fuzz corpora from the fixture corpus (tests/fixtures/*.json).
//
//   node fuzz/seed.mjs            writes fuzz/corpus/validate/ and fuzz/corpus/gateway_url/
//
// Every fuzz input starts with one options byte (see fuzz_targets/common.rs); the rest is the
// request body (validate) or the gateway URL (gateway_url). Seeds are named after the fixture
// case, so a crash found near a seed points back at the case it grew from.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { caseBytes, fixtureFiles } from '../tests/lib/fixtures.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = join(here, 'corpus');
// Large bodies only slow libFuzzer down; the tight-limits bit reaches every limit in small inputs.
const MAX_SEED = 8192;

/** The options byte for a fixture's options (the same bit layout as common.rs). */
export function optionsByte(options = {}) {
  let b = 0;
  if (options.allowHttp) b |= 1;
  if (options.allowPrivateHosts) b |= 2;
  if (options.allowAnyPath) b |= 4;
  const kinds = options.kinds;
  if (Array.isArray(kinds) && kinds.length === 1) b |= kinds[0] === 'http' ? 8 : 16;
  if (Array.isArray(kinds) && kinds.length === 0) b |= 24;
  const tight = ['maxBodyBytes', 'maxDepth', 'maxDataBytes', 'maxDisplayNameChars', 'maxUrlChars'];
  if (tight.some((k) => k in options)) b |= 32;
  return b;
}


function urlOf(c, bytes) {
  let body = c.body;
  if (body === undefined && bytes) {
    try { body = JSON.parse(bytes.toString('utf8')); } catch { return null; }
  }
  const url = body?.data?.url;
  return typeof url === 'string' ? url : null;
}

// A few URL shapes the fixture corpus may not hold, so the URL target starts wide.
const EXTRA_URLS = [
  'https://push.example.org/_matrix/push/v1/notify',
  'HTTPS://Push.Example.ORG:443/_matrix/push/v1/notify?x=1',
  'http://[::ffff:127.0.0.1]:8080/_matrix/push/v1/notify',
  'https://[0:0:0:0:0:0:0:1]/_matrix/push/v1/notify',
  'https://[fe80::1%25eth0]/_matrix/push/v1/notify',
  'https://0x7f.1/_matrix/push/v1/notify',
  'https://2130706433/_matrix/push/v1/notify',
  'https://user:pass@push.example.org/_matrix/push/v1/notify#frag',
  'https://push.example.org./_matrix/push/v1/%6eotify',
  'https://xn--bcher-kva.example/_matrix/push/v1/notify',
];

// Bodies of each shape, so the validate target starts from accepted inputs even without fixtures.
const EXTRA_BODIES = [
  '{"kind":"http","app_id":"im.vector.app.android","pushkey":"abc","app_display_name":"Element","device_display_name":"Pixel","lang":"en_US","data":{"url":"https://push.example.org/_matrix/push/v1/notify","format":"event_id_only"}}',
  '{"kind":"email","app_id":"m.email","pushkey":"a@b.example","app_display_name":"Mail","device_display_name":"","lang":"en","data":{},"append":true}',
  '{"kind":null,"app_id":"im.vector.app.ios","pushkey":"x/y+z=","data":5}',
  '{"kind":"http","app_id":"app","pushkey":"k","app_display_name":"A","device_display_name":"D","instance_handle":"t","lang":"ZH-hant-tw","data":{"url":"HTTP://[::FFFF:7F00:1]:80/p?q","brand":{"a":[1,2e5,-0]}},"append":null,"x":1}',
];

function write(dir, name, bytes) {
  if (bytes.length > MAX_SEED) return false;
  const safe = name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 80);
  const tag = createHash('sha1').update(bytes).digest('hex').slice(0, 8);
  writeFileSync(join(dir, `${safe}-${tag}`), bytes);
  return true;
}

function main() {
  const vdir = join(corpus, 'validate');
  const udir = join(corpus, 'gateway_url');
  mkdirSync(vdir, { recursive: true });
  mkdirSync(udir, { recursive: true });
  let v = 0;
  let u = 0;
  const files = fixtureFiles();
  for (const { cases } of files) {
    for (const c of cases) {
      const bytes = Buffer.from(caseBytes(c));
      const opt = optionsByte(c.options);
      if (write(vdir, c.name ?? 'case', Buffer.concat([Buffer.from([opt]), bytes]))) v += 1;
      const url = urlOf(c, bytes);
      if (url !== null && write(udir, c.name ?? 'case', Buffer.concat([Buffer.from([opt]), Buffer.from(url, 'utf8')]))) u += 1;
    }
  }
  for (const [i, body] of EXTRA_BODIES.entries()) {
    for (const opt of [0, 7, 32 | 7]) {
      if (write(vdir, `extra_${i}_${opt}`, Buffer.concat([Buffer.from([opt]), Buffer.from(body, 'utf8')]))) v += 1;
    }
  }
  for (const [i, url] of EXTRA_URLS.entries()) {
    for (const opt of [0, 7]) {
      if (write(udir, `extra_${i}_${opt}`, Buffer.concat([Buffer.from([opt]), Buffer.from(url, 'utf8')]))) u += 1;
    }
  }
  console.log(`seed: ${v} validate seeds, ${u} gateway_url seeds from ${files.length} fixture files`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
