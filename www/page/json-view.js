// The raw JSON view: its text becomes the document whenever it parses as an object, and it shows
// the document after a form edit.

import { $, pretty } from "./dom.js";
import { FIELDS, fillForm, isObject, setLocalError } from "./form.js";

/** @typedef {import('./form.js').PageState} PageState */

/** The raw JSON textarea. */
export const raw = /** @type {HTMLTextAreaElement} */ ($("raw"));

/**
 * Reads the raw text: when it parses as a JSON object, it becomes the document and fills the form.
 * @param {PageState} state
 */
export function readRaw(state) {
  let parsed;
  try {
    parsed = JSON.parse(raw.value);
  } catch {
    parsed = undefined;
  }
  if (isObject(parsed)) {
    state.doc = parsed;
    fillForm(state);
  }
}

/**
 * Replaces the raw text (a load, not typing): the form's local errors are dropped, then the text
 * is read as if typed.
 * @param {PageState} state
 * @param {string} text
 */
export function loadRaw(state, text) {
  raw.value = text;
  for (const f of FIELDS) setLocalError(f.name, "");
  readRaw(state);
}

/**
 * Shows the document as the raw text (after a form edit).
 * @param {PageState} state
 */
export function showDocument(state) {
  raw.value = pretty(state.doc);
}
