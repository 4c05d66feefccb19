// Checks outcomes of the built package against the fixture format (tests/fixtures/README.md).
// No Node-only API here: the workerd consumer bundles this file and runs it inside workerd.

import { caseInput } from "../lib/case-input.mjs";

/** Deep equality of JSON-like values (`Object.is` for numbers, member order ignored). */
export function sameJson(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && sameJson(a[key], b[key]));
}

/** Whether every object and array of `a` has the prototype of its counterpart in `b`. */
function samePrototypes(a, b) {
  if (typeof a !== "object" || a === null) return true;
  if (typeof b !== "object" || b === null || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  return Object.keys(a).every((key) => samePrototypes(a[key], b[key]));
}

function freshArrayBuffer(bytes) {
  const buffer = new ArrayBuffer(bytes.length);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}

/**
 * The ways a case's input is handed to `validate`: [mode, input]. Text goes as a string and as
 * its UTF-8 bytes (a `Uint8Array` and an `ArrayBuffer`); a `body` also as the object itself.
 * `raw_hex` (possibly not UTF-8) goes only as bytes.
 */
export function inputsOf(testCase) {
  const { text, bytes } = caseInput(testCase);
  const inputs = [];
  if (text !== undefined) inputs.push(["string", text]);
  inputs.push(["Uint8Array", bytes], ["ArrayBuffer", freshArrayBuffer(bytes)]);
  if ("body" in testCase) inputs.push(["object", structuredClone(testCase.body)]);
  return inputs;
}

const pairs = (list, a, b) => list.map((item) => [item[a], item[b]]);

/** What differs between an outcome and a case's `expect` (only the members named), or []. */
export function mismatches(outcome, expect) {
  const out = [];
  const check = (what, actual, wanted) => {
    if (!sameJson(actual, wanted)) out.push(`${what}: got ${JSON.stringify(actual)}, want ${JSON.stringify(wanted)}`);
  };
  if (outcome === null || typeof outcome !== "object") return [`not an object: ${String(outcome)}`];
  // The shape of docs/rules.md section 5, whatever the case names.
  if (outcome.ok === false) {
    if (!Array.isArray(outcome.errors) || outcome.errors.length === 0) out.push("a rejection without errors");
    else {
      check("errcode (the first problem's)", outcome.errcode, outcome.errors[0].errcode);
      check("error (the first problem's message)", outcome.error, outcome.errors[0].message);
    }
  } else if (outcome.ok === true) {
    if (outcome.action !== "set" && outcome.action !== "delete") out.push(`unknown action ${outcome.action}`);
  } else out.push(`ok is ${JSON.stringify(outcome.ok)}`);
  if (!Array.isArray(outcome.warnings)) out.push("warnings is not an array");

  if ("ok" in expect) check("ok", outcome.ok, expect.ok);
  if ("errors" in expect)
    check(
      "errors",
      Array.isArray(outcome.errors) ? pairs(outcome.errors, "errcode", "path") : outcome.errors,
      expect.errors,
    );
  if ("action" in expect) check("action", outcome.action, expect.action);
  if ("pusher" in expect) check("pusher", outcome.pusher, expect.pusher);
  if ("append" in expect) check("append", outcome.append, expect.append);
  if ("warnings" in expect)
    check(
      "warnings",
      Array.isArray(outcome.warnings) ? pairs(outcome.warnings, "code", "path") : outcome.warnings,
      expect.warnings,
    );
  return out;
}

/** What is wrong with a `validateWithJson` result next to the plain outcome, or []. */
export function withJsonMismatches(result, outcome) {
  const out = [];
  if (!sameJson(result.outcome, outcome)) out.push("validateWithJson's outcome differs from validate's");
  const isSet = outcome.ok === true && outcome.action === "set";
  if (!isSet) {
    if (result.pusherJson !== null)
      out.push(`pusherJson is ${JSON.stringify(result.pusherJson)} for a non-set outcome`);
  } else if (typeof result.pusherJson !== "string") {
    out.push("pusherJson is not a string for a set");
  } else {
    let parsed;
    try {
      parsed = JSON.parse(result.pusherJson);
    } catch {
      out.push(`pusherJson is not JSON: ${result.pusherJson}`);
    }
    if (parsed !== undefined && !sameJson(parsed, outcome.pusher))
      out.push(`pusherJson ${result.pusherJson} is not the outcome's pusher`);
    if (/^\s|\s$/.test(result.pusherJson)) out.push("pusherJson has surrounding whitespace");
  }
  return out;
}

/** What is wrong with a `check` result or a `verdict` next to the plain outcome, or []. */
export function checkMismatches(checked, verdict, outcome) {
  const out = [];
  const action = outcome.ok ? outcome.action : null;
  const append = outcome.ok && outcome.action === "set" ? outcome.append : false;
  for (const [name, got] of [
    ["check", checked],
    ["verdict", verdict],
  ]) {
    if (got.ok !== outcome.ok) out.push(`${name}().ok is ${got.ok}, validate's ${outcome.ok}`);
    if (got.action !== action) out.push(`${name}().action is ${got.action}, not ${action}`);
    if (got.append !== append) out.push(`${name}().append is ${got.append}, not ${append}`);
  }
  if (!sameJson(checked.outcome, outcome)) out.push("check().outcome differs from validate's");
  // `validate` builds its object from pieces, `check().outcome` is `JSON.parse` of the outcome's
  // JSON: the same members, in the same order, with the same prototypes.
  if (JSON.stringify(outcome) !== JSON.stringify(checked.outcome))
    out.push("validate's outcome has its members in another order than the outcome's JSON");
  if (!samePrototypes(outcome, checked.outcome)) out.push("validate's outcome has objects of another prototype");
  if (!sameJson(JSON.parse(checked.text), outcome)) out.push("check().text is not validate's outcome");
  out.push(
    ...withJsonMismatches({ outcome: checked.outcome, pusherJson: checked.pusherJson }, outcome).map(
      (line) => `check: ${line}`,
    ),
  );
  const appId = outcome.ok ? outcome.pusher.app_id : null;
  const pushkey = outcome.ok ? outcome.pusher.pushkey : null;
  if (checked.appId !== appId)
    out.push(`check().appId is ${JSON.stringify(checked.appId)}, not ${JSON.stringify(appId)}`);
  if (checked.pushkey !== pushkey)
    out.push(`check().pushkey is ${JSON.stringify(checked.pushkey)}, not ${JSON.stringify(pushkey)}`);
  if (!sameJson(checked.warnings, outcome.warnings)) out.push("check().warnings differ");
  if (!sameJson(checked.errors, outcome.ok ? [] : outcome.errors)) out.push("check().errors differ");
  if (checked.errcode !== (outcome.ok ? null : outcome.errcode)) out.push("check().errcode differs");
  if (checked.error !== (outcome.ok ? null : outcome.error)) out.push("check().error differs");
  return out;
}

/**
 * What is wrong with how `validate` and `validateWithJson` refuse a case's options: each must
 * throw a `TypeError` that names the option (`options.<name>`), for every input form.
 */
export function optionErrorMismatches(api, testCase) {
  const out = [];
  const option = testCase.expect.option_error;
  for (const [mode, input] of inputsOf(testCase)) {
    for (const fn of ["validate", "validateWithJson", "check", "verdict"]) {
      try {
        const outcome = api[fn](input, testCase.options);
        out.push(`${testCase.name} [${mode}] ${fn}: no error for options.${option}, got ${JSON.stringify(outcome)}`);
      } catch (error) {
        if (!(error instanceof TypeError))
          out.push(`${testCase.name} [${mode}] ${fn}: threw ${error}, not a TypeError`);
        else if (!error.message.includes(`options.${option}`))
          out.push(`${testCase.name} [${mode}] ${fn}: the message does not name options.${option}: ${error.message}`);
      }
    }
  }
  return out;
}

/**
 * Runs every case of one fixture file through the package's `validate`, `validateWithJson`,
 * `check` and `verdict` with every input form, and returns a report line per failure.
 */
export function runFile(api, cases) {
  const failures = [];
  for (const testCase of cases) {
    if ("option_error" in testCase.expect) {
      failures.push(...optionErrorMismatches(api, testCase));
      continue;
    }
    for (const [mode, input] of inputsOf(testCase)) {
      let outcome;
      try {
        outcome = api.validate(input, testCase.options);
      } catch (error) {
        failures.push(`${testCase.name} [${mode}]: threw ${error}`);
        continue;
      }
      const wrong = mismatches(outcome, testCase.expect);
      if (mode === "Uint8Array" || mode === "object") {
        let result;
        try {
          result = api.validateWithJson(input, testCase.options);
          wrong.push(...withJsonMismatches(result, outcome));
        } catch (error) {
          wrong.push(`validateWithJson threw ${error}`);
        }
      }
      try {
        wrong.push(
          ...checkMismatches(api.check(input, testCase.options), api.verdict(input, testCase.options), outcome),
        );
      } catch (error) {
        wrong.push(`check or verdict threw ${error}`);
      }
      for (const line of wrong) failures.push(`${testCase.name} [${mode}]: ${line}`);
    }
  }
  return failures;
}
