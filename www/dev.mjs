// `make run`: the worker in workerd through Miniflare on 127.0.0.1:$PORT, offline, with KV
// persisted under $DATA_DIR, so pushers and tokens survive a restart.
//
//   PORT        default 8787
//   DATA_DIR    default .data (relative to the repository)
//   DEV_TOKENS  "@alice:localhost=tokA,@bob:localhost=tokB" seeds these tokens; without it, one
//               token for @dev:localhost is made on the first run and kept in $DATA_DIR/dev-token.
//   UPSTREAM_URL  the base URL of a homeserver (http://127.0.0.1:8008): a validating gateway in
//               front of it instead of the registry; tokens are then the homeserver's own.
//   UPSTREAM_TIMEOUT_MS, KINDS  the gateway's settings (wrangler.toml has the defaults).

import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Log, LogLevel, Miniflare } from "miniflare";
import { bundle, miniflareOptions, ROOT_DIR } from "./local.mjs";
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

/** The gateway's vars from the environment (empty when UPSTREAM_URL is not set). */
function gatewayVars() {
  const upstream = (process.env.UPSTREAM_URL ?? "").trim();
  if (upstream === "") return {};
  let url;
  try {
    url = new URL(upstream);
  } catch {
    throw new Error(`UPSTREAM_URL: not an absolute URL: ${JSON.stringify(upstream)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`UPSTREAM_URL: not http or https: ${JSON.stringify(upstream)}`);
  }
  const vars = { UPSTREAM_URL: upstream };
  for (const name of ["UPSTREAM_TIMEOUT_MS", "KINDS"]) {
    if (process.env[name]) vars[name] = process.env[name];
  }
  return vars;
}

async function main() {
  await mkdir(dataDir, { recursive: true });
  const vars = gatewayVars();
  if (vars.UPSTREAM_URL) return serveGateway(vars);
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
  stopOnSignals(mf);
}

/** `make run` with UPSTREAM_URL: the gateway in front of that homeserver; no token is made. */
async function serveGateway(vars) {
  const { outdir } = await bundle(join(dataDir, "bundle"));
  const options = await miniflareOptions({ bundleDir: outdir, persistDir: dataDir, vars, host, port });
  const mf = new Miniflare({ ...options, log: new Log(LogLevel.INFO) });
  const url = await mf.ready;
  const base = url.href.replace(/\/$/, "");
  console.log(`\nPusher gateway on ${base}, in front of the homeserver ${vars.UPSTREAM_URL}`);
  console.log(`Point a Matrix client at ${base} as its homeserver URL (the playground is at ${base}/).`);
  console.log("Tokens are the homeserver's own: log in through the gateway, or use a token you have.");
  console.log(`KV store (the token cache) under ${dataDir}`);
  console.log(`\n  curl -H "Authorization: Bearer $TOKEN" ${base}/_matrix/client/v3/pushers\n`);
  console.log("Ctrl-C stops it.");
  stopOnSignals(mf);
}

function stopOnSignals(mf) {
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
