// `make run`: the worker in workerd through Miniflare on 127.0.0.1:$PORT, offline, with KV
// persisted under $DATA_DIR, so pushers and tokens survive a restart.
//
//   PORT        default 8787
//   DATA_DIR    default .data (relative to the repository)
//   DEV_TOKENS  "@alice:localhost=tokA,@bob:localhost=tokB" seeds these tokens; without it, one
//               token for @dev:localhost is made on the first run and kept in $DATA_DIR/dev-token.

import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Log, LogLevel, Miniflare } from "miniflare";
import { ROOT_DIR, bundle, miniflareOptions } from "./local.mjs";
import { tokenKey } from "./store.js";

const host = "127.0.0.1";
const port = Number(process.env.PORT || 8787);
const dataDir = resolve(ROOT_DIR, process.env.DATA_DIR || ".data");

/** Parses DEV_TOKENS into [user, token] pairs. */
function parseDevTokens(text) {
  return text
    .split(",")
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.lastIndexOf("=");
      const user = pair.slice(0, at);
      const token = pair.slice(at + 1);
      if (at <= 0 || !token || !/^@[^:]+:.+$/.test(user)) {
        throw new Error(`DEV_TOKENS: expected @user:server=token, got ${JSON.stringify(pair)}`);
      }
      return [user, token];
    });
}

/** The persisted development token for @dev:localhost, made on the first run. */
async function devToken() {
  const file = join(dataDir, "dev-token");
  try {
    const token = (await readFile(file, "utf8")).trim();
    if (token) return token;
  } catch (err) {
    if (err.code !== "ENOENT") throw err;
  }
  const token = `dev_${randomBytes(24).toString("base64url")}`;
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}

async function main() {
  await mkdir(dataDir, { recursive: true });
  const tokens = process.env.DEV_TOKENS
    ? parseDevTokens(process.env.DEV_TOKENS)
    : [["@dev:localhost", await devToken()]];

  const { outdir } = await bundle(join(dataDir, "bundle"));
  const options = await miniflareOptions({ bundleDir: outdir, persistDir: dataDir, host, port });
  const mf = new Miniflare({ ...options, log: new Log(LogLevel.INFO) });
  const url = await mf.ready;

  const kv = await mf.getKVNamespace("PUSHERS");
  for (const [user, token] of tokens) await kv.put(await tokenKey(token), user);

  const base = url.href.replace(/\/$/, "");
  console.log(`\nPusher service on ${base}  (playground at ${base}/)`);
  console.log(`KV store under ${dataDir}`);
  for (const [user, token] of tokens) console.log(`token for ${user}: ${token}`);
  const [, firstToken] = tokens[0];
  console.log(`\n  curl -H 'Authorization: Bearer ${firstToken}' ${base}/_matrix/client/v3/pushers\n`);
  console.log("Ctrl-C stops it.");

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await mf.dispose();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
