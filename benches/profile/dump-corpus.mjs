// Writes the benchmark corpus (lib/corpus.mjs) as length-prefixed bodies for the native profile.
import { writeFileSync } from "node:fs";
import { benchCorpus } from "../lib/corpus.mjs";

const out = process.argv[2] ?? new URL("../work/corpus.bin", import.meta.url);
const parts = [];
for (const input of benchCorpus()) {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(input.bytes.length);
  parts.push(len, Buffer.from(input.bytes));
}
writeFileSync(out, Buffer.concat(parts));
