// A browser consumer: the wasm URL comes from the package's /wasm subpath (esbuild's file
// loader copies the .wasm and hands back its URL), `await init(url)` once, then validate.
import init, { check, validate, validateWithJson, verdict } from "matrix-pusher-validator";
import wasmUrl from "matrix-pusher-validator/wasm";

await init(new URL(wasmUrl, import.meta.url));
await init(); // a second call is the same promise, whatever its argument

export { check, validate, validateWithJson, verdict };
