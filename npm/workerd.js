// Cloudflare Workers and other hosts that import a .wasm file as a compiled
// `WebAssembly.Module` (`workerd` and `worker` conditions): instantiated synchronously at module
// scope, so `validate` works with no init call. `init` is a resolved no-op.

import { markReady } from "./api.js";
import { initSync as initWasmSync } from "./matrix_pusher_validator.js";
import wasmModule from "./matrix_pusher_validator_bg.wasm";

markReady(initWasmSync({ module: wasmModule }));

export { check, httpStatus, validate, validateWithJson, verdict } from "./api.js";

/** Already initialized: resolves at once. @returns {Promise<void>} */
export function init() {
  return Promise.resolve();
}

/** Already initialized: does nothing. */
export function initSync() {}

export default init;
