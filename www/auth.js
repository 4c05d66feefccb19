// Who a request is: the registry's bearer token looked up in the store, and the per-user rate
// limit both modes apply.

import { bearerToken, matrixError } from "./http.js";

/** Longest bearer token looked up; longer ones are unknown without a read. */
const MAX_TOKEN_CHARS = 1024;

/**
 * Authenticates and rate-limits; returns the user, or the error response.
 * @param {Request} request
 * @param {{ RATE_LIMITER?: RateLimit }} env
 * @param {import("./store.js").PusherStore} store
 * @param {{ rateLimitPeriodMs: number }} config
 * @returns {Promise<{ user: any, response?: undefined } | { response: Response, user?: undefined }>}
 */
export async function authenticate(request, env, store, config) {
  const token = bearerToken(request);
  if (token === null) return { response: matrixError(401, "M_MISSING_TOKEN", "missing access token") };
  const user = token.length > MAX_TOKEN_CHARS ? null : await store.userForToken(token);
  if (user === null) return { response: matrixError(401, "M_UNKNOWN_TOKEN", "unrecognised access token") };
  const limited = await rateLimit(env, user.userHash, config);
  if (limited !== null) return { response: limited };
  return { user };
}

/**
 * The 429 when the user (by hash) is past the request rate, else null.
 * @param {{ RATE_LIMITER?: RateLimit }} env
 * @param {string} userHash
 * @param {{ rateLimitPeriodMs: number }} config
 * @returns {Promise<Response | null>}
 */
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
