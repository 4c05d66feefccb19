// A consumer bundled for no platform (the `default` condition): `await init()` without an
// argument fetches the .wasm that lies next to the bundle.
import init, { check, validate, validateWithJson, verdict } from "matrix-pusher-validator";

let early;
try {
  validate("{}");
} catch (error) {
  early = error;
}
export const beforeInit = early;
await init();
await init({ module_or_path: "ignored: already initialized" });

export { check, validate, validateWithJson, verdict };
