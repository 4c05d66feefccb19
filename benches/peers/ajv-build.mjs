// Compiles the pusher JSON Schema to standalone ESM validation code, ahead of time: Workers
// forbid generating code at request time, so ajv's only usable form there is precompiled.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] ?? join(here, "..", "work", "peers", "ajv-pusher.mjs");
const schema = JSON.parse(readFileSync(join(here, "pusher.schema.json"), "utf8"));

// allErrors: we collect every problem, so the peer does too.
const ajv = new Ajv({ allErrors: true, code: { source: true, esm: true } });
// ajv's ESM output still calls require() for its runtime helpers (ucs2length); turn each into
// an import so that Node and esbuild load the same module without a CommonJS shim.
const imports = [];
const code = standaloneCode(ajv, ajv.compile(schema)).replace(/require\("([^"]+)"\)/g, (_, mod) => {
  const name = `runtime${imports.length}`;
  imports.push(`import ${name} from "${mod}.js";`);
  return name;
});
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${imports.join("\n")}\n${code}`);
console.log(`ajv standalone: ${out} (${code.length} chars)`);
