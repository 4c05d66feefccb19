// Mints an access token for a Matrix user of the deployed service.
//
//   node www/mint-token.mjs @alice:example.org
//
// Prints the token (give it to the user; it is not stored anywhere) and the wrangler command that
// stores its hash in the PUSHERS namespace. Only the hash ever reaches KV.

import { randomBytes } from "node:crypto";
import { tokenKey } from "./store.js";

const user = process.argv[2];
if (!user || !/^@[^:]+:.+$/.test(user)) {
  console.error("usage: node www/mint-token.mjs @user:server");
  process.exit(2);
}
const token = `mpv_${randomBytes(32).toString("base64url")}`;
const key = await tokenKey(token);
console.log(`token: ${token}`);
console.log("store its hash (from www/):");
console.log(`  npx wrangler kv key put --binding PUSHERS --remote '${key}' '${user}'`);
console.log("revoke it later with:");
console.log(`  npx wrangler kv key delete --binding PUSHERS --remote '${key}'`);
