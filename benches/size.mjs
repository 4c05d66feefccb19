// Size: what each contender ships for the job. Ours: the .wasm plus its JavaScript glue (the
// package's Workers entry bundled and minified by esbuild), each compressed on its own as they are
// served. Peers: their entry (peers/*.mjs: JSON.parse plus the schema plus the library) bundled
// with esbuild --bundle --minify. Sizes after gzip -9 and brotli (quality 11).
//   node benches/size.mjs OUT.json
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PKG } from "./lib/ours.mjs";
import { minified, packageSize, sizes } from "./lib/package-size.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
export const BUNDLES = join(here, "work", "bundles");

mkdirSync(BUNDLES, { recursive: true });
const result = { contenders: {} };

// Ours: the package's own size definition (lib/package-size.mjs), the one `make test` holds to
// the budget.
result.contenders.ours = await packageSize(PKG, join(BUNDLES, "ours.min.mjs"));
const { total } = result.contenders.ours;
result.wasm_glue_gzip_bytes = total.gzip;
result.wasm_glue_brotli_bytes = total.brotli;

for (const peer of ["ajv", "zod", "valibot"]) {
  const bytes = await minified(join(here, "peers", `${peer}.mjs`), join(BUNDLES, `${peer}.min.mjs`));
  result.contenders[peer] = { total: sizes(bytes) };
}

if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify(result, null, 2));
for (const [name, c] of Object.entries(result.contenders)) {
  console.log(`size: ${name.padEnd(8)} gzip ${c.total.gzip} B, brotli ${c.total.brotli} B`);
}
