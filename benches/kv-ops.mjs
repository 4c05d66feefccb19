// KV operations per request, counted (not estimated): the real worker bundle in Miniflare behind
// the test suite's counting wrapper (tests/lib/kv-wrapper.js, started by tests/lib/service.mjs),
// one request per scenario, counts reset before each.
//   node benches/kv-ops.mjs OUT.json
import { writeFileSync } from "node:fs";
import { client, pusher, startService } from "../tests/lib/service.mjs";

const service = await startService();
const result = {};
try {
  const alice = client(service, await service.mint("@alice:localhost"));
  const bob = client(service, await service.mint("@bob:localhost"));
  const measure = async (name, request) => {
    await service.resetKv();
    const { status } = await request();
    if (status !== 200) throw new Error(`kv-ops: ${name} answered ${status}`);
    const { get, put, delete: del, list, byPrefix } = await service.kvCounts();
    result[name] = { get, put, delete: del, list, byPrefix };
  };

  // A token's first request reads it from KV; the isolate caches it afterwards.
  await measure("token_first_use_list", () => alice.list());
  await measure("list", () => alice.list());
  await measure("set_append_false_new", () => alice.set(pusher({ pushkey: "a-1" })));
  await measure("set_append_false_replace_own", () => alice.set(pusher({ pushkey: "a-1", lang: "fr" })));
  await bob.list();
  await bob.set(pusher({ pushkey: "shared-1", append: true }));
  await measure("set_append_false_displacing_one", () => alice.set(pusher({ pushkey: "shared-1" })));
  await bob.set(pusher({ pushkey: "shared-2", append: true }));
  await measure("set_append_true_other_holder", () => alice.set(pusher({ pushkey: "shared-2", append: true })));
  await measure("set_append_true_new", () => alice.set(pusher({ pushkey: "a-2", append: true })));
  await measure("delete", () => alice.remove("im.vector.app.android", "a-2"));
  await measure("delete_absent", () => alice.remove("im.vector.app.android", "never-set"));
  await measure("list_after", () => alice.list());
} finally {
  await service.dispose();
}

if (process.argv[2]) writeFileSync(process.argv[2], JSON.stringify(result, null, 2));
for (const [name, c] of Object.entries(result)) {
  console.log(`kv-ops: ${name.padEnd(32)} get ${c.get} put ${c.put} delete ${c.delete} list ${c.list}`);
}
