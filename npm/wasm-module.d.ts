// What the `workerd` entry imports: hosts that compile `.wasm` imports (workerd, wrangler's
// bundler) hand over a compiled module. For the JSDoc type check of npm/ only; not shipped.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
