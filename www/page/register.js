// The Register panel: the token kept for this tab, the calls to the service that serves the page
// (register, list, delete), the list of pushers, and the gateway or standalone wording.

import { $, pretty } from "./dom.js";
import { asText, control } from "./form.js";
import { raw } from "./json-view.js";

const PUSHERS_SET = "/_matrix/client/v3/pushers/set";
const PUSHERS_GET = "/_matrix/client/v3/pushers";
const TOKEN_KEY = "pusher-playground-token";

/** @param {string} s */
const short = (s) => (s.length > 24 ? `${s.slice(0, 20)}…` : s);

/**
 * Wires the Register panel (the token restored from this tab's storage and kept as typed).
 * @param {object} page
 * @param {(text: string) => void} page.loadText replaces the raw JSON (and validates it)
 * @param {(text: string, tone?: string) => void} page.setStatus the status line
 * @returns {{ learnMode: () => Promise<void>, showKeptPushers: () => Promise<void> }}
 */
export function createRegister({ loadText, setStatus }) {
  const tokenInput = /** @type {HTMLInputElement} */ ($("token"));

  function storage() {
    try {
      return window.sessionStorage;
    } catch {
      return null;
    }
  }

  /** @param {string} method @param {string} path @param {string} [body] */
  async function call(method, path, body) {
    /** @type {Record<string, string>} */
    const headers = {};
    const token = tokenInput.value.trim();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(path, { method, headers, body, cache: "no-store" });
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, statusText: res.statusText, text, json };
  }

  /** @param {string} label @param {{status: number, statusText: string, text: string, json: any}} res */
  function showResponse(label, res) {
    $("response").hidden = false;
    const st = $("response-status");
    st.textContent = `${label}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`;
    st.dataset.tone = res.status >= 200 && res.status < 300 ? "good" : "bad";
    $("response-body").textContent = res.json !== undefined ? pretty(res.json) : res.text;
  }

  /** @param {string} label @param {unknown} err */
  function showNetworkError(label, err) {
    $("response").hidden = false;
    const st = $("response-status");
    st.textContent = `${label}: the service did not answer`;
    st.dataset.tone = "bad";
    $("response-body").textContent = String(err instanceof Error ? err.message : err);
    setStatus(`${label}: the service did not answer.`, "bad");
  }

  async function register() {
    const button = /** @type {HTMLButtonElement} */ ($("register"));
    button.disabled = true;
    try {
      const res = await call("POST", PUSHERS_SET, raw.value);
      showResponse("Register", res);
      const ok = res.status === 200;
      setStatus(
        ok
          ? "Registered: the service answered 200."
          : `Register: the service answered ${res.status}${res.json?.errcode ? ` ${res.json.errcode}` : ""}.`,
        ok ? "good" : "bad",
      );
      if (ok) await refreshPushers(false);
    } catch (err) {
      showNetworkError("Register", err);
    } finally {
      button.disabled = false;
    }
  }

  /** @param {boolean} [announce] */
  async function refreshPushers(announce = true) {
    let res;
    try {
      res = await call("GET", PUSHERS_GET);
    } catch (err) {
      showNetworkError("List", err);
      return;
    }
    if (res.status !== 200 || !Array.isArray(res.json?.pushers)) {
      showResponse("List", res);
      setStatus(`List: the service answered ${res.status}${res.json?.errcode ? ` ${res.json.errcode}` : ""}.`, "bad");
      return;
    }
    renderPushers(res.json.pushers);
    if (announce) {
      const n = res.json.pushers.length;
      setStatus(`You have ${n} pusher${n === 1 ? "" : "s"}.`, "good");
    }
  }

  /** @param {any[]} pushers */
  function renderPushers(pushers) {
    const list = $("pushers");
    list.replaceChildren();
    $("pushers-empty").textContent = pushers.length ? "" : "No pushers for this token yet.";
    $("pushers-empty").hidden = pushers.length > 0;
    for (const p of pushers) {
      const li = document.createElement("li");
      li.dataset.appId = String(p.app_id);
      li.dataset.pushkey = String(p.pushkey);
      const dl = document.createElement("dl");
      const rows = [
        ["kind", p.kind],
        ["app_id", p.app_id],
        ["pushkey", p.pushkey],
        ["app", p.app_display_name],
        ["device", p.device_display_name],
        ["lang", p.lang],
      ];
      if (p.profile_tag !== undefined) rows.push(["profile_tag", p.profile_tag]);
      if (p.data?.url !== undefined) rows.push(["data.url", p.data.url]);
      for (const [k, v] of rows) {
        const dt = document.createElement("dt");
        dt.textContent = k;
        const dd = document.createElement("dd");
        dd.textContent = asText(v);
        dl.append(dt, dd);
      }
      const actions = document.createElement("div");
      actions.className = "actions";
      const who = `${p.app_id} ${short(String(p.pushkey))}`;
      const load = document.createElement("button");
      load.type = "button";
      load.textContent = "Load into the form";
      load.setAttribute("aria-label", `Load pusher ${who} into the form`);
      load.addEventListener("click", () => {
        loadText(`${pretty(p)}\n`);
        control("kind").focus();
      });
      const del = document.createElement("button");
      del.type = "button";
      del.className = "danger";
      del.textContent = "Delete";
      del.setAttribute("aria-label", `Delete pusher ${who}`);
      del.addEventListener("click", () => deletePusher(p, del));
      actions.append(load, del);
      li.append(dl, actions);
      list.append(li);
    }
  }

  /** @param {any} p @param {HTMLButtonElement} button */
  async function deletePusher(p, button) {
    button.disabled = true;
    try {
      const res = await call("POST", PUSHERS_SET, JSON.stringify({ kind: null, app_id: p.app_id, pushkey: p.pushkey }));
      showResponse("Delete", res);
      const ok = res.status === 200;
      setStatus(
        ok
          ? `Deleted the pusher ${p.app_id} / ${short(String(p.pushkey))}.`
          : `Delete: the service answered ${res.status}.`,
        ok ? "good" : "bad",
      );
      await refreshPushers(false);
      $("refresh").focus();
    } catch (err) {
      showNetworkError("Delete", err);
      button.disabled = false;
    }
  }

  /**
   * In gateway mode (the service in front of a homeserver) the token is the user's own Matrix
   * access token: say so. The service tells its mode at service.json.
   */
  async function learnMode() {
    let mode;
    try {
      const res = await fetch("service.json", { cache: "no-store" });
      mode = res.ok ? (await res.json()).mode : undefined;
    } catch {
      return;
    }
    document.body.dataset.mode = mode ?? "unknown";
    if (mode !== "gateway") return;
    $("service-h").textContent = "Register with your homeserver, through the gateway";
    $("service-hint").textContent =
      "This site is a validating gateway in front of a Matrix homeserver. " +
      "Register sends the raw JSON above to /_matrix/client/v3/pushers/set: a body the validator refuses " +
      "never reaches the homeserver, an accepted one is forwarded normalized. The token is your own Matrix " +
      "access token (Element: Settings, Help & About); it is kept for this tab only.";
  }

  /** With a token kept from earlier in this tab: shows its pushers straight away. */
  async function showKeptPushers() {
    if (tokenInput.value) await refreshPushers(false);
  }

  const store = storage();
  tokenInput.value = store?.getItem(TOKEN_KEY) ?? "";
  tokenInput.addEventListener("input", () => {
    const t = tokenInput.value;
    if (t) store?.setItem(TOKEN_KEY, t);
    else store?.removeItem(TOKEN_KEY);
  });
  $("service-form").addEventListener("submit", (e) => {
    e.preventDefault();
    register();
  });
  $("refresh").addEventListener("click", () => refreshPushers(true));

  return { learnMode, showKeptPushers };
}
