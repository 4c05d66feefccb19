// The service's settings as vars: ALLOWED_PRIVATE_HOSTS lets the operator's own gateways through,
// and a var the service cannot read makes every pusher route answer 500 naming it, never a
// default (docs/rules.md section 7).

import assert from "node:assert/strict";
import { test } from "node:test";
import { client, pusher, startService } from "../lib/service.mjs";

const LAN = pusher({ data: { url: "https://192.168.1.20/_matrix/push/v1/notify" } });

async function withService(vars, run) {
  const service = await startService({ vars, wrapped: false });
  try {
    await run(client(service, await service.mint("@alice:localhost")));
  } finally {
    await service.dispose();
  }
}

test("ALLOWED_PRIVATE_HOSTS: entries separated by commas or spaces let a LAN gateway through", async () => {
  await withService({}, async (alice) => {
    const { status, body } = await alice.set(LAN);
    assert.equal(status, 400);
    assert.deepEqual(
      body.errors.map((p) => [p.errcode, p.path]),
      [["M_INVALID_PARAM", "/data/url"]],
    );
  });
  await withService({ ALLOWED_PRIVATE_HOSTS: " ntfy.home.arpa,\n192.168.1.0/24  fd00::/8 " }, async (alice) => {
    assert.deepEqual(await alice.set(LAN), { status: 200, contentType: "application/json", body: {} });
    assert.deepEqual(
      await alice.set(pusher({ pushkey: "pk-2", data: { url: "https://ntfy.home.arpa/_matrix/push/v1/notify" } })),
      { status: 200, contentType: "application/json", body: {} },
    );
    const refused = await alice.set(
      pusher({ pushkey: "pk-3", data: { url: "https://192.168.2.1/_matrix/push/v1/notify" } }),
    );
    assert.equal(refused.status, 400);
    assert.equal((await alice.list()).body.pushers.length, 2);
  });
});

test("a var the service cannot read answers 500 naming it on every pusher route", async () => {
  for (const [vars, name] of [
    [{ ALLOWED_PRIVATE_HOSTS: "ntfy.home.arpa, *.lan" }, "ALLOWED_PRIVATE_HOSTS"],
    [{ ALLOW_HTTP: "yes" }, "ALLOW_HTTP"],
    [{ ALLOW_PRIVATE_HOSTS: "on" }, "ALLOW_PRIVATE_HOSTS"],
    [{ MAX_DEPTH: "sixteen" }, "MAX_DEPTH"],
  ]) {
    await withService(vars, async (alice) => {
      for (const response of [await alice.set(LAN), await alice.list()]) {
        assert.equal(response.status, 500, JSON.stringify(vars));
        assert.equal(response.body.errcode, "M_UNKNOWN");
        assert.match(response.body.error, new RegExp(`^the service is misconfigured: ${name}: `));
      }
    });
  }
});
