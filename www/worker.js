// The edge service: the Matrix pusher endpoints on Workers KV (docs/rules.md section 7).
//
// The validator's WebAssembly is instantiated once, when this module is loaded. A set request's
// bytes go to the validator once; the pusher it returns is stored as the JSON text the validator
// wrote, never parsed or serialized again.

import { check, httpStatus, validate } from "matrix-pusher-validator";
import { gateway, isGateway, MODE_PATH } from "./gateway.js";
import { PusherLimitError, PusherStore, StoreError } from "./store.js";

export const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "X-Requested-With, Content-Type, Authorization",
};

const PUSHERS_PATH = /^\/_matrix\/client\/(?:v3|r0|api\/v1)\/pushers$/;
const PUSHERS_SET_PATH = /^\/_matrix\/client\/(?:v3|r0|api\/v1)\/pushers\/set$/;
const VERSIONS_PATH = "/_matrix/client/versions";

const VERSIONS_BODY = JSON.stringify({
  versions: ["r0.6.1", "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7", "v1.8", "v1.9", "v1.10", "v1.11"],
  unstable_features: {},
});

/**
 * The most of a body the worker reads and drops when it answers without using it (an error, or a
 * body past the limit), so that the client reads the answer on a connection that stays open:
 * workerd resets a connection whose request body was left unread. Past this, the connection is
 * cut. Nothing dropped is kept in memory.
 */
const DISCARD_MAX_BYTES = 1_048_576;

/** Longest bearer token looked up; longer ones are unknown without a read. */
const MAX_TOKEN_CHARS = 1024;

/**
 * The service's settings, read once per `env` from the Worker's vars (see wrangler.toml).
 * `kinds` is fixed to ["http"]: e-mail pushers stay off until the service can check that the
 * address is a validated third-party ID of the user, and Web Push pushers need an activation
 * flow only a service that sends pushes can run (docs/rules.md section 7). A var the service
 * cannot read is a `SettingsError`: every request then answers 500 naming it, never a default.
 */
const settingsCache = new WeakMap();
export function settings(env) {
  let found = settingsCache.get(env);
  if (found === undefined) {
    const validator = {
      kinds: ["http"],
      allowHttp: flag(env.ALLOW_HTTP),
      allowPrivateHosts: flag(env.ALLOW_PRIVATE_HOSTS),
      allowAnyPath: flag(env.ALLOW_ANY_PATH),
      maxBodyBytes: count(env.MAX_BODY_BYTES, 65_536, "MAX_BODY_BYTES"),
    };
    if (env.ALLOWED_PRIVATE_HOSTS !== undefined) validator.allowedPrivateHosts = hostList(env.ALLOWED_PRIVATE_HOSTS);
    for (const [name, option] of [
      ["MAX_DEPTH", "maxDepth"],
      ["MAX_DATA_BYTES", "maxDataBytes"],
      ["MAX_DISPLAY_NAME_CHARS", "maxDisplayNameChars"],
      ["MAX_URL_CHARS", "maxUrlChars"],
    ]) {
      if (env[name] !== undefined && env[name] !== "") validator[option] = count(env[name], undefined, name);
    }
    try {
      // The validator's core reads the options: a value it refuses is named in its TypeError.
      validate("{}", validator);
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
      const option = /options\.([A-Za-z]+)/.exec(err.message)?.[1];
      const name = Object.entries(OPTION_VARS).find(([, o]) => o === option)?.[0] ?? "the validator options";
      throw new SettingsError(`${name}: ${err.message.replace(/^matrix-pusher-validator: /, "")}`);
    }
    found = {
      validator,
      maxPushers: count(env.MAX_PUSHERS_PER_USER, 20, "MAX_PUSHERS_PER_USER"),
      rateLimitPeriodMs: count(env.RATE_LIMIT_PERIOD_SECONDS, 60, "RATE_LIMIT_PERIOD_SECONDS") * 1000,
    };
    settingsCache.set(env, found);
  }
  return found;
}

/** The var that sets each validator option. */
const OPTION_VARS = {
  ALLOW_HTTP: "allowHttp",
  ALLOW_PRIVATE_HOSTS: "allowPrivateHosts",
  ALLOWED_PRIVATE_HOSTS: "allowedPrivateHosts",
  ALLOW_ANY_PATH: "allowAnyPath",
  MAX_BODY_BYTES: "maxBodyBytes",
  MAX_DEPTH: "maxDepth",
  MAX_DATA_BYTES: "maxDataBytes",
  MAX_DISPLAY_NAME_CHARS: "maxDisplayNameChars",
  MAX_URL_CHARS: "maxUrlChars",
};

/** A var the service cannot read: every request answers 500 with this message. */
export class SettingsError extends Error {}

function flag(value) {
  return value === true || value === "true" || value === "1";
}

export function count(value, fallback, name) {
  if (value === undefined || value === "") return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) throw new SettingsError(`${name}: not a count: ${JSON.stringify(value)}`);
  return number;
}

/**
 * `ALLOWED_PRIVATE_HOSTS`: the entries of `allowedPrivateHosts`, separated by commas or white
 * space (`"ntfy.home.arpa, 192.168.1.0/24"`). Each entry is the validator's to judge.
 */
function hostList(value) {
  if (typeof value !== "string") {
    throw new SettingsError(`ALLOWED_PRIVATE_HOSTS: must be a string of host names and CIDR ranges, not ${typeof value}`);
  }
  return value.split(/[\s,]+/).filter((entry) => entry !== "");
}

export function json(status, body, headers = {}) {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...CORS_HEADERS, ...headers },
  });
}

export function matrixError(status, errcode, error, extra = {}, headers = {}) {
  return json(status, { errcode, error, ...extra }, headers);
}

/** The bearer token of the request, or null when there is none. */
export function bearerToken(request) {
  const header = request.headers.get("Authorization");
  if (header === null) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? match[1] : null;
}

/**
 * The request body as bytes, or null when it is longer than `max`. A declared Content-Length
 * over the limit is refused before anything is read; a chunked body is counted as it streams
 * and abandoned as soon as it passes the limit.
 */
export async function readBody(request, max) {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > max) return null;
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      // Too large: keep nothing more; drop what follows, up to DISCARD_MAX_BYTES in all.
      await drain(reader, total);
      return null;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Reads and drops a body the handler did not read (see DISCARD_MAX_BYTES); a declared
 * Content-Length past that is not read at all.
 */
export async function discardBody(request) {
  if (request.body === null || request.bodyUsed) return;
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > DISCARD_MAX_BYTES) return;
  await drain(request.body.getReader(), 0);
}

/** Reads and drops the rest of a body, until DISCARD_MAX_BYTES have gone by in all. */
async function drain(reader, alreadyRead) {
  let total = alreadyRead;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
      if (total > DISCARD_MAX_BYTES) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The client went away: nothing to keep open.
  }
}

export function tooLarge(max) {
  const message = `the body is longer than ${max} bytes`;
  return matrixError(httpStatus("M_TOO_LARGE"), "M_TOO_LARGE", message, {
    errors: [{ errcode: "M_TOO_LARGE", path: "", message }],
  });
}

/** Authenticates and rate-limits; returns the user, or the error response. */
async function authenticate(request, env, store, config) {
  const token = bearerToken(request);
  if (token === null) return { response: matrixError(401, "M_MISSING_TOKEN", "missing access token") };
  const user = token.length > MAX_TOKEN_CHARS ? null : await store.userForToken(token);
  if (user === null) return { response: matrixError(401, "M_UNKNOWN_TOKEN", "unrecognised access token") };
  const limited = await rateLimit(env, user.userHash, config);
  if (limited !== null) return { response: limited };
  return { user };
}

/** The 429 when the user (by hash) is past the request rate, else null. */
export async function rateLimit(env, userHash, config) {
  if (env.RATE_LIMITER === undefined) return null;
  let allowed = true;
  try {
    ({ success: allowed } = await env.RATE_LIMITER.limit({ key: userHash }));
  } catch (err) {
    // NOTE: the rate limiter failing open keeps the service up; the pusher count still bounds
    // what one user can store.
    console.error("rate limiter unavailable", err);
  }
  if (allowed) return null;
  return matrixError(
    429,
    "M_LIMIT_EXCEEDED",
    "too many requests",
    { retry_after_ms: config.rateLimitPeriodMs },
    { "Retry-After": String(Math.ceil(config.rateLimitPeriodMs / 1000)) },
  );
}

/** The answer to a body the validator refused: its first problem, and every problem. */
export function refusal(outcome) {
  return matrixError(httpStatus(outcome.errcode), outcome.errcode, outcome.error, {
    errors: outcome.errors,
    warnings: outcome.warnings,
  });
}

async function setPusher(request, env, store, config) {
  const auth = await authenticate(request, env, store, config);
  if (auth.response) return auth.response;
  const max = config.validator.maxBodyBytes;
  let bytes;
  try {
    bytes = await readBody(request, max);
  } catch {
    return matrixError(400, "M_NOT_JSON", "the body could not be read");
  }
  if (bytes === null) return tooLarge(max);

  // Only what is read is parsed: the verdict, the pusher's JSON, app_id and pushkey at once.
  const checked = check(bytes, config.validator);
  if (!checked.ok) return refusal(checked);
  if (checked.action === "delete") {
    await store.remove(auth.user, checked.appId, checked.pushkey);
    return json(200, "{}");
  }
  try {
    await store.set(auth.user, { app_id: checked.appId, pushkey: checked.pushkey }, checked.pusherJson, {
      append: checked.append,
      maxPushers: config.maxPushers,
    });
  } catch (err) {
    if (err instanceof PusherLimitError) {
      // NOTE: no retry_after_ms: waiting does not help, deleting a pusher does.
      return matrixError(429, "M_LIMIT_EXCEEDED", `too many pushers: at most ${err.limit} per user; remove one first`);
    }
    throw err;
  }
  return json(200, "{}");
}

async function getPushers(request, env, store, config) {
  const auth = await authenticate(request, env, store, config);
  if (auth.response) return auth.response;
  return json(200, await store.listJson(auth.user));
}

/** Each known path with its handler per method. */
function routeFor(pathname) {
  if (PUSHERS_SET_PATH.test(pathname)) return { POST: setPusher };
  if (PUSHERS_PATH.test(pathname)) return { GET: getPushers };
  if (pathname === VERSIONS_PATH) return { GET: () => json(200, VERSIONS_BODY) };
  if (pathname === MODE_PATH) return { GET: () => json(200, { mode: "standalone" }) };
  return null;
}

async function handle(request, env) {
  const route = routeFor(new URL(request.url).pathname);
  if (route === null) return matrixError(404, "M_UNRECOGNIZED", "unrecognized request");
  if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_HEADERS });
  const handler = route[request.method];
  if (handler === undefined) {
    const allow = [...Object.keys(route), "OPTIONS"].join(", ");
    return matrixError(405, "M_UNRECOGNIZED", "unrecognized request method", {}, { Allow: allow });
  }
  const config = settings(env);
  return handler(request, env, new PusherStore(env.PUSHERS), config);
}

export default {
  /**
   * @param {Request} request
   * @param {{ PUSHERS: KVNamespace, RATE_LIMITER?: RateLimit } & Record<string, string>} env
   * @param {ExecutionContext} [ctx]
   * @returns {Promise<Response>}
   */
  async fetch(request, env, ctx) {
    // With UPSTREAM_URL set, a validating gateway in front of that homeserver (gateway.js).
    if (isGateway(env)) return gateway(request, env, ctx);
    try {
      const response = await handle(request, env);
      await discardBody(request);
      return response;
    } catch (err) {
      if (err instanceof StoreError) {
        console.error(err.message, err.cause);
        return matrixError(503, "M_UNKNOWN", "the pusher store is unavailable; try again");
      }
      if (err instanceof SettingsError) {
        // The operator's mistake, not the client's: said plainly, on every request.
        console.error("settings refused:", err.message);
        await discardBody(request);
        return matrixError(500, "M_UNKNOWN", `the service is misconfigured: ${err.message}`);
      }
      console.error("internal error", err);
      return matrixError(500, "M_UNKNOWN", "internal error");
    }
  },
};
