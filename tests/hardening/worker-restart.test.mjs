// A restart in the middle of traffic loses nothing acknowledged: 16 clients write their own
// pushers without pause; the service is stopped while requests are in flight and started again
// on the same KV directory. Every stream then holds the state of its last acknowledged request,
// or that of the one request that was in flight when the service stopped.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, test } from "node:test";

import { client, snapshot, startService } from "../lib/service.mjs";

const URL_OK = "https://push.example.org/_matrix/push/v1/notify";
const APP = "org.example.app";
const CLIENTS = 16;

let dir;
const services = [];
after(async () => {
  for (const s of services) await s.dispose({ keep: true }).catch(() => {});
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("stopping the service mid-run and starting it on the same store loses nothing acknowledged", async () => {
  const first = await startService({ quiet: true });
  services.push(first);
  dir = first.dir;
  const tokens = [];
  for (let c = 0; c < CLIENTS; c += 1) tokens.push(await first.mint(`@restart${c}:localhost`));

  // Per stream (client c, pushkey k): the acknowledged state and the state in flight.
  const streams = [];
  let acked = 0;
  let stopping = false;
  let v = 0;
  const workers = tokens.map(async (token, c) => {
    const me = client(first, token);
    const mine = [0, 1, 2].map((k) => {
      const s = { c, pushkey: `p${c}-${k}`, acked: "absent", inFlight: null };
      streams.push(s);
      return s;
    });
    for (let i = 0; !stopping; i += 1) {
      const s = mine[i % mine.length];
      const remove = i % 5 === 4;
      v += 1;
      const target = remove ? "absent" : String(v);
      s.inFlight = target;
      let res;
      try {
        res = remove
          ? await me.remove(APP, s.pushkey)
          : await me.set({
              kind: "http",
              app_id: APP,
              pushkey: s.pushkey,
              app_display_name: "R",
              device_display_name: `c${c}`,
              lang: "en",
              data: { url: URL_OK, v },
            });
      } catch {
        return; // the service went away with this request in flight
      }
      assert.equal(res.status, 200, JSON.stringify(res.body));
      s.acked = target;
      s.inFlight = null;
      acked += 1;
    }
  });
  while (acked < 300) await new Promise((resolve) => setTimeout(resolve, 5));
  await first.dispose({ keep: true });
  stopping = true;
  await Promise.all(workers);
  const inFlight = streams.filter((s) => s.inFlight !== null).length;

  const second = await startService({ persistDir: dir, quiet: true });
  services.push(second);
  let lost = 0;
  for (let c = 0; c < CLIENTS; c += 1) {
    const res = await client(second, tokens[c]).list();
    assert.equal(res.status, 200, "tokens survive the restart");
    const stored = new Map(res.body.pushers.map((p) => [p.pushkey, String(p.data.v)]));
    for (const s of streams.filter((x) => x.c === c)) {
      const got = stored.get(s.pushkey) ?? "absent";
      const allowed = [s.acked, s.inFlight].filter((x) => x !== null);
      if (!allowed.includes(got)) lost += 1;
      assert.ok(allowed.includes(got), `${s.pushkey}: stored ${got}, acknowledged ${s.acked}, in flight ${s.inFlight}`);
    }
  }
  const store = await snapshot(second.kv);
  assert.deepEqual(store.withoutIndex, [], "records without their index entry after the restart");
  console.log(
    `restart: ${acked} acknowledged writes before the stop, ${inFlight} in flight, ${lost} lost after the restart`,
  );
});
