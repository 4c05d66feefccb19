// The example payloads: real clients' bodies and broken ones, the Web Push pair with a key made
// here with WebCrypto, and the buttons that load them.

import { $, pretty } from "./dom.js";

const APNS_TOKEN = "a3f1c07e9b2d4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70";
const FCM_TOKEN =
  "fJ3x9Qk2TnW0bq7sLm4vRz:APA91bF0q8Yk3dN6uP2sH7wL1cV5xB9mE4tR0yJ6aZ8gK3nQ1iU7oD2fS5" +
  "hW9lC4vX6bM0pT8rA3eG1jY5kN7qZ2uI9wO4sF6dH8cL0aE2gJ4";

/** URL-safe Base64 without padding, as Web Push writes keys and secrets. @param {Uint8Array} bytes */
function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/**
 * A fresh Web Push subscription's key and secret, made in the page: an ECDH P-256 key pair from
 * WebCrypto (its public key exported raw: 65 bytes, an uncompressed point on the curve) and 16
 * random bytes, as a browser's PushSubscription holds them. `null` where WebCrypto is missing
 * (a page served over plain http from another host than localhost).
 * @returns {Promise<{ pushkey: string, auth: string } | null>}
 */
async function webPushKeys() {
  if (!globalThis.crypto?.subtle) return null;
  const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  return { pushkey: base64url(raw), auth: base64url(crypto.getRandomValues(new Uint8Array(16))) };
}

/** The push service URL of the Web Push examples (a Firefox subscription's form). */
const WEB_PUSH_URL = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABmX2c4_q1Yx9wTz0Lk";

/**
 * Each example is a `body` (serialized with two-space indent) or a `raw` text. `kinds` names a
 * kind the example needs beyond the defaults: loading it ticks that kind in the options.
 */
/** @typedef {{ id: string, group: string, label: string, kinds?: string, body?: any, raw?: string }} Example */
/** @type {Example[]} */
const EXAMPLES = [
  {
    id: "element-android",
    group: "real",
    label: "Element Android (FCM)",
    body: {
      pushkey: FCM_TOKEN,
      kind: "http",
      app_id: "im.vector.app.android",
      app_display_name: "Element",
      device_display_name: "Pixel 8",
      profile_tag: "mobile_1523917391",
      lang: "en_US",
      data: { url: "https://matrix.org/_matrix/push/v1/notify", format: "event_id_only" },
      append: false,
    },
  },
  {
    id: "element-x-ios",
    group: "real",
    label: "Element X iOS (default_payload)",
    body: {
      kind: "http",
      app_id: "io.element.elementx.ios",
      pushkey: APNS_TOKEN,
      app_display_name: "Element X",
      device_display_name: "iPhone",
      lang: "en-GB",
      data: {
        url: "https://matrix.org/_matrix/push/v1/notify",
        format: "event_id_only",
        default_payload: { aps: { "mutable-content": 1, alert: { "loc-key": "Notification", "loc-args": [] } } },
      },
    },
  },
  {
    id: "unifiedpush",
    group: "real",
    label: "UnifiedPush (ntfy)",
    body: {
      pushkey: "https://ntfy.sh/upT4nQ8wZ2kLx7Vb?up=1",
      kind: "http",
      app_id: "im.vector.app.android",
      app_display_name: "Element",
      device_display_name: "Fairphone 5",
      lang: "de",
      data: { url: "https://ntfy.sh/_matrix/push/v1/notify", format: "event_id_only" },
      append: false,
    },
  },
  {
    id: "email",
    group: "real",
    label: "E-mail pusher",
    body: {
      kind: "email",
      app_id: "m.email",
      pushkey: "alice@example.org",
      app_display_name: "Email Notifications",
      device_display_name: "alice@example.org",
      lang: "en-US",
      data: { brand: "Element" },
      append: true,
    },
  },
  {
    id: "delete",
    group: "real",
    label: "Delete (kind null)",
    body: {
      app_display_name: "Element",
      app_id: "im.vector.app.android",
      data: { format: "event_id_only", url: "https://matrix.org/_matrix/push/v1/notify" },
      device_display_name: "Pixel 8",
      kind: null,
      lang: "en-US",
      profile_tag: "mobile_1523917391",
      pushkey: FCM_TOKEN,
      "org.matrix.msc3881.enabled": true,
      device_id: "QWERTYUIOP",
    },
  },
  {
    id: "seed",
    group: "real",
    label: "Seed form (instance_handle)",
    body: {
      pushkey: "c0ffee00d15ea5e5",
      kind: "http",
      instance_handle: "tablet-7c1e",
      app_id: "com.example.chat.ios",
      app_display_name: "Example Chat",
      device_display_name: "iPad",
      lang: "EN_gb",
      data: { url: "HTTPS://Push.Example.COM:443/_matrix/push/v1/notify" },
    },
  },
  {
    id: "webpush",
    group: "real",
    label: "Web Push (key made here)",
    kinds: "webpush",
    body: {
      kind: "webpush",
      app_id: "org.example.web",
      pushkey: "(made with WebCrypto when the page loads)",
      app_display_name: "Example Web",
      device_display_name: "This browser",
      lang: "en",
      data: { url: WEB_PUSH_URL, auth: "(16 random bytes)" },
      "org.matrix.msc3881.enabled": true,
    },
  },
  {
    id: "private-gateway",
    group: "broken",
    label: "Private gateway",
    body: {
      kind: "http",
      app_id: "org.example.selfhosted",
      pushkey: "device-0042",
      app_display_name: "Self-hosted",
      device_display_name: "Laptop",
      lang: "en",
      data: { url: "https://192.168.1.20/_matrix/push/v1/notify" },
    },
  },
  {
    id: "webpush-off-curve",
    group: "broken",
    label: "Web Push key off the curve",
    kinds: "webpush",
    body: {
      kind: "webpush",
      app_id: "org.example.web",
      pushkey: "(the key made here, one byte of y changed)",
      app_display_name: "Example Web",
      device_display_name: "This browser",
      lang: "en",
      data: { url: WEB_PUSH_URL, auth: "(16 random bytes)" },
    },
  },
  {
    id: "long-pushkey",
    group: "broken",
    label: "600-byte pushkey",
    body: {
      kind: "http",
      app_id: "im.vector.app.android",
      pushkey: "Zm9v".repeat(150),
      app_display_name: "Element",
      device_display_name: "Pixel 8",
      lang: "en",
      data: { url: "https://matrix.org/_matrix/push/v1/notify", format: "event_id_only" },
    },
  },
  {
    id: "wrong-types",
    group: "broken",
    label: "Wrong types",
    body: {
      kind: "http",
      app_id: 42,
      pushkey: ["abc"],
      app_display_name: null,
      device_display_name: "Phone",
      lang: "en",
      profile_tag: 7,
      data: 5,
      append: "yes",
    },
  },
  {
    id: "synapse-lenient",
    group: "broken",
    label: "ftp:// gateway, long app_id",
    body: {
      kind: "http",
      app_id: `com.example.${"a".repeat(53)}`,
      pushkey: "k1",
      app_display_name: "App",
      device_display_name: "Phone",
      lang: "en",
      data: { url: "ftp://push.example.org/_matrix/push/v1/notify/" },
    },
  },
  {
    id: "not-json",
    group: "broken",
    label: "Not JSON",
    raw: '{\n  "kind": "http",\n  "app_id": "im.vector.app.android",\n  "pushkey": "abc",\n}\n',
  },
];

/**
 * Adds a button per example; a click loads it.
 * @param {(text: string) => void} loadText replaces the raw JSON (and validates it)
 */
export function buildExamples(loadText) {
  for (const ex of EXAMPLES) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = ex.label;
    b.dataset.example = ex.id;
    b.setAttribute("aria-current", "false");
    b.addEventListener("click", () => loadExample(ex.id, loadText));
    $(ex.group === "real" ? "examples-real" : "examples-broken").append(b);
  }
}

/**
 * Loads an example (the first one when no id is given), ticking the kind it needs.
 * @param {string | undefined} id
 * @param {(text: string) => void} loadText replaces the raw JSON (and validates it)
 */
export function loadExample(id, loadText) {
  const ex = EXAMPLES.find((x) => x.id === (id ?? EXAMPLES[0].id));
  if (!ex) return;
  if (ex.kinds) /** @type {HTMLInputElement} */ ($(`o-kind-${ex.kinds}`)).checked = true;
  for (const b of document.querySelectorAll("[data-example]")) {
    b.setAttribute("aria-current", String(/** @type {HTMLElement} */ (b).dataset.example === ex.id));
  }
  loadText(ex.raw ?? `${pretty(ex.body)}\n`);
}

/**
 * Puts a fresh Web Push key and secret into the Web Push examples (the off-curve one with a byte
 * of y changed), or disables their buttons where WebCrypto is missing.
 * @returns {Promise<void>}
 */
export async function addWebPushKeys() {
  const keys = await webPushKeys().catch(() => null);
  for (const ex of EXAMPLES.filter((x) => x.kinds === "webpush")) {
    if (keys === null) {
      document.querySelector(`[data-example="${ex.id}"]`)?.setAttribute("disabled", "");
      continue;
    }
    let { pushkey } = keys;
    if (ex.id === "webpush-off-curve") {
      // The last byte of y, changed: 65 bytes, prefix 0x04, but no longer a point of P-256.
      const bytes = Uint8Array.from(atob(`${pushkey.replaceAll("-", "+").replaceAll("_", "/")}=`), (c) =>
        c.charCodeAt(0),
      );
      bytes[64] ^= 1;
      pushkey = base64url(bytes);
    }
    ex.body = { ...ex.body, pushkey, data: { ...ex.body.data, auth: keys.auth } };
  }
}
