// The document being edited and the form that edits it: the fields and the member order, the
// document → form fill and the form → document edits, and the options panel.

import { $, pretty } from "./dom.js";

/**
 * The page's one piece of shared state. `doc` is the last raw JSON text that parsed as an object:
 * form edits apply to it, and the raw view shows it.
 * @typedef {{ doc: Record<string, unknown> }} PageState
 */

// Every form field: its control name (the member path in dot form) and the JSON path it edits.
// `data` is the textarea for the members of `data` other than `url` and `format`.
export const FIELDS = [
  { name: "kind", path: ["kind"], type: "kind" },
  { name: "app_id", path: ["app_id"], type: "string" },
  { name: "pushkey", path: ["pushkey"], type: "string" },
  { name: "app_display_name", path: ["app_display_name"], type: "string" },
  { name: "device_display_name", path: ["device_display_name"], type: "string" },
  { name: "lang", path: ["lang"], type: "string" },
  { name: "profile_tag", path: ["profile_tag"], type: "string" },
  { name: "data.url", path: ["data", "url"], type: "string" },
  { name: "data.format", path: ["data", "format"], type: "string" },
  { name: "data.auth", path: ["data", "auth"], type: "string" },
  { name: "data", path: ["data"], type: "extras" },
  { name: "append", path: ["append"], type: "bool" },
];

// Where a new top-level member goes, so a body built from the form reads in the usual order.
const MEMBER_ORDER = [
  "kind",
  "app_id",
  "pushkey",
  "app_display_name",
  "device_display_name",
  "profile_tag",
  "lang",
  "data",
  "append",
];
const DATA_ORDER = ["url", "format", "auth"];
const FIELDS_READ_ON_DELETE = new Set(["kind", "app_id", "pushkey"]);
const MAX_U32 = 0xffffffff;

/** @returns {PageState} */
export function createState() {
  return { doc: {} };
}

const form = /** @type {HTMLFormElement} */ ($("pusher-form"));

/**
 * The form control of a field.
 * @param {string} name
 * @returns {HTMLInputElement}
 */
export const control = (name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
/**
 * The box that shows a field's problems and warnings.
 * @param {string} name
 * @returns {HTMLElement}
 */
export const msgFor = (name) => $(`msg-${name}`);

/**
 * Whether `v` is a JSON object (not null, not an array).
 * @param {unknown} v
 * @returns {v is Record<string, unknown>}
 */
export const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Sets `key` in an object given as entries: in place when present, else before the first later
 * member of `order`, else at the end. `undefined` removes it. Returns a new object; entries keep
 * names such as `__proto__` as plain members.
 * @param {Record<string, unknown>} obj @param {string} key @param {unknown} value @param {string[]} order
 */
function withMember(obj, key, value, order) {
  const entries = Object.entries(obj);
  const at = entries.findIndex(([k]) => k === key);
  if (value === undefined) {
    if (at >= 0) entries.splice(at, 1);
  } else if (at >= 0) {
    entries[at] = [key, value];
  } else {
    const rank = order.indexOf(key);
    let insert = entries.length;
    if (rank >= 0) {
      const later = entries.findIndex(([k]) => order.indexOf(k) > rank);
      if (later >= 0) insert = later;
    }
    entries.splice(insert, 0, [key, value]);
  }
  return Object.fromEntries(entries);
}

/** @param {Record<string, unknown>} data */
function extrasOf(data) {
  return Object.fromEntries(Object.entries(data).filter(([k]) => !DATA_ORDER.includes(k)));
}

/**
 * Replaces the members of `data` other than `url` and `format` with `extras`, where the first
 * of the old ones stood (or at the end).
 * @param {Record<string, unknown>} data @param {Record<string, unknown>} extras
 */
function withExtras(data, extras) {
  const out = [];
  let placed = false;
  for (const [k, v] of Object.entries(data)) {
    if (DATA_ORDER.includes(k)) out.push([k, v]);
    else if (!placed) {
      out.push(...Object.entries(extras));
      placed = true;
    }
  }
  if (!placed) out.push(...Object.entries(extras));
  return Object.fromEntries(out);
}

/**
 * Splits an RFC 6901 pointer into member names.
 * @param {string} pointer
 * @returns {string[]}
 */
export function pointerSegments(pointer) {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * The field that shows a problem at `pointer`, or null for the raw view.
 * @param {string} pointer
 */
export function fieldForPointer(pointer) {
  const segs = pointerSegments(pointer);
  for (let n = segs.length; n > 0; n -= 1) {
    const want = segs.slice(0, n);
    const f = FIELDS.find((x) => x.path.length === n && x.path.every((s, i) => s === want[i]));
    if (f) return f;
  }
  return null;
}

// ---- document → form -----------------------------------------------------------------------

/**
 * A member's value as text for a text field.
 * @param {unknown} v
 * @returns {string}
 */
export function asText(v) {
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/**
 * Fills every field from the document, except the one being edited.
 * @param {PageState} state
 * @param {string} [skip]
 */
export function fillForm(state, skip) {
  const { doc } = state;
  const data = isObject(doc.data) ? /** @type {Record<string, unknown>} */ (doc.data) : null;
  for (const f of FIELDS) {
    if (f.name === skip) continue;
    const el = control(f.name);
    if (f.type === "kind") fillKind(/** @type {HTMLSelectElement} */ (/** @type {unknown} */ (el)), doc);
    else if (f.type === "bool") {
      const v = doc.append;
      el.checked = v === true;
      el.indeterminate = v !== undefined && v !== null && typeof v !== "boolean";
    } else if (f.type === "extras") {
      if (data) {
        const extras = extrasOf(data);
        el.value = Object.keys(extras).length ? pretty(extras) : "";
      } else {
        el.value = "data" in doc ? asText(doc.data) : "";
      }
      setLocalError("data", "");
    } else if (f.path[0] === "data") {
      el.value = data ? asText(data[f.path[1]]) : "";
    } else {
      el.value = asText(doc[f.name]);
    }
  }
  for (const name of ["pushkey", "data"])
    autosize(/** @type {HTMLTextAreaElement} */ (/** @type {unknown} */ (control(name))));
  const deleting = doc.kind === null;
  form.classList.toggle("deleting", deleting);
  $("delete-note").hidden = !deleting;
}

/** @param {HTMLSelectElement} select @param {Record<string, unknown>} doc */
function fillKind(select, doc) {
  select.querySelector("option[data-other]")?.remove();
  if (!("kind" in doc)) select.value = "absent";
  else if (doc.kind === null) select.value = "null";
  else if (doc.kind === "http" || doc.kind === "email") select.value = /** @type {string} */ (doc.kind);
  else {
    const opt = document.createElement("option");
    opt.value = "other";
    opt.dataset.other = "";
    opt.textContent = `${JSON.stringify(doc.kind)} (from the JSON)`;
    select.append(opt);
    select.value = "other";
  }
}

// ---- form → document -----------------------------------------------------------------------

/**
 * Records a problem found before validation (bad JSON in a field); '' clears it.
 * @param {string} name
 * @param {string} message
 */
export function setLocalError(name, message) {
  const el = control(name);
  el.dataset.localError = message;
}

/**
 * Applies one form edit to the document: `'document'` when the document changed (the raw view
 * must show it), `'local'` when only a field's local error did, `'none'` when nothing happened.
 * @param {PageState} state
 * @param {Event} event
 * @returns {'document' | 'local' | 'none'}
 */
export function applyFormInput(state, event) {
  const { doc } = state;
  const target = /** @type {HTMLInputElement} */ (event.target);
  const f = FIELDS.find((x) => x.name === target.name);
  if (!f) return "none";
  let next = doc;
  if (f.type === "kind") {
    const v = target.value;
    if (v === "other") return "none";
    target.querySelector("option[data-other]")?.remove();
    next = withMember(doc, "kind", v === "absent" ? undefined : v === "null" ? null : v, MEMBER_ORDER);
  } else if (f.type === "bool") {
    target.indeterminate = false;
    next = withMember(doc, "append", target.checked ? true : undefined, MEMBER_ORDER);
  } else if (f.type === "extras") {
    const text = target.value.trim();
    /** @type {unknown} */
    let extras = {};
    if (text !== "") {
      try {
        extras = JSON.parse(text);
      } catch {
        extras = undefined;
      }
    }
    if (!isObject(extras)) {
      setLocalError("data", "not a JSON object yet; the raw JSON keeps the last valid one");
      return "local";
    }
    setLocalError("data", "");
    const data = isObject(doc.data) ? /** @type {Record<string, unknown>} */ (doc.data) : {};
    next = withMember(doc, "data", withExtras(data, /** @type {Record<string, unknown>} */ (extras)), MEMBER_ORDER);
  } else if (f.path[0] === "data") {
    const data = isObject(doc.data) ? /** @type {Record<string, unknown>} */ (doc.data) : {};
    const value = target.value === "" ? undefined : target.value;
    next = withMember(doc, "data", withMember(data, f.path[1], value, DATA_ORDER), MEMBER_ORDER);
  } else {
    next = withMember(doc, f.name, target.value === "" ? undefined : target.value, MEMBER_ORDER);
  }
  state.doc = next;
  fillForm(state, f.name);
  return "document";
}

/** Grows a textarea with its content, up to a bound, so long tokens stay visible. */
function autosize(/** @type {HTMLTextAreaElement} */ el, maxPx = 320) {
  el.style.height = "auto";
  el.style.height = `${Math.min(el.scrollHeight + 2, maxPx)}px`;
}

// ---- options -------------------------------------------------------------------------------

/**
 * The validator options the options panel sets (only those that differ from the defaults),
 * marking a number field that holds no count.
 * @returns {Record<string, unknown>}
 */
export function readOptions() {
  /** @type {Record<string, unknown>} */
  const options = {};
  for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll("#options [data-option]"))) {
    const name = /** @type {string} */ (el.dataset.option);
    if (el.type === "checkbox") {
      if (el.checked) options[name] = true;
      el.removeAttribute("aria-invalid");
    } else {
      const n = Number(el.value);
      const ok = el.value.trim() !== "" && Number.isInteger(n) && n >= 0 && n <= MAX_U32;
      if (ok && String(n) !== el.dataset.default) options[name] = n;
      if (ok) el.removeAttribute("aria-invalid");
      else el.setAttribute("aria-invalid", "true");
    }
  }
  const kinds = [...document.querySelectorAll("#options [data-kind]")]
    .filter((el) => /** @type {HTMLInputElement} */ (el).checked)
    .map((el) => /** @type {string} */ (/** @type {HTMLElement} */ (el).dataset.kind));
  if (kinds.join() !== "http,email") options.kinds = kinds;
  // The validator reads the entries: one it refuses makes the whole call throw, and the message
  // is shown beside this field.
  for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (
    document.querySelectorAll("#options [data-list-option]")
  )) {
    const entries = el.value.split(/[\s,]+/).filter((entry) => entry !== "");
    if (entries.length) options[/** @type {string} */ (el.dataset.listOption)] = entries;
  }
  return options;
}

/** Puts every option back to its default. */
export function resetOptions() {
  for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll("#options input"))) {
    if (el.type === "checkbox") el.checked = el.defaultChecked;
    else el.value = el.dataset.default ?? "";
  }
}

/** Dims the fields a delete does not read, while `kind` is null. */
export function markIgnoredWhenDeleting() {
  for (const f of FIELDS) {
    if (!FIELDS_READ_ON_DELETE.has(f.name)) control(f.name).closest(".field")?.classList.add("ignored-when-delete");
  }
}
