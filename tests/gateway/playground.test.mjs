// The playground served by the gateway, in Debian's Chromium: it says the token is the user's own,
// Register sends the pusher through the gateway to a real Synapse, and a refused body stays at
// the edge.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchBrowser } from "../browser/harness.js";
import { countingProxy, PUSHERS_PATH, SET_PATH, startGateway, startHomeserver } from "./harness.mjs";

let hs;
let proxy;
let gw;
let browser;
before(async () => {
  hs = await startHomeserver();
  proxy = await countingProxy(hs.port);
  gw = await startGateway(proxy.url);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await gw?.dispose();
  await proxy?.close();
  await hs?.stop();
});

test("Register in gateway mode: the user's own token, the pusher stored by Synapse, refusals kept at the edge", async () => {
  const user = await hs.register("pageuser");
  const page = await browser.context.newPage();
  const consoleErrors = [];
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  await page.goto(`${gw.url}/`);
  await page.waitForFunction(() => document.body.dataset.mode === "gateway");
  assert.match((await page.textContent("#service-hint")) ?? "", /your own Matrix access token/);

  await page.fill("#token", user.accessToken);
  await page.click('[data-example="element-android"]');
  const sent = JSON.parse(await page.inputValue("#raw"));
  await page.click("#register");
  await page.waitForFunction(() => /HTTP 200/.test(document.getElementById("response-status")?.textContent ?? ""));
  await page.locator("#pushers li", { hasText: sent.app_id }).waitFor();
  const stored = (await hs.call("GET", PUSHERS_PATH, user.accessToken)).body.pushers;
  assert.deepEqual(
    stored.map((p) => [p.app_id, p.pushkey, p.lang]),
    [[sent.app_id, sent.pushkey, "en-US"]],
  );
  assert.deepEqual(consoleErrors, []);

  // (Chromium logs the 400 below as a failed resource: expected.)
  proxy.reset();
  await page.click('[data-example="private-gateway"]');
  await page.click("#register");
  await page.waitForFunction(() => /HTTP 400/.test(document.getElementById("response-status")?.textContent ?? ""));
  assert.equal(JSON.parse((await page.textContent("#response-body")) ?? "null").errcode, "M_INVALID_PARAM");
  assert.deepEqual(proxy.seen(SET_PATH), [], "the refused body never reached Synapse");
  await page.close();
});
