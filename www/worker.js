// The edge service: the Matrix pusher endpoints on Workers KV (docs/rules.md section 7).
//
// The validator's WebAssembly is instantiated once, when this module is loaded. A set request's
// bytes go to the validator once; the pusher it returns is stored as the JSON text the validator
// wrote, never parsed or serialized again.
//
// This module is the entry: it picks the mode (gateway.js in front of a homeserver, registry.js
// on its own) and maps the errors that escape a standalone handler to their answers.

import { gateway, isGateway } from "./gateway.js";
import { discardBody, matrixError } from "./http.js";
import { registry } from "./registry.js";
import { SettingsError } from "./settings.js";
import { StoreError } from "./store.js";

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
      const response = await registry(request, env);
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
