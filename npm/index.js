// Browsers and every host without a more specific entry (`browser` and `default` conditions):
// `await init()` once, then call `validate` synchronously. `init()` fetches the .wasm that lies
// next to this file; pass a URL, a Response, the bytes or a compiled module to load it otherwise.

import { markReady } from "./api.js";
import initWasm, { initSync as initWasmSync } from "./matrix_pusher_validator.js";

export { check, httpStatus, validate, validateWithJson, verdict } from "./api.js";

let loading;

/**
 * Loads the WebAssembly module, once; later calls return the same promise.
 * @param {string | URL | Response | BufferSource | WebAssembly.Module | Promise<any>} [wasm]
 * @returns {Promise<void>}
 */
export function init(wasm) {
  if (loading === undefined) {
    // wasm-bindgen's own form, `{ module_or_path }`, is accepted too.
    const input = wasm === undefined || isOptionsObject(wasm, "module_or_path") ? wasm : { module_or_path: wasm };
    loading = initWasm(input).then(markReady);
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

/**
 * Instantiates the module synchronously from its bytes or a compiled `WebAssembly.Module`
 * (for web workers and hosts that already hold it). A no-op once initialized.
 * @param {BufferSource | WebAssembly.Module} wasm
 */
export function initSync(wasm) {
  markReady(initWasmSync(isOptionsObject(wasm, "module") ? wasm : { module: wasm }));
}

function isOptionsObject(value, key) {
  return (
    typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype && key in value
  );
}

export default init;
