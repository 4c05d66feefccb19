// The verdict: runs the validator on the raw JSON with the panel's options, puts each problem and
// warning beside its field, and shows the outcome, the normalized pusher and the status line.

import { $, pretty } from "./dom.js";
import { control, FIELDS, fieldForPointer, msgFor, pointerSegments, readOptions } from "./form.js";
import { raw } from "./json-view.js";

/** @typedef {{errcode: string, path: string, message: string}} Problem */
/** @typedef {{code: string, path: string, message: string}} Warning */

/** How long the verdict must hold before the live region announces it (typing flips it often). */
const ANNOUNCE_DELAY_MS = 700;

/** @param {string} kind @param {string} code @param {string | null} at (null: no path) @param {string} message */
function finding(kind, code, at, message) {
  const p = document.createElement("p");
  p.className = `finding ${kind}`;
  const c = document.createElement("span");
  c.className = "code";
  c.textContent = kind === "warning" ? `warning: ${code}` : code;
  p.append(c);
  if (at !== null) {
    const a = document.createElement("span");
    a.className = "at";
    a.textContent = at === "" ? "(whole body)" : at;
    p.append(a);
  }
  p.append(document.createTextNode(message));
  return p;
}

function clearMarks() {
  for (const f of FIELDS) {
    msgFor(f.name).replaceChildren();
    control(f.name).removeAttribute("aria-invalid");
  }
  $("raw-msg").replaceChildren();
  raw.removeAttribute("aria-invalid");
  $("msg-allowedPrivateHosts").replaceChildren();
  $("o-allowedPrivateHosts").removeAttribute("aria-invalid");
}

/** Puts one problem or warning next to its field, or next to the raw view. */
function place(kind, code, path, message) {
  const f = fieldForPointer(path);
  const exact = f && f.path.length === pointerSegments(path).length;
  const box = f ? msgFor(f.name) : $("raw-msg");
  box.append(finding(kind, code, exact ? null : path, message));
  if (kind === "problem") (f ? control(f.name) : raw).setAttribute("aria-invalid", "true");
}

/** @param {any} result */
function summarize(result) {
  if (result.ok) {
    const w = result.warnings.length;
    const ws = w ? ` with ${w} warning${w === 1 ? "" : "s"}` : "";
    if (result.action === "delete")
      return `Accepted: delete the pusher of ${result.pusher.app_id} with this pushkey${ws}.`;
    return `Accepted: set a${result.pusher.kind === "email" ? "n email" : "n http"} pusher${ws}.`;
  }
  const n = result.errors.length;
  const first = result.errors[0];
  const where = first.path === "" ? "the body" : first.path;
  return `Rejected: ${first.errcode} at ${where}${n > 1 ? ` and ${n - 1} more problem${n === 2 ? "" : "s"}` : ""}.`;
}

/**
 * The pusher as a homeserver stores it, or for a rejection the Matrix error response a server
 * answers with (the first problem's errcode, and every problem).
 * @param {any} result
 * @param {(errcode: string) => number} httpStatus the package's errcode to HTTP status mapping
 */
function showNormalized(result, httpStatus) {
  const heading = $("normalized-h");
  const box = $("normalized");
  if (result.ok) {
    heading.textContent =
      result.action === "delete" ? "Pusher to delete" : `Normalized pusher (append: ${result.append})`;
    box.textContent = pretty(result.pusher);
  } else {
    heading.textContent = `Matrix error response (HTTP ${httpStatus(result.errcode)})`;
    box.textContent = pretty({ errcode: result.errcode, error: result.error, errors: result.errors });
  }
}

/**
 * The verdict panel and the status line, with what they keep between runs: the validator once
 * loaded, the last outcome (for "use the normalized pusher") and the last summary announced.
 * @returns {{
 *   load: () => Promise<void>,
 *   run: (now?: boolean) => void,
 *   setStatus: (text: string, tone?: string) => void,
 *   useNormalizedPusher: (loadText: (text: string) => void) => void,
 * }}
 */
export function createVerdict() {
  /** @type {((input: string, options: object) => any) | null} */
  let validateFn = null;
  /** @type {((errcode: string) => number) | null} */
  let httpStatusFn = null;
  let loadError = "";
  let lastSummary = "";
  let announceTimer = 0;
  let lastResult = /** @type {any} */ (null);

  /** Loads the validator's WebAssembly build from ./pkg/; a failure is said on the status line. */
  async function load() {
    try {
      const pkg = await import("./pkg/index.js");
      await pkg.default();
      validateFn = pkg.validate;
      httpStatusFn = pkg.httpStatus;
    } catch (err) {
      loadError = `The validator could not be loaded from ./pkg/ (run \`make build\`): ${err instanceof Error ? err.message : err}`;
      setStatus(loadError, "bad");
    }
  }

  /**
   * Validates the raw JSON and shows the outcome; `now` (a deliberate load, not typing)
   * announces it at once, even when unchanged.
   * @param {boolean} [now]
   */
  function run(now = false) {
    if (now) lastSummary = "";
    clearMarks();
    const findings = $("findings");
    findings.replaceChildren();
    const output = $("output");
    const verdict = $("verdict");
    const useNormalized = /** @type {HTMLButtonElement} */ ($("use-normalized"));

    const extrasError = control("data").dataset.localError;
    if (extrasError) {
      msgFor("data").append(finding("local", "not JSON", null, extrasError));
      control("data").setAttribute("aria-invalid", "true");
    }

    if (!validateFn) {
      verdict.dataset.outcome = "unavailable";
      verdict.textContent = loadError ? "The validator is not available." : "Loading the validator…";
      output.textContent = loadError;
      $("normalized").textContent = loadError;
      useNormalized.disabled = true;
      return;
    }

    const options = readOptions();
    $("options-used").textContent = Object.keys(options).length
      ? `Options: ${JSON.stringify(options)}`
      : "Options: the defaults.";
    let result;
    const started = performance.now();
    try {
      result = validateFn(raw.value, options);
    } catch (err) {
      verdict.dataset.outcome = "unavailable";
      verdict.textContent = "The options were refused.";
      output.textContent = String(err instanceof Error ? err.message : err);
      if (/options\.allowedPrivateHosts/.test(output.textContent)) {
        $("o-allowedPrivateHosts").setAttribute("aria-invalid", "true");
        $("msg-allowedPrivateHosts").replaceChildren(finding("problem", "TypeError", null, output.textContent));
      }
      $("normalized").textContent = output.textContent;
      setStatus(`The options were refused: ${output.textContent}`, "bad");
      useNormalized.disabled = true;
      return;
    }
    const took = performance.now() - started;
    lastResult = result;

    for (const p of result.ok ? [] : result.errors) place("problem", p.errcode, p.path, p.message);
    for (const w of result.warnings) place("warning", w.code, w.path, w.message);

    // Every finding, in order, each a button to its field.
    const all = [
      ...(result.ok
        ? []
        : result.errors.map((p) => ({ kind: "problem", code: p.errcode, path: p.path, message: p.message }))),
      ...result.warnings.map((w) => ({ kind: "warning", code: w.code, path: w.path, message: w.message })),
    ];
    for (const item of all) {
      const li = document.createElement("li");
      li.className = item.kind;
      li.dataset.code = item.code;
      li.dataset.path = item.path;
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = `${item.kind === "warning" ? `warning: ${item.code}` : item.code} ${item.path === "" ? "(whole body)" : item.path}: ${item.message}`;
      b.addEventListener("click", () => {
        const f = fieldForPointer(item.path);
        (f ? control(f.name) : raw).focus();
      });
      li.append(b);
      findings.append(li);
    }

    verdict.dataset.outcome = result.ok ? result.action : "rejected";
    const summary = summarize(result);
    verdict.textContent = summary;
    verdict.title = `validated in ${took.toFixed(2)} ms`;
    output.textContent = pretty(result);
    // A result exists only once the package is loaded, and with it httpStatus.
    showNormalized(result, /** @type {(errcode: string) => number} */ (httpStatusFn));
    useNormalized.disabled = !result.ok;
    useNormalized.hidden = !result.ok;

    if (summary !== lastSummary) {
      lastSummary = summary;
      const tone = result.ok ? (result.warnings.length ? "warn" : "good") : "bad";
      if (now) setStatus(summary, tone);
      else {
        clearTimeout(announceTimer);
        announceTimer = window.setTimeout(() => setStatus(summary, tone), ANNOUNCE_DELAY_MS);
      }
    }
  }

  /**
   * Sets the status line (a live region) at once.
   * @param {string} text @param {string} [tone]
   */
  function setStatus(text, tone = "") {
    clearTimeout(announceTimer);
    const status = $("status");
    status.textContent = text;
    if (tone) status.dataset.tone = tone;
    else delete status.dataset.tone;
  }

  /**
   * Puts the normalized pusher of the last accepted body into the raw JSON.
   * @param {(text: string) => void} loadText replaces the raw JSON (and validates it)
   */
  function useNormalizedPusher(loadText) {
    if (!lastResult?.ok) return;
    const body =
      lastResult.action === "set"
        ? { ...lastResult.pusher, ...(lastResult.append ? { append: true } : {}) }
        : lastResult.pusher;
    loadText(pretty(body));
    setStatus("The raw JSON now holds the normalized pusher.", "good");
  }

  return { load, run, setStatus, useNormalizedPusher };
}
