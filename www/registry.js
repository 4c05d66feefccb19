// The standalone registry (UPSTREAM_URL empty): the pusher endpoints answered from Workers KV,
// and the router that picks a handler by path and method.

import { authenticate } from "./auth.js";
import { MODE_PATH } from "./gateway.js";
import { CORS_HEADERS, json, matrixError, readChecked } from "./http.js";
import { settings } from "./settings.js";
import { PusherLimitError, PusherStore } from "./store.js";

const PUSHERS_PATH = /^\/_matrix\/client\/(?:v3|r0|api\/v1)\/pushers$/;
const PUSHERS_SET_PATH = /^\/_matrix\/client\/(?:v3|r0|api\/v1)\/pushers\/set$/;
const VERSIONS_PATH = "/_matrix/client/versions";

const VERSIONS_BODY = JSON.stringify({
  versions: ["r0.6.1", "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7", "v1.8", "v1.9", "v1.10", "v1.11"],
  unstable_features: {},
});

async function setPusher(request, env, store, config) {
  const auth = await authenticate(request, env, store, config);
  if (auth.response) return auth.response;
  const read = await readChecked(request, config.validator);
  if (read.response) return read.response;
  const { checked } = read;
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

/**
 * Answers one request of the standalone registry; the body is not discarded here.
 * @param {Request} request
 * @param {{ PUSHERS: KVNamespace, RATE_LIMITER?: RateLimit } & Record<string, string>} env
 * @returns {Promise<Response>}
 */
export async function registry(request, env) {
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
