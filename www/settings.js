// The service's settings, read from the Worker's vars (see wrangler.toml); a var it cannot read
// is a SettingsError, never a default.

import { validate } from "matrix-pusher-validator";

/** The settings of each `env` already read. */
const settingsCache = new WeakMap();

/**
 * The service's settings, read once per `env` from the Worker's vars (see wrangler.toml).
 * `kinds` is fixed to ["http"]: e-mail pushers stay off until the service can check that the
 * address is a validated third-party ID of the user, and Web Push pushers need an activation
 * flow only a service that sends pushes can run (docs/rules.md section 7). A var the service
 * cannot read is a `SettingsError`: every request then answers 500 naming it, never a default.
 * @param {Record<string, unknown>} env
 * @returns {{ validator: Record<string, unknown>, maxPushers: number, rateLimitPeriodMs: number }}
 */
export function settings(env) {
  let found = settingsCache.get(env);
  if (found === undefined) {
    /** @type {import("matrix-pusher-validator").Options} */
    const validator = {
      kinds: ["http"],
      allowHttp: flag(env.ALLOW_HTTP, "ALLOW_HTTP"),
      allowPrivateHosts: flag(env.ALLOW_PRIVATE_HOSTS, "ALLOW_PRIVATE_HOSTS"),
      allowAnyPath: flag(env.ALLOW_ANY_PATH, "ALLOW_ANY_PATH"),
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

/** A switch var: "true" or "1", "false", "0" or unset; anything else is refused. */
function flag(value, name) {
  if (value === undefined || value === "" || value === false || value === "false" || value === "0") return false;
  if (value === true || value === "true" || value === "1") return true;
  throw new SettingsError(`${name}: must be "true" or "false", not ${JSON.stringify(value)}`);
}

/**
 * A count var: a non-negative safe integer, or `fallback` when unset or empty.
 * @template {number | undefined} F
 * @param {unknown} value
 * @param {F} fallback
 * @param {string} name the var, named in the SettingsError
 * @returns {number | F}
 */
export function count(value, fallback, name) {
  if (value === undefined || value === "") return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0)
    throw new SettingsError(`${name}: not a count: ${JSON.stringify(value)}`);
  return number;
}

/**
 * `ALLOWED_PRIVATE_HOSTS`: the entries of `allowedPrivateHosts`, separated by commas or white
 * space (`"ntfy.home.arpa, 192.168.1.0/24"`). Each entry is the validator's to judge.
 */
function hostList(value) {
  if (typeof value !== "string") {
    throw new SettingsError(
      `ALLOWED_PRIVATE_HOSTS: must be a string of host names and CIDR ranges, not ${typeof value}`,
    );
  }
  return value.split(/[\s,]+/).filter((entry) => entry !== "");
}
