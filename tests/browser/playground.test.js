// The playground in Debian's Chromium, served by the service itself (the `make run` launcher).
// Run: node --test tests/browser/   (make test-browser)

import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fixtureCases, launchBrowser, OUT_DIR, startService, TOKEN } from "./harness.js";

/** Field names of the page, by the JSON Pointer of the member each one edits. */
const FIELD_BY_POINTER = {
  "/kind": "kind",
  "/app_id": "app_id",
  "/pushkey": "pushkey",
  "/app_display_name": "app_display_name",
  "/device_display_name": "device_display_name",
  "/lang": "lang",
  "/profile_tag": "profile_tag",
  "/data/url": "data.url",
  "/data/format": "data.format",
  "/data/auth": "data.auth",
  "/append": "append",
};

let service;
let browser;

before(async () => {
  service = await startService();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

/**
 * Opens the playground and waits until the validator has judged the first example.
 * @param {{ width?: number }} [opts]
 */
async function openPage({ width = 1280 } = {}) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height: 900 });
  const consoleErrors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => consoleErrors.push(String(err)));
  await page.goto(`${service.base}/`);
  await page.waitForFunction(() =>
    ["set", "delete", "rejected"].includes(document.getElementById("verdict")?.dataset.outcome ?? ""),
  );
  return { page, consoleErrors };
}

/** The text of every element a control's aria-describedby names. */
function describedText(page, name) {
  return page.evaluate((n) => {
    const el = document.querySelector(`[name="${n}"]`);
    const ids = (el?.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean);
    return ids.map((id) => document.getElementById(id)?.textContent ?? "").join(" ");
  }, name);
}

/** What the page shows: the outcome, every problem and warning as [code, path], the output. */
function shown(page) {
  return page.evaluate(() => {
    const items = (kind) =>
      [...document.querySelectorAll(`#findings li.${kind}`)].map((li) => [
        /** @type {HTMLElement} */ (li).dataset.code,
        /** @type {HTMLElement} */ (li).dataset.path,
      ]);
    return {
      outcome: document.getElementById("verdict")?.dataset.outcome,
      errors: items("problem"),
      warnings: items("warning"),
      // The output is the outcome's JSON, or the text of a refusal of the options.
      output: (() => {
        try {
          return JSON.parse(document.getElementById("output")?.textContent || "null");
        } catch {
          return null;
        }
      })(),
      invalid: [...document.querySelectorAll('[aria-invalid="true"]')].map((el) => el.getAttribute("name") ?? el.id),
    };
  });
}

const rawJson = (page) => page.$eval("#raw", (el) => JSON.parse(/** @type {HTMLTextAreaElement} */ (el).value));

describe("the playground", () => {
  test("loads with no console errors, a label on every control, and every example", async () => {
    const { page, consoleErrors } = await openPage();
    assert.equal((await shown(page)).outcome, "set", "the first example is a valid pusher");
    const examples = await page.$$eval("[data-example]", (els) =>
      els.map((el) => /** @type {HTMLElement} */ (el).dataset.example),
    );
    assert.ok(examples.length >= 9, `examples: ${examples}`);
    for (const id of examples) {
      await page.click(`[data-example="${id}"]`);
      const { outcome } = await shown(page);
      assert.ok(["set", "delete", "rejected"].includes(outcome ?? ""), `${id}: ${outcome}`);
    }
    const unlabeled = await page.evaluate(() =>
      [...document.querySelectorAll("input, select, textarea, button")]
        .filter((el) => {
          const c = /** @type {HTMLInputElement} */ (el);
          const named =
            (c.labels && c.labels.length > 0) ||
            c.getAttribute("aria-label") ||
            c.getAttribute("aria-labelledby") ||
            (c.tagName === "BUTTON" && c.textContent?.trim());
          return !named;
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unlabeled, []);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test("a private http gateway marks data.url invalid, and a valid one clears the mark", async () => {
    const { page } = await openPage();
    const url = page.locator('[name="data.url"]');
    await url.fill("http://127.0.0.1/x");
    assert.equal(await url.getAttribute("aria-invalid"), "true");
    assert.match(await describedText(page, "data.url"), /M_INVALID_PARAM/);
    const bad = await shown(page);
    assert.equal(bad.outcome, "rejected");
    assert.deepEqual(bad.errors, [["M_INVALID_PARAM", "/data/url"]]);
    assert.equal((await rawJson(page)).data.url, "http://127.0.0.1/x", "the raw JSON follows the form");
    assert.equal(await page.getAttribute("#status", "role"), "status");
    await page.waitForFunction(() =>
      /Rejected: M_INVALID_PARAM at \/data\/url/.test(document.getElementById("status")?.textContent ?? ""),
    );

    await url.fill("https://push.example.org/_matrix/push/v1/notify");
    assert.equal(await url.getAttribute("aria-invalid"), null);
    assert.doesNotMatch(await describedText(page, "data.url"), /M_INVALID_PARAM/);
    const good = await shown(page);
    assert.equal(good.outcome, "set");
    assert.equal(good.output.pusher.data.url, "https://push.example.org/_matrix/push/v1/notify");
    await page.close();
  });

  test("the delete example shows the delete outcome", async () => {
    const { page } = await openPage();
    await page.click('[data-example="delete"]');
    const body = await rawJson(page);
    assert.equal(body.kind, null);
    const result = await shown(page);
    assert.equal(result.outcome, "delete");
    assert.deepEqual(result.errors, []);
    assert.equal(result.output.ok, true);
    assert.equal(result.output.action, "delete");
    assert.deepEqual(result.output.pusher, { kind: null, app_id: body.app_id, pushkey: body.pushkey });
    assert.equal(await page.inputValue('[name="kind"]'), "null");
    assert.equal(await page.isVisible("#delete-note"), true);
    assert.match((await page.textContent("#verdict")) ?? "", /delete/i);
    await page.close();
  });

  test("form and raw JSON stay in sync both ways, keeping members the form cannot show", async () => {
    const { page } = await openPage();
    const body = {
      kind: "http",
      app_id: "org.example.app",
      pushkey: "k1",
      app_display_name: "App",
      device_display_name: "Phone",
      lang: "fr",
      "org.example.unknown": true,
      data: { url: "https://push.example.org/_matrix/push/v1/notify", brand: "Example" },
    };
    await page.fill("#raw", JSON.stringify(body));
    assert.equal(await page.inputValue('[name="lang"]'), "fr");
    assert.equal(await page.inputValue('[name="pushkey"]'), "k1");
    assert.deepEqual(JSON.parse(await page.inputValue('[name="data"]')), { brand: "Example" });
    let result = await shown(page);
    assert.deepEqual(result.warnings, [["ignored", "/org.example.unknown"]]);
    assert.match(
      (await page.textContent("#raw-msg")) ?? "",
      /ignored/,
      "a warning without a field is shown by the raw view",
    );

    await page.fill('[name="pushkey"]', "k2");
    await page.fill('[name="data"]', '{"brand": "Other", "extra": [1, 2]}');
    await page.check('[name="append"]');
    const now = await rawJson(page);
    assert.equal(now.pushkey, "k2");
    assert.equal(now["org.example.unknown"], true);
    assert.deepEqual(now.data, { url: body.data.url, brand: "Other", extra: [1, 2] });
    assert.equal(now.append, true);
    result = await shown(page);
    assert.equal(result.outcome, "set");
    assert.equal(result.output.append, true);

    await page.selectOption('[name="kind"]', "null");
    assert.equal((await rawJson(page)).kind, null);
    assert.equal((await shown(page)).outcome, "delete");
    await page.close();
  });

  test("problems without a field mark the raw view", async () => {
    const { page } = await openPage();
    await page.click('[data-example="not-json"]');
    const result = await shown(page);
    assert.equal(result.outcome, "rejected");
    assert.deepEqual(result.errors, [["M_NOT_JSON", ""]]);
    assert.deepEqual(result.invalid, ["raw"]);
    assert.match(await describedText(page, "raw"), /M_NOT_JSON/);
    await page.close();
  });

  test("options change the verdict without a network request", async () => {
    const { page } = await openPage();
    const requests = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.fill('[name="data.url"]', "http://127.0.0.1:8080/_matrix/push/v1/notify");
    assert.equal((await shown(page)).outcome, "rejected");
    await page.check("#o-allowHttp");
    assert.equal((await shown(page)).outcome, "rejected", "still a loopback host");
    await page.check("#o-allowPrivateHosts");
    assert.equal((await shown(page)).outcome, "set");
    await page.uncheck("#o-kind-http");
    assert.deepEqual((await shown(page)).errors, [["M_INVALID_PARAM", "/kind"]]);
    await page.click("#options-reset");
    assert.deepEqual((await shown(page)).errors, [["M_INVALID_PARAM", "/data/url"]]);
    assert.deepEqual(requests, []);
    await page.close();
  });

  test("Register stores the pusher, the list shows it, and Delete removes it", async () => {
    const { page, consoleErrors } = await openPage();
    await page.fill("#token", TOKEN);
    await page.click('[data-example="element-android"]');
    const sent = await rawJson(page);
    await page.click("#register");
    await page.waitForFunction(() => /HTTP 200/.test(document.getElementById("response-status")?.textContent ?? ""));
    const item = page.locator("#pushers li", { hasText: sent.app_id });
    await item.waitFor();
    assert.equal(await item.getAttribute("data-pushkey"), sent.pushkey);
    assert.match((await item.textContent()) ?? "", /en-US/, "the stored pusher is the normalized one");

    // The service really holds it.
    const held = await fetch(`${service.base}/_matrix/client/v3/pushers`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    const { pushers } = await held.json();
    assert.deepEqual(
      pushers.map((p) => [p.app_id, p.pushkey, p.lang]),
      [[sent.app_id, sent.pushkey, "en-US"]],
    );

    // The token outlives a reload of the tab.
    await page.reload();
    await page.waitForFunction(() =>
      ["set", "delete", "rejected"].includes(document.getElementById("verdict")?.dataset.outcome ?? ""),
    );
    assert.equal(await page.inputValue("#token"), TOKEN);
    await page.click("#refresh");
    await item.waitFor();

    await item.getByRole("button", { name: /^Delete pusher/ }).click();
    await page.waitForFunction(() => document.querySelectorAll("#pushers li").length === 0);
    assert.match((await page.textContent("#response-status")) ?? "", /Delete: HTTP 200/);
    const after = await (
      await fetch(`${service.base}/_matrix/client/v3/pushers`, { headers: { Authorization: `Bearer ${TOKEN}` } })
    ).json();
    assert.deepEqual(after.pushers, []);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test("Register shows the Matrix error of a refused body", async () => {
    const { page } = await openPage();
    await page.fill("#token", TOKEN);
    await page.click('[data-example="private-gateway"]');
    await page.click("#register");
    await page.waitForFunction(() => /HTTP 400/.test(document.getElementById("response-status")?.textContent ?? ""));
    const answer = JSON.parse((await page.textContent("#response-body")) ?? "null");
    assert.equal(answer.errcode, "M_INVALID_PARAM");
    assert.deepEqual(
      answer.errors.map((p) => p.path),
      ["/data/url"],
    );
    await page.close();
  });

  test("keyboard: the tab order follows the form, and focus is visible", async () => {
    const { page } = await openPage();
    await page.focus('[name="kind"]');
    const order = ["kind"];
    for (let i = 0; i < 13; i += 1) {
      await page.keyboard.press("Tab");
      order.push(
        await page.evaluate(() => document.activeElement?.getAttribute("name") ?? document.activeElement?.id ?? ""),
      );
    }
    const fields = [
      "kind",
      "app_id",
      "pushkey",
      "app_display_name",
      "device_display_name",
      "lang",
      "profile_tag",
      "data.url",
      "data.format",
      "data.auth",
      "data",
      "append",
      "raw",
    ];
    assert.deepEqual(
      order.filter((n) => fields.includes(n)),
      fields,
    );
    const outline = await page.evaluate(
      () => getComputedStyle(/** @type {Element} */ (document.activeElement)).outlineStyle,
    );
    assert.notEqual(outline, "none");
    await page.close();
  });

  test("at 375 px wide nothing scrolls sideways", async () => {
    const { page } = await openPage({ width: 375 });
    const ids = await page.$$eval("[data-example]", (els) =>
      els.map((el) => /** @type {HTMLElement} */ (el).dataset.example),
    );
    for (const id of ["", ...ids]) {
      if (id) await page.click(`[data-example="${id}"]`);
      const { scroll, inner } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        inner: window.innerWidth,
      }));
      assert.ok(scroll <= inner, `${id || "first view"}: scrollWidth ${scroll} > ${inner}`);
    }
    await page.close();
  });

  test("fixture bodies pasted into the raw view show the expected outcome", async () => {
    const eligible = fixtureCases().filter((c) => "body" in c && !c.options);
    const clients = eligible.filter((c) => c.tags?.includes("client"));
    const rejects = eligible.filter((c) => c.expect.ok === false && !c.tags?.includes("client"));
    const step = Math.max(1, Math.ceil(rejects.length / 40));
    const cases = [...clients, ...rejects.filter((_, i) => i % step === 0)];
    assert.ok(clients.length > 0, "the corpus has client payloads");
    assert.ok(rejects.length > 0, "the corpus has rejects");

    const { page } = await openPage();
    for (const c of cases) {
      await page.fill("#raw", JSON.stringify(c.body));
      const got = await shown(page);
      const label = `${c.file}: ${c.name}`;
      assert.equal(got.output.ok, c.expect.ok, label);
      assert.equal(got.outcome === "rejected", !c.expect.ok, label);
      if (c.expect.errors) {
        assert.deepEqual(got.errors, c.expect.errors, label);
        for (const [, path] of c.expect.errors) {
          const name = FIELD_BY_POINTER[path];
          if (name) assert.ok(got.invalid.includes(name), `${label}: ${name} marked invalid`);
        }
      }
      if (c.expect.action) assert.equal(got.output.action, c.expect.action, label);
      if (c.expect.pusher) assert.deepEqual(got.output.pusher, c.expect.pusher, label);
      if ("append" in c.expect) assert.equal(got.output.append, c.expect.append, label);
      if (c.expect.warnings) assert.deepEqual(got.warnings, c.expect.warnings, label);
    }
    console.log(
      `fixture cases checked in the page: ${cases.length} (${clients.length} client, ${cases.length - clients.length} rejects)`,
    );
    await page.close();
  });

  test("the Web Push example carries a key pair made in the page with WebCrypto", async () => {
    const { page, consoleErrors } = await openPage();
    await page.click('[data-example="webpush"]');
    assert.equal(await page.isChecked("#o-kind-webpush"), true, "loading it allows the kind");
    const body = await rawJson(page);
    assert.match(body.pushkey, /^B[A-Za-z0-9_-]{86}$/, "an uncompressed P-256 point, unpadded base64url");
    assert.match(body.data.auth, /^[A-Za-z0-9_-]{22}$/);
    const ok = await shown(page);
    assert.equal(ok.outcome, "set", JSON.stringify(ok.errors));
    assert.equal(ok.output.pusher.kind, "webpush");
    assert.deepEqual(Object.keys(ok.output.pusher).slice(-2), ["data", "org.matrix.msc3881.enabled"]);
    // Another page makes another key.
    const { page: other } = await openPage();
    await other.click('[data-example="webpush"]');
    assert.notEqual((await rawJson(other)).pushkey, body.pushkey);
    await other.close();

    await page.click('[data-example="webpush-off-curve"]');
    const off = await shown(page);
    assert.deepEqual(off.errors, [["M_INVALID_PARAM", "/pushkey"]]);
    assert.ok(off.invalid.includes("pushkey"));
    await page.fill('[name="data.auth"]', "too-short");
    assert.deepEqual((await shown(page)).errors, [
      ["M_INVALID_PARAM", "/pushkey"],
      ["M_INVALID_PARAM", "/data/auth"],
    ]);
    assert.ok((await shown(page)).invalid.includes("data.auth"));
    await page.uncheck("#o-kind-webpush");
    assert.deepEqual((await shown(page)).errors, [["M_INVALID_PARAM", "/kind"]], "web push is opt-in");
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test("allowedPrivateHosts lets a listed LAN gateway through, and a bad entry is refused by name", async () => {
    const { page } = await openPage();
    await page.click('[data-example="private-gateway"]');
    assert.deepEqual((await shown(page)).errors, [["M_INVALID_PARAM", "/data/url"]]);
    await page.fill("#o-allowedPrivateHosts", "ntfy.home.arpa, 192.168.1.0/24");
    assert.equal((await shown(page)).outcome, "set");
    assert.match(
      (await page.textContent("#options-used")) ?? "",
      /"allowedPrivateHosts":\["ntfy.home.arpa","192.168.1.0\/24"\]/,
    );
    await page.fill("#o-allowedPrivateHosts", "192.168.2.0/24");
    assert.equal((await shown(page)).outcome, "rejected");
    await page.fill("#o-allowedPrivateHosts", "*.lan");
    assert.equal((await shown(page)).outcome, "unavailable");
    assert.equal(await page.getAttribute("#o-allowedPrivateHosts", "aria-invalid"), "true");
    assert.match((await page.textContent("#msg-allowedPrivateHosts")) ?? "", /options\.allowedPrivateHosts: "\*\.lan"/);
    await page.click("#options-reset");
    assert.equal(await page.inputValue("#o-allowedPrivateHosts"), "");
    assert.equal(await page.getAttribute("#o-allowedPrivateHosts", "aria-invalid"), null);
    assert.equal(await page.isChecked("#o-kind-webpush"), false);
    await page.close();
  });

  test("revision 2 fixtures with their options set in the page", async () => {
    // Cases whose options the page can set: kinds, allowedPrivateHosts (entries without a
    // separator), and the switches; a sample of each new file.
    const settable = (o) =>
      Object.entries(o ?? {}).every(
        ([k, v]) =>
          k === "kinds" ||
          (k === "allowedPrivateHosts" &&
            Array.isArray(v) &&
            v.every((e) => typeof e === "string" && e !== "" && !/[\s,]/.test(e))) ||
          (["allowHttp", "allowPrivateHosts", "allowAnyPath"].includes(k) && v === true),
      );
    const files = new Set([
      "webpush.json",
      "msc3881.json",
      "allowlist.json",
      "transition_ranges.json",
      "option_errors.json",
    ]);
    const eligible = fixtureCases().filter(
      (c) =>
        files.has(c.file) &&
        "body" in c &&
        settable(c.options) &&
        (!("option_error" in c.expect) || c.expect.option_error === "allowedPrivateHosts"),
    );
    const cases = eligible.filter((_, i) => i % 4 === 0);
    const { page } = await openPage();
    for (const c of cases) {
      const o = c.options ?? {};
      await page.click("#options-reset");
      for (const kind of ["http", "email", "webpush"]) {
        const want = o.kinds ? o.kinds.includes(kind) : kind !== "webpush";
        await page.setChecked(`#o-kind-${kind}`, want);
      }
      for (const flag of ["allowHttp", "allowPrivateHosts", "allowAnyPath"])
        await page.setChecked(`#o-${flag}`, o[flag] === true);
      await page.fill("#o-allowedPrivateHosts", (o.allowedPrivateHosts ?? []).join(", "));
      await page.fill("#raw", JSON.stringify(c.body));
      const got = await shown(page);
      const label = `${c.file}: ${c.name}`;
      if ("option_error" in c.expect) {
        assert.equal(got.outcome, "unavailable", label);
        assert.ok(got.invalid.includes("o-allowedPrivateHosts"), label);
        continue;
      }
      assert.equal(got.output.ok, c.expect.ok, label);
      if (c.expect.errors) assert.deepEqual(got.errors, c.expect.errors, label);
      if (c.expect.pusher) assert.deepEqual(got.output.pusher, c.expect.pusher, label);
      if (c.expect.warnings) assert.deepEqual(got.warnings, c.expect.warnings, label);
    }
    assert.ok(cases.length > 40, `only ${cases.length} cases`);
    console.log(`revision 2 fixture cases checked in the page: ${cases.length}`);
    await page.close();
  });

  test("screenshots", async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    const { page } = await openPage();
    const desktop = join(OUT_DIR, "playground.png");
    await page.screenshot({ path: desktop, fullPage: true });
    await page.click('[data-example="private-gateway"]');
    const rejected = join(OUT_DIR, "playground-rejected.png");
    await page.screenshot({ path: rejected, fullPage: true });
    await page.setViewportSize({ width: 375, height: 800 });
    const narrow = join(OUT_DIR, "playground-375.png");
    await page.screenshot({ path: narrow, fullPage: true });
    for (const p of [desktop, rejected, narrow]) console.log(`screenshot: ${p}`);
    await page.close();
  });
});
