// Gateway mode (docs/rules.md section 8): with UPSTREAM_URL set, the service is a validating gateway in
// front of that homeserver instead of a registry of its own.
//
// - `POST …/pushers/set`: the caller's own Matrix token is checked with the homeserver's whoami
//   (cached by token hash), the rate limit and the body limit apply, the body is validated here;
//   a refused body never reaches the homeserver, an accepted one is forwarded as the normalized
//   pusher plus `append`, and the homeserver's answer is relayed as it is.
// - Every other path and method is relayed to the homeserver unchanged (bodies streamed both
//   ways), so a client can use the gateway as its homeserver URL.
//
// The only host this module ever connects to is UPSTREAM_URL's: every upstream URL is that base
// followed by the request's path and query, as text (never resolved against the request's URL).

import { validate } from "matrix-pusher-validator";
import { rateLimit } from "./auth.js";
import { bearerToken, discardBody, json, matrixError, readChecked, tooLarge } from "./http.js";
import { count, settings } from "./settings.js";
import { hash } from "./store.js";

const SET_PATH = /^\/_matrix\/client\/(?:v3|r0|api\/v1)\/pushers\/set$/;
const LOGOUT_PATH = /^\/_matrix\/client\/(?:v3|r0)\/logout(?:\/all)?$/;
const WHOAMI_PATH = "/_matrix/client/v3/account/whoami";

/** Answered by the gateway itself: tells the playground which mode it talks to. */
export const MODE_PATH = "/service.json";

/** Lifetime of a token the homeserver knows, in the isolate and in KV. */
export const IDENTITY_FOUND_MS = 300_000;
/** Lifetime of a token the homeserver refused (401), in the isolate only. */
export const IDENTITY_REFUSED_MS = 10_000;
/** Entries kept in the isolate's identity cache before it is emptied. */
const IDENTITY_CACHE_MAX = 10_000;
/** KV keys of the identity cache: `w:<h(token)>`. */
const KV_PREFIX = "w:";
/** The most a request's own `timeout` query parameter (long-polling /sync) adds to the deadline. */
const WAIT_MAX_MS = 300_000;
const DEFAULT_KINDS = ["http", "email"];
/** Methods fetch() refuses to send: answered here rather than as an upstream failure. */
const UNRELAYED_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

/** Headers of one connection, never forwarded (RFC 9110 section 7.6.1), and Host. */
const HOP_BY_HOP = new Set([
  "connection",
  "host",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * Whether the worker runs as a gateway (UPSTREAM_URL set and not blank).
 * @param {Record<string, unknown>} env
 */
export function isGateway(env) {
  return typeof env.UPSTREAM_URL === "string" && env.UPSTREAM_URL.trim() !== "";
}

/** The gateway's settings, read once per `env`: the service's, plus the upstream and the kinds. */
const settingsCache = new WeakMap();
function gatewaySettings(env) {
  let found = settingsCache.get(env);
  if (found === undefined) {
    const service = settings(env);
    const validator = { ...service.validator, kinds: parseKinds(env.KINDS) };
    try {
      // An option the validator refuses (an unknown kind) throws here, on the first request.
      validate("{}", validator);
    } catch (err) {
      throw new Error(`KINDS: ${err.message.replace(/^matrix-pusher-validator: /, "")}`);
    }
    let timeoutMs;
    try {
      timeoutMs = count(env.UPSTREAM_TIMEOUT_MS, 10_000, "UPSTREAM_TIMEOUT_MS") || 10_000;
    } catch {
      throw new Error("UPSTREAM_TIMEOUT_MS: not a count of milliseconds");
    }
    found = { ...service, validator, upstream: upstreamBase(env.UPSTREAM_URL.trim()), timeoutMs };
    settingsCache.set(env, found);
  }
  return found;
}

/** KINDS: a comma-separated list of pusher kinds (the validator's `kinds`). */
function parseKinds(value) {
  if (value === undefined || value.trim() === "") return DEFAULT_KINDS;
  return value
    .split(",")
    .map((kind) => kind.trim())
    .filter(Boolean);
}

/** UPSTREAM_URL as the text every upstream URL starts with: origin and base path, no slash. */
function upstreamBase(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new Error("UPSTREAM_URL: not an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("UPSTREAM_URL: not http or https");
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    throw new Error("UPSTREAM_URL: credentials, a query or a fragment");
  }
  return { origin: url.origin, prefix: url.origin + url.pathname.replace(/\/+$/, "") };
}

/**
 * The upstream URL of a request: the base, then the request's path and query as text. A path
 * such as `//evil.example/x` stays a path of the upstream (`new URL(path, base)` would go to
 * evil.example); the host of an absolute-form request target is never read.
 */
function upstreamUrl(gw, url) {
  const target = `${gw.upstream.prefix}${url.pathname}${url.search}`;
  // Belt and braces: by construction the origin cannot change.
  if (new URL(target).origin !== gw.upstream.origin) throw new Error("upstream URL left its origin");
  return target;
}

/** The request headers to forward: all but the hop-by-hop ones and those Connection names. */
function forwardHeaders(headers) {
  headers = new Headers(headers);
  const named = new Set(
    (headers.get("Connection") ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const out = new Headers();
  for (const [name, value] of headers) {
    if (!HOP_BY_HOP.has(name) && !named.has(name)) out.append(name, value);
  }
  return out;
}

/**
 * The homeserver's answer as the client receives it: status, end-to-end headers, body. The
 * runtime decodes a compressed body and encodes it again for the client, so the length of a
 * compressed body is left to it.
 */
function relayed(answer, body) {
  const headers = forwardHeaders(answer.headers);
  if (headers.has("content-encoding")) headers.delete("content-length");
  return new Response(body, { status: answer.status, statusText: answer.statusText, headers });
}

/** The homeserver could not be reached (502) or did not answer in time (504). */
class UpstreamError extends Error {
  constructor(status, message) {
    super(message);
    this.name = "UpstreamError";
    this.status = status;
  }
}

/**
 * One exchange with the homeserver. The deadline covers the status and headers, and the body
 * when `whole(response)` says it is to be read here; otherwise the body streams to the client
 * as it comes.
 * @param {{ timeoutMs: number }} gw
 * @param {string} target
 * @param {RequestInit} init
 * @param {{ whole?: (response: Response) => boolean, waitMs?: number }} [how]
 */
async function exchange(gw, target, init, { whole = () => false, waitMs = 0 } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), gw.timeoutMs + waitMs);
  try {
    const response = await fetch(target, { ...init, redirect: "manual", signal: controller.signal });
    if (!whole(response)) return { response, body: response.body };
    return { response, body: await response.arrayBuffer() };
  } catch (err) {
    if (controller.signal.aborted) throw new UpstreamError(504, "the homeserver did not answer in time");
    // Only the error's kind is logged: its message may quote the URL, which may carry a token.
    console.error("homeserver unreachable:", err?.name ?? "error");
    throw new UpstreamError(502, "the homeserver could not be reached");
  } finally {
    clearTimeout(timer);
  }
}

/** How long a request asks the homeserver to wait before answering (`?timeout=` of /sync). */
function requestedWait(url) {
  const wait = Number(url.searchParams.get("timeout"));
  return Number.isFinite(wait) && wait > 0 ? Math.min(wait, WAIT_MAX_MS) : 0;
}

// ---- identity ---------------------------------------------------------------------------------

// Module scope: one cache per isolate, shared by its requests. Keys are token hashes.
const identities = new Map();
const lookups = new Map();

function remember(key, identity) {
  if (identities.size >= IDENTITY_CACHE_MAX) identities.clear();
  identities.set(key, identity);
}

/** Drops a token from both caches (the homeserver said it is gone). */
function forget(key, env, ctx) {
  identities.delete(key);
  later(ctx, env.PUSHERS.delete(`${KV_PREFIX}${key}`));
}

/** Runs a KV write after the answer when the platform allows, never failing the request. */
function later(ctx, promise) {
  const quiet = promise.catch((err) => console.error("identity cache: KV write failed", err?.name ?? "error"));
  if (ctx?.waitUntil) ctx.waitUntil(quiet);
}

/**
 * Who the token belongs to: `{ key, userId, userHash }`, or `{ key, refusal }` with the
 * homeserver's answer to relay. The isolate's cache first, then KV, then the homeserver's whoami;
 * concurrent requests with the same uncached token share one lookup.
 */
async function identify(token, env, ctx, gw) {
  const key = await hash(token);
  const cached = identities.get(key);
  if (cached !== undefined && cached.expires > Date.now()) return { key, ...cached };
  const running = lookups.get(key);
  if (running === undefined) {
    const lookup = lookUp(key, token, env, ctx, gw).finally(() => lookups.delete(key));
    lookups.set(key, lookup);
    return { key, ...(await lookup) };
  }
  // Another request is asking already: wait for its answer, but not past the upstream timeout
  // (a request that is cancelled takes its continuations with it), then ask on our own.
  let timer;
  const shared = await Promise.race([
    running,
    new Promise((resolve) => {
      timer = setTimeout(resolve, gw.timeoutMs, null);
    }),
  ]).finally(() => clearTimeout(timer));
  return { key, ...(shared ?? (await lookUp(key, token, env, ctx, gw))) };
}

async function lookUp(key, token, env, ctx, gw) {
  const kvKey = `${KV_PREFIX}${key}`;
  let stored = null;
  try {
    stored = await env.PUSHERS.get(kvKey, { type: "json" });
  } catch (err) {
    // The homeserver can answer instead.
    console.error("identity cache: KV read failed", err?.name ?? "error");
  }
  if (stored !== null && typeof stored.user_id === "string" && stored.expires > Date.now()) {
    const identity = { userId: stored.user_id, userHash: await hash(stored.user_id), expires: stored.expires };
    remember(key, identity);
    return identity;
  }

  const { response, body } = await exchange(
    gw,
    `${gw.upstream.prefix}${WHOAMI_PATH}`,
    { method: "GET", headers: { Authorization: `Bearer ${token}` } },
    { whole: () => true },
  );
  if (response.status === 200) {
    let userId;
    try {
      userId = JSON.parse(new TextDecoder().decode(/** @type {ArrayBuffer} */ (body))).user_id;
    } catch {}
    if (typeof userId !== "string" || userId === "") {
      throw new UpstreamError(502, "the homeserver's whoami answer has no user_id");
    }
    const expires = Date.now() + IDENTITY_FOUND_MS;
    const identity = { userId, userHash: await hash(userId), expires };
    remember(key, identity);
    later(
      ctx,
      env.PUSHERS.put(kvKey, JSON.stringify({ user_id: userId, expires }), {
        expirationTtl: IDENTITY_FOUND_MS / 1000,
      }),
    );
    return identity;
  }
  const answer = { status: response.status, statusText: response.statusText, headers: [...response.headers], body };
  // NOTE: a refused token is cached in the isolate only: KV keeps a key at least 60 s (longer
  // than the 10 s allowed), and a KV write per random token would be the caller's to order.
  const identity = { refusal: answer, expires: response.status === 401 ? Date.now() + IDENTITY_REFUSED_MS : 0 };
  if (identity.expires > 0) remember(key, identity);
  return identity;
}

/** Whether an upstream 401 says the token is unknown (logged out, expired, revoked). */
function unknownToken(body) {
  try {
    return JSON.parse(new TextDecoder().decode(body)).errcode === "M_UNKNOWN_TOKEN";
  } catch {
    return false;
  }
}

// ---- requests ---------------------------------------------------------------------------------

async function setPusher(request, env, ctx, gw, url) {
  const token = bearerToken(request) ?? url.searchParams.get("access_token");
  if (token === null || token === "") return matrixError(401, "M_MISSING_TOKEN", "missing access token");
  const max = gw.validator.maxBodyBytes;
  // A declared length past the limit is refused before anything else, the homeserver included.
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > max) return tooLarge(gw.validator);

  const identity = await identify(token, env, ctx, gw);
  if (identity.refusal) return relayed(identity.refusal, identity.refusal.body);
  const limited = await rateLimit(env, identity.userHash, gw);
  if (limited !== null) return limited;

  const read = await readChecked(request, gw.validator);
  if (read.response) return read.response;
  const { checked } = read;

  // What is forwarded is exactly what was validated: the output pusher, plus `append` for a set.
  const body =
    checked.action === "delete"
      ? JSON.stringify({ kind: null, app_id: checked.appId, pushkey: checked.pushkey })
      : `${/** @type {string} */ (checked.pusherJson).slice(0, -1)},"append":${checked.append}}`;
  const headers = forwardHeaders(request.headers);
  headers.delete("content-length");
  headers.delete("content-encoding");
  headers.set("Content-Type", "application/json");
  // Only a 401 is read here (to see whether the token is gone); other answers stream.
  const { response, body: answer } = await exchange(
    gw,
    upstreamUrl(gw, url),
    { method: "POST", headers, body },
    { whole: (r) => r.status === 401 },
  );
  // The token was cached as found, but the homeserver no longer knows it (a logout): drop it.
  if (response.status === 401 && unknownToken(answer)) forget(identity.key, env, ctx);
  return relayed(response, answer);
}

async function passThrough(request, env, ctx, gw, url) {
  if (UNRELAYED_METHODS.has(request.method)) {
    return matrixError(405, "M_UNRECOGNIZED", "unrecognized request method");
  }
  // A GET or HEAD carries no body upstream, whatever the client sent.
  const bodyless = request.method === "GET" || request.method === "HEAD";
  const init = {
    method: request.method,
    headers: forwardHeaders(request.headers),
    body: bodyless ? undefined : request.body,
  };
  const { response, body } = await exchange(gw, upstreamUrl(gw, url), init, { waitMs: requestedWait(url) });
  if (request.method === "POST" && response.ok && LOGOUT_PATH.test(url.pathname)) {
    const token = bearerToken(request) ?? url.searchParams.get("access_token");
    if (token) forget(await hash(token), env, ctx);
  }
  return relayed(response, body);
}

/**
 * The gateway's handler (the worker's `fetch` in gateway mode).
 * @param {Request} request
 * @param {{ PUSHERS: KVNamespace, RATE_LIMITER?: RateLimit } & Record<string, string>} env
 * @param {ExecutionContext} [ctx]
 * @returns {Promise<Response>}
 */
export async function gateway(request, env, ctx) {
  let gw;
  try {
    gw = gatewaySettings(env);
  } catch (err) {
    // The operator's to fix; the message names the var (and quotes no value of UPSTREAM_URL).
    const message = `the service is misconfigured: ${err.message}`;
    console.error(message);
    return matrixError(500, "M_UNKNOWN", message);
  }
  const url = new URL(request.url);
  if (url.pathname === MODE_PATH && request.method === "GET") return json(200, { mode: "gateway" });
  if (SET_PATH.test(url.pathname) && request.method === "POST") {
    const response = await setPusher(request, env, ctx, gw, url).catch(failure);
    // A body left unread (a 401, a 413, the homeserver down) is read and dropped, so that the
    // client reads the answer on a connection that stays open.
    await discardBody(request);
    return response;
  }
  return passThrough(request, env, ctx, gw, url).catch(failure);
}

/** The answer to a request that failed: 502 or 504 for the homeserver, else 500. */
function failure(err) {
  if (err instanceof UpstreamError) return matrixError(err.status, "M_UNKNOWN", err.message);
  console.error("internal error", err?.name ?? "error");
  return matrixError(500, "M_UNKNOWN", "internal error");
}
