// The playground: a form and a raw JSON view of one POST /pushers/set body, kept in sync both
// ways and validated on every change by the WebAssembly build in ./pkg/ (no network). The
// Register and list features talk to the service that serves this page, on the same origin.
// This module wires the parts together and starts the page.

import { $ } from "./dom.js";
import { addWebPushKeys, buildExamples, loadExample } from "./examples.js";
import { applyFormInput, createState, markIgnoredWhenDeleting, resetOptions } from "./form.js";
import { loadRaw, raw, readRaw, showDocument } from "./json-view.js";
import { createRegister } from "./register.js";
import { createVerdict } from "./verdict.js";

const state = createState();
const verdict = createVerdict();

/**
 * Replaces the raw JSON (an example, a listed pusher, the normalized pusher) and announces its
 * verdict at once.
 * @param {string} text
 */
function loadText(text) {
  loadRaw(state, text);
  verdict.run(true);
}

async function start() {
  buildExamples(loadText);
  markIgnoredWhenDeleting();
  const form = $("pusher-form");
  form.addEventListener("input", (event) => {
    const changed = applyFormInput(state, event);
    if (changed === "none") return;
    if (changed === "document") showDocument(state);
    verdict.run();
  });
  form.addEventListener("submit", (e) => e.preventDefault());
  raw.addEventListener("input", () => {
    readRaw(state);
    verdict.run();
  });
  $("options").addEventListener("input", () => verdict.run());
  $("options").addEventListener("change", () => verdict.run());
  $("options-reset").addEventListener("click", () => {
    resetOptions();
    verdict.run();
  });
  $("use-normalized").addEventListener("click", () => verdict.useNormalizedPusher(loadText));
  const service = createRegister({ loadText, setStatus: verdict.setStatus });

  service.learnMode();
  loadExample(undefined, loadText);
  await addWebPushKeys();
  await verdict.load();
  verdict.run(true);
  await service.showKeptPushers();
}

start();
