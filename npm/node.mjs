// Node (`node` condition, `import`): the module is compiled synchronously from the .wasm next to
// this file when the package is imported, so `validate` works with no init call. `init` is
// exported anyway (a resolved no-op) so that code written for browsers runs unchanged.

import { readFileSync } from "node:fs";
import { markReady } from "./api.js";
import { initSync as initWasmSync } from "./matrix_pusher_validator.js";

// ASCII text read as Latin-1, and other text as UTF-8, by Node's buffer code, which takes any
// Uint8Array as `this`: the same strings, in less time than `TextDecoder` takes for an outcome's
// text (half of it for ASCII).
markReady(
  initWasmSync({ module: readFileSync(new URL("./matrix_pusher_validator_bg.wasm", import.meta.url)) }),
  Buffer.prototype.latin1Slice,
  Buffer.prototype.utf8Slice,
);

export { check, httpStatus, validate, validateWithJson, verdict } from "./api.js";

/** Already initialized: resolves at once. @returns {Promise<void>} */
export function init() {
  return Promise.resolve();
}

/** Already initialized: does nothing. */
export function initSync() {}

export default init;
