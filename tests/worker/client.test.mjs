// A real client: matrix-js-sdk's setPusher, getPushers and removePusher against the worker on
// loopback.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createClient } from "matrix-js-sdk";
import { pusher, startService } from "../lib/service.mjs";

let service;
let sdk;
before(async () => {
  service = await startService();
  const accessToken = await service.mint("@sdk:localhost");
  sdk = createClient({ baseUrl: service.url, accessToken, userId: "@sdk:localhost" });
});
after(async () => {
  sdk?.stopClient();
  await service?.dispose();
});

test("matrix-js-sdk sets, lists and removes a pusher", async () => {
  const body = pusher({ pushkey: "sdk-key", lang: "en_GB", app_id: "io.element.matrix" });
  assert.deepEqual(await sdk.setPusher(body), {});

  const { pushers } = await sdk.getPushers();
  assert.equal(pushers.length, 1);
  const [stored] = pushers;
  assert.equal(stored.app_id, "io.element.matrix");
  assert.equal(stored.pushkey, "sdk-key");
  assert.equal(stored.lang, "en-GB");
  assert.deepEqual(stored.data, body.data);

  // Clients echo the stored pusher back to delete it; removePusher sends only the identity.
  assert.deepEqual(await sdk.removePusher("sdk-key", "io.element.matrix"), {});
  assert.deepEqual((await sdk.getPushers()).pushers, []);
});

test("matrix-js-sdk sees a validation error as a MatrixError with errcode and status", async () => {
  await assert.rejects(
    sdk.setPusher(pusher({ data: { url: "https://push.example.org/_matrix/push/v1/notify/" } })),
    (err) => {
      assert.equal(err.errcode, "M_INVALID_PARAM");
      assert.equal(err.httpStatus, 400);
      assert.deepEqual(
        err.data.errors.map((p) => [p.errcode, p.path]),
        [["M_INVALID_PARAM", "/data/url"]],
      );
      return true;
    },
  );
});

test("matrix-js-sdk with an unknown token gets M_UNKNOWN_TOKEN", async () => {
  const stranger = createClient({ baseUrl: service.url, accessToken: "unknown", userId: "@x:localhost" });
  await assert.rejects(stranger.getPushers(), (err) => err.errcode === "M_UNKNOWN_TOKEN" && err.httpStatus === 401);
  stranger.stopClient();
});
