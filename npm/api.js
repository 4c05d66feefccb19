// The JavaScript face of the validator, shared by every entry file (index.js for browsers,
// node.mjs / node.cjs for Node, workerd.js for Workers). The entry files only differ in how
// they instantiate the WebAssembly module; this file turns the caller's input and options into
// what the module takes (UTF-8 bytes and a few numbers) and parses the JSON it answers with.

import { outcomeInfo, pusherEnd, pusherStart, validateBytes, validateString } from "./matrix_pusher_validator.js";

let ready = false;

/** Called by the entry file once the WebAssembly module is instantiated. */
export function markReady() {
  ready = true;
}

// ---- options (RULES.md section 6) --------------------------------------------------------------

const KIND_BITS = { http: 1, email: 2 };
const FLAG_BITS = { allowHttp: 1, allowPrivateHosts: 2, allowAnyPath: 4 };
const WANT_PUSHER_RANGE = 8;
const VERDICT_ONLY = 16;
const LIMIT_NAMES = ["maxBodyBytes", "maxDepth", "maxDataBytes", "maxDisplayNameChars", "maxUrlChars"];
const LIMIT_DEFAULTS = [65536, 16, 4096, 256, 2048];
const MAX_U32 = 0xffffffff;

// The options of the call being made. A call runs to its end before the next one starts, so
// module-level slots spare an allocation per call.
let kinds = 3;
let flags = 0;
const limits = LIMIT_DEFAULTS.slice();

function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

function readOptions(options) {
  kinds = 3;
  flags = 0;
  for (let i = 0; i < LIMIT_DEFAULTS.length; i++) limits[i] = LIMIT_DEFAULTS[i];
  if (options === undefined || options === null) return;
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`matrix-pusher-validator: options must be an object, not ${describe(options)}`);
  }
  for (const name of Object.keys(options)) {
    const value = options[name];
    if (value === undefined) continue;
    if (name === "kinds") {
      if (!Array.isArray(value)) {
        throw new TypeError(`matrix-pusher-validator: options.kinds must be an array of "http" and "email", not ${describe(value)}`);
      }
      kinds = 0;
      for (const kind of value) {
        if (kind !== "http" && kind !== "email") {
          throw new TypeError(`matrix-pusher-validator: options.kinds may hold only "http" and "email", not ${describe(kind)}`);
        }
        kinds |= KIND_BITS[kind];
      }
    } else if (Object.hasOwn(FLAG_BITS, name)) {
      if (typeof value !== "boolean") {
        throw new TypeError(`matrix-pusher-validator: options.${name} must be a boolean, not ${describe(value)}`);
      }
      if (value) flags |= FLAG_BITS[name];
    } else {
      const index = LIMIT_NAMES.indexOf(name);
      if (index < 0) {
        throw new TypeError(
          `matrix-pusher-validator: unknown option ${JSON.stringify(name)} (known: kinds, ${Object.keys(FLAG_BITS).join(", ")}, ${LIMIT_NAMES.join(", ")})`,
        );
      }
      if (!Number.isInteger(value) || value < 0 || value > MAX_U32) {
        throw new TypeError(`matrix-pusher-validator: options.${name} must be an integer from 0 to ${MAX_U32}, not ${describe(value)}`);
      }
      limits[index] = value;
    }
  }
}

// ---- input -------------------------------------------------------------------------------------

const hasIsWellFormed = typeof String.prototype.isWellFormed === "function";
// With the `u` flag a surrogate pair is one code point, so only a lone surrogate matches.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function isWellFormed(text) {
  return hasIsWellFormed ? text.isWellFormed() : !LONE_SURROGATE.test(text);
}

const objectToString = Object.prototype.toString;

function bytesOf(input) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  // Values made in another realm (a vm context, an iframe) fail `instanceof`.
  const tag = objectToString.call(input);
  if (tag === "[object Uint8Array]") return input;
  if (tag === "[object ArrayBuffer]" || tag === "[object SharedArrayBuffer]") return new Uint8Array(input);
  return undefined;
}

/** The deepest nesting the core ever reads (`json::MAX_NESTING`), whatever `maxDepth` says. */
const MAX_NESTING = 512;

/**
 * Why `value` has no faithful JSON form, or "" when `JSON.stringify` writes it exactly.
 * `JSON.stringify` alone would turn `NaN` into `null` and a `Map` into `{}`, call `toJSON`, drop
 * functions, and throw on cycles and BigInts. On a failure `failPath` receives the member names
 * from the offending value up to the top (built only then, so the common path allocates nothing).
 * `deep` is set when a container lies past `cut` levels: the document is refused as too deep
 * there, and is serialized with `cutJson` so that no recursion runs away.
 */
let deep = false;
const failPath = [];
const ancestors = [];

function unfaithful(value, depth, cut, ancestors) {
  switch (typeof value) {
    case "string":
    case "boolean":
      return "";
    case "number":
      return Number.isFinite(value) ? "" : `the non-finite number ${value}`;
    case "bigint":
      return "a BigInt";
    case "undefined":
      return "undefined";
    case "function":
    case "symbol":
      return `a ${typeof value}`;
    default:
      break;
  }
  if (value === null) return "";
  if (ancestors.includes(value)) return "a cyclic reference";
  if (depth > cut) {
    deep = true;
    return "";
  }
  if (Array.isArray(value)) {
    ancestors.push(value);
    for (let i = 0; i < value.length; i++) {
      const why = unfaithful(value[i], depth + 1, cut, ancestors);
      if (why !== "") failPath.push(String(i));
      if (why !== "" || deep) return why;
    }
    ancestors.pop();
    return "";
  }
  const proto = Object.getPrototypeOf(value);
  if (objectToString.call(value) !== "[object Object]" || (proto !== null && Object.getPrototypeOf(proto) !== null)) {
    const name = proto && typeof proto.constructor === "function" ? proto.constructor.name : "";
    return `a ${name || "non-plain"} object`;
  }
  ancestors.push(value);
  for (const key of Object.keys(value)) {
    const member = value[key];
    // `JSON.stringify` leaves out a member whose value is undefined: it reads as absent.
    if (member === undefined) continue;
    const why = unfaithful(member, depth + 1, cut, ancestors);
    if (why !== "") failPath.push(key);
    if (why !== "" || deep) return why;
  }
  ancestors.pop();
  return "";
}

function pointerOf(reversedTokens) {
  let pointer = "";
  for (let i = reversedTokens.length - 1; i >= 0; i--) {
    pointer += `/${reversedTokens[i].replaceAll("~", "~0").replaceAll("/", "~1")}`;
  }
  return pointer;
}

/** The compact JSON of a too-deep value, each container past `cut` levels written empty. */
function cutJson(value, depth, cut) {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (depth > cut) return Array.isArray(value) ? "[]" : "{}";
  if (Array.isArray(value)) {
    return `[${value.map((item) => cutJson(item, depth + 1, cut)).join(",")}]`;
  }
  const members = [];
  for (const key of Object.keys(value)) {
    if (value[key] !== undefined) members.push(`${JSON.stringify(key)}:${cutJson(value[key], depth + 1, cut)}`);
  }
  return `{${members.join(",")}}`;
}

/** The JSON text of a value given as an object, or a rejection when it has none. */
function objectJson(value) {
  deep = false;
  failPath.length = 0;
  ancestors.length = 0;
  const cut = Math.min(limits[1], MAX_NESTING) + 1;
  try {
    const why = unfaithful(value, 1, cut, ancestors);
    if (why !== "") {
      const where = failPath.length > 0 ? ` at ${pointerOf(failPath)}` : "";
      return rejection("M_BAD_JSON", `not representable as JSON: ${why}${where}`);
    }
    return deep ? cutJson(value, 1, cut) : JSON.stringify(value);
  } catch (error) {
    // A getter or a proxy that throws.
    let what = "an exception";
    try {
      what = String(error);
    } catch {
      // An exception that cannot even be turned into text.
    }
    return rejection("M_BAD_JSON", `not representable as JSON: reading it threw ${what}`);
  }
}

function rejection(errcode, message) {
  return { ok: false, errcode, error: message, errors: [{ errcode, path: "", message }], warnings: [] };
}

// ---- validation --------------------------------------------------------------------------------

/** The outcome's JSON text, or a rejection object made here for input that never reaches wasm. */
function outcomeText(input, options, extraFlags) {
  if (!ready) {
    throw new Error("matrix-pusher-validator: call `await init()` once before validate()");
  }
  readOptions(options);
  const f = flags | extraFlags;
  const maxBodyBytes = limits[0];
  let bytes = typeof input === "string" ? undefined : bytesOf(input);
  let text = input;
  if (bytes === undefined && typeof input !== "string") {
    text = objectJson(input);
    if (typeof text !== "string") return text;
  }
  if (bytes !== undefined) {
    // A body past the limit is refused for its size alone: only the first maxBodyBytes + 1
    // bytes are copied into wasm memory (which never shrinks), enough for the core to see it.
    if (bytes.length > maxBodyBytes + 1) bytes = bytes.subarray(0, maxBodyBytes + 1);
    return validateBytes(bytes, kinds, f, maxBodyBytes, limits[1], limits[2], limits[3], limits[4]);
  }
  // A string has at least as many UTF-8 bytes as UTF-16 code units: a longer one is too large
  // whatever it holds, as a byte body past the limit is refused before it is read.
  if (text.length > maxBodyBytes) text = text.slice(0, maxBodyBytes + 1);
  else if (!isWellFormed(text)) {
    // Past the limit even so, the size is what is reported, as for bytes: the encoder writes
    // each lone surrogate as U+FFFD (three bytes, as counted), and the core refuses the body
    // for its length before reading it.
    if (utf8Length(text) <= maxBodyBytes) return rejection("M_NOT_JSON", "not UTF-8: the text has a lone surrogate");
  }
  return validateString(text, kinds, f, maxBodyBytes, limits[1], limits[2], limits[3], limits[4]);
}

/** The UTF-8 length of a string, a lone surrogate counted as the three bytes of U+FFFD. */
function utf8Length(text) {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) length += 1;
    else if (unit < 0x800) length += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 4;
      i++;
    } else length += 3;
  }
  return length;
}

/**
 * Validates and normalizes one `POST /pushers/set` body.
 *
 * @param {string | Uint8Array | ArrayBuffer | object} input the body as text, as bytes, or
 *   already parsed (a plain object, validated as its `JSON.stringify` form).
 * @param {object} [options] camelCase options of RULES.md section 6.
 * @returns {object} `{ ok: true, action: "set", pusher, append, warnings }`,
 *   `{ ok: true, action: "delete", pusher, warnings }` or
 *   `{ ok: false, errcode, error, errors, warnings }`. Invalid input never throws.
 * @throws {TypeError} when an option is unknown or of the wrong type.
 */
export function validate(input, options) {
  const text = outcomeText(input, options, 0);
  return typeof text === "string" ? JSON.parse(text) : text;
}

/**
 * Like {@link validate}, and also the exact compact JSON text of `outcome.pusher` as the
 * validator wrote it (for a set; `null` otherwise), to store without serializing it again.
 *
 * @param {string | Uint8Array | ArrayBuffer | object} input
 * @param {object} [options]
 * @returns {{ outcome: object, pusherJson: string | null }}
 */
export function validateWithJson(input, options) {
  const text = outcomeText(input, options, WANT_PUSHER_RANGE);
  if (typeof text !== "string") return { outcome: text, pusherJson: null };
  const end = pusherEnd();
  return { outcome: JSON.parse(text), pusherJson: end > 0 ? text.slice(pusherStart(), end) : null };
}

/**
 * The outcome exactly as the validator wrote it (compact JSON text), for tools that print it:
 * numbers in `data` stay as sent, which `JSON.parse` cannot promise. Not part of the package's
 * public exports.
 */
export function validateToText(input, options) {
  const text = outcomeText(input, options, 0);
  return typeof text === "string" ? text : JSON.stringify(text);
}

// ---- paying only for what is read ---------------------------------------------------------------

const VERDICTS = [
  Object.freeze({ ok: false, action: null, append: false }),
  Object.freeze({ ok: true, action: "set", append: false }),
  Object.freeze({ ok: true, action: "delete", append: false }),
  undefined,
  undefined,
  Object.freeze({ ok: true, action: "set", append: true }),
];

/**
 * The verdict alone, `{ ok, action, append }` (`action` `"set"`, `"delete"` or `null` when
 * rejected): the same validation as {@link validate}, with no outcome written or parsed.
 *
 * @param {string | Uint8Array | ArrayBuffer | object} input
 * @param {object} [options]
 * @returns {{ ok: boolean, action: "set" | "delete" | null, append: boolean }} a frozen object.
 */
export function verdict(input, options) {
  const answer = outcomeText(input, options, VERDICT_ONLY);
  return typeof answer === "string" ? VERDICTS[outcomeInfo(0) + 4 * outcomeInfo(1)] : VERDICTS[0];
}

/** The content of a JSON string literal as the validator wrote it (between its quotes). */
function unquote(escaped) {
  return escaped.includes("\\") ? JSON.parse(`"${escaped}"`) : escaped;
}

/**
 * What a server needs from one outcome, read from its JSON text without parsing all of it: the
 * verdict, the pusher's exact JSON, `appId`, `pushkey` and `append` at once; `errcode`, `error`,
 * `errors`, `warnings` and the whole `outcome` (as {@link validate} gives it) parsed on first
 * use.
 */
class Checked {
  #text;
  #outcome;

  constructor(text, outcome) {
    this.#text = text;
    this.#outcome = outcome;
    if (outcome !== undefined) {
      // Made here (input that never reached wasm): always a rejection.
      this.ok = false;
      this.action = null;
      this.append = false;
      this.pusherJson = null;
      this.appId = null;
      this.pushkey = null;
      return;
    }
    const action = outcomeInfo(0);
    this.ok = action !== 0;
    this.action = action === 1 ? "set" : action === 2 ? "delete" : null;
    this.append = outcomeInfo(1) === 1;
    const end = pusherEnd();
    this.pusherJson = end > 0 ? text.slice(pusherStart(), end) : null;
    this.appId = this.ok ? unquote(text.slice(outcomeInfo(2), outcomeInfo(3))) : null;
    this.pushkey = this.ok ? unquote(text.slice(outcomeInfo(4), outcomeInfo(5))) : null;
  }

  /** The whole outcome, as {@link validate} gives it (parsed once, on first use). */
  get outcome() {
    if (this.#outcome === undefined) this.#outcome = JSON.parse(this.#text);
    return this.#outcome;
  }

  /** The outcome's compact JSON text, as the validator wrote it. */
  get text() {
    return this.#text ?? JSON.stringify(this.#outcome);
  }

  get errcode() {
    return this.ok ? null : this.outcome.errcode;
  }

  get error() {
    return this.ok ? null : this.outcome.error;
  }

  get errors() {
    return this.ok ? [] : this.outcome.errors;
  }

  get warnings() {
    return this.outcome.warnings;
  }
}

/**
 * Validates like {@link validate} and answers a {@link Checked}: the verdict, `pusherJson`,
 * `appId`, `pushkey` and `append` at once, the rest on first use.
 *
 * @param {string | Uint8Array | ArrayBuffer | object} input
 * @param {object} [options]
 * @returns {Checked}
 */
export function check(input, options) {
  const text = outcomeText(input, options, WANT_PUSHER_RANGE);
  return typeof text === "string" ? new Checked(text, undefined) : new Checked(undefined, text);
}
