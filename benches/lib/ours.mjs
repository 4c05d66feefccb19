// Our package, loaded as users load it: by name (`matrix-pusher-validator`), or, when the name
// does not resolve from here, from the built pkg/ through its package.json entry point.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const PKG = fileURLToPath(new URL("../../pkg/", import.meta.url));

/** The file Node loads for `import "matrix-pusher-validator"`. */
export function packageEntry() {
  try {
    return fileURLToPath(import.meta.resolve("matrix-pusher-validator"));
  } catch {
    const manifest = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8"));
    const exp = manifest.exports;
    const dot = typeof exp === "string" ? exp : exp?.["."];
    const entry =
      (typeof dot === "string" ? dot : (dot?.node?.import ?? dot?.node ?? dot?.import ?? dot?.default)) ??
      manifest.module ??
      manifest.main;
    const file = join(PKG, typeof entry === "string" ? entry : entry.default);
    if (!existsSync(file)) throw new Error(`matrix-pusher-validator: ${file} is missing (make build)`);
    return file;
  }
}

/** The package's module namespace. */
export async function loadOurs() {
  return import(pathToFileURL(packageEntry()).href);
}
