// The JavaScript face of the validator, shared by every entry file (index.js for browsers,
// node.mjs / node.cjs for Node, workerd.js for Workers). The entry files only differ in how
// they instantiate the WebAssembly module; this file turns the caller's input and options into
// what the module takes (UTF-8 bytes, and the options as JSON text) and reads what it answers:
// a number for `verdict`, the outcome's JSON text for `check` and `validateWithJson`, the
// outcome's pieces for `validate` (src/wasm.rs).

import {
  maxBodyBytes as heldMaxBodyBytes,
  inputBuffer,
  piecesInput,
  selectOptions,
  setOptions,
  validateInput,
  verdictInput,
} from "./matrix_pusher_validator.js";

let ready = false;
/** The module's memory, where the numbers of an outcome answered as pieces are read. */
let memory;

/**
 * Reads ASCII text from the bytes it is called on (`this`), from `start` to `end`, when the
 * host has a faster way than `TextDecoder` (Node's Latin-1 reading of a buffer: half the time
 * for an outcome's text).
 * @type {((this: Uint8Array, start: number, end: number) => string) | undefined}
 */
let readAscii;

/**
 * Reads UTF-8 text like `readAscii`, when the host has a faster way than `TextDecoder` (Node's
 * UTF-8 reading of a buffer: about four fifths of the time for an outcome's text).
 * @type {((this: Uint8Array, start: number, end: number) => string) | undefined}
 */
let readUtf8;

/**
 * Called by the entry file once the WebAssembly module is instantiated, with its exports, and
 * the host's ways to read ASCII and UTF-8 text, if it has faster ones than `TextDecoder`.
 * @param {{ memory: WebAssembly.Memory }} exports
 * @param {(this: Uint8Array, start: number, end: number) => string} [asciiReader]
 * @param {(this: Uint8Array, start: number, end: number) => string} [utf8Reader]
 */
export function markReady(exports, asciiReader, utf8Reader) {
  // Once only: a second `initSync` must not forget which options the module holds.
  if (ready) return;
  memory = exports.memory;
  readAscii = asciiReader;
  readUtf8 = utf8Reader;
  ready = true;
  defaults = { text: "", slot: 0, maxBodyBytes: heldMaxBodyBytes() };
  held = defaults;
}

// ---- options (docs/rules.md section 6) ---------------------------------------------------------
//
// The core reads the options (src/options.rs): here they only become JSON text, faithfully, so
// that a value JSON cannot carry (a function, NaN, a Map) is refused by name instead of being
// dropped or turned into null by `JSON.stringify`. Everything a call needs lives in the call: a
// getter in the input may call `validate` again before this call is done.

// What the module is asked for (src/wasm.rs): the outcome's JSON text, with where its pusher
// lies; VERDICT and PIECES are this file's own, for the module's verdict and pieces functions.
const WANT_PUSHER_RANGE = 8;
const VERDICT = 16;
const PIECES = 32;

/** What a value JSON cannot carry is (a container nested past 8 levels counts as an object). */
function describe(value) {
  const type = typeof value;
  if (type === "object") return "an object";
  if (type === "bigint") return `the BigInt ${value}n`;
  if (type === "number") return `number ${value}`;
  return type === "undefined" ? type : `a ${type}`;
}

function isPlainObject(value) {
  if (objectToString.call(value) !== "[object Object]") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

// The options are read in one walk that checks every value and writes what it read, in order,
// into a tape: the values, member names and three marks for where an object or an array starts
// and ends. Their JSON text is written from the tape, and only when no recent options had the
// same tape.
const OBJECT = Object.freeze({ tape: "object" });
const ARRAY = Object.freeze({ tape: "array" });
const END = Object.freeze({ tape: "end" });

/**
 * Reads an option value made only of what JSON carries onto `tape`, each value read once (a
 * getter cannot answer differently the second time), or throws a TypeError naming the value.
 * `path` holds the member names and indexes from the options down to `value`.
 */
function readOption(value, path, tape) {
  const type = typeof value;
  if (value === null || type === "boolean" || type === "string" || (type === "number" && Number.isFinite(value))) {
    tape.push(value);
    return;
  }
  if (type === "object" && path.length < 8) {
    if (Array.isArray(value)) {
      tape.push(ARRAY);
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        readOption(value[i], path, tape);
        path.pop();
      }
      tape.push(END);
      return;
    }
    if (isPlainObject(value)) {
      tape.push(OBJECT);
      for (const key of Object.keys(value)) {
        const member = value[key];
        // As in JSON.stringify, a member whose value is undefined is absent.
        if (member === undefined) continue;
        tape.push(key);
        path.push(key);
        readOption(member, path, tape);
        path.pop();
      }
      tape.push(END);
      return;
    }
  }
  const name = path
    .map((token, i) => (i === 0 ? token : typeof token === "number" ? `[${token}]` : `.${token}`))
    .join("");
  throw new TypeError(`matrix-pusher-validator: ${name} cannot be ${describe(value)}`);
}

/** The JSON text of the value on `tape` from `at.i` on, which it moves past the value. */
function tapeJson(tape, at) {
  const token = tape[at.i++];
  if (token === OBJECT || token === ARRAY) {
    let text = "";
    while (tape[at.i] !== END) {
      if (text !== "") text += ",";
      if (token === OBJECT) text += `${JSON.stringify(tape[at.i++])}:`;
      text += tapeJson(tape, at);
    }
    at.i++;
    return token === OBJECT ? `{${text}}` : `[${text}]`;
  }
  return typeof token === "string" ? JSON.stringify(token) : String(token);
}

/**
 * The option sets read last, the most recent first (as many as the module keeps): each its tape
 * and JSON text. A server that passes the same options at every call, or one of a few, pays the
 * walk alone; the same text string each time also makes the module's slot for it quick to find.
 * @type {{ tape: unknown[], text: string }[]}
 */
const recentOptions = [];

/** The JSON text of the caller's options ("" for the defaults). */
function optionsTextOf(options) {
  if (options === undefined || options === null) return "";
  // A tape of its own: a getter in the options may call `validate` before this walk is done.
  const tape = [];
  readOption(options, ["options"], tape);
  for (const known of recentOptions) if (sameTape(known.tape, tape)) return known.text;
  const text = tapeJson(tape, { i: 0 });
  remember(recentOptions, OPTION_SLOTS, { tape, text });
  return text;
}

/** Puts `entry` first in `list`, a list of what was met last that keeps at most `max`. */
function remember(list, max, entry) {
  if (list.length === max) list.pop();
  list.unshift(entry);
}

/** Whether two tapes hold the same values, names and marks. */
function sameTape(a, b) {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * The options the module uses (their text, slot and `maxBodyBytes`). The module keeps several
 * option sets, each read once into a slot (src/wasm.rs), so that going back to options used
 * before costs a call that names the slot, not a second reading. This mirrors the module's state
 * and is no call's own: a call makes the module use its options right before it validates,
 * whenever it uses others (a getter in the input may have called `validate` with other options
 * meanwhile).
 */
let held = { text: "", slot: 0, maxBodyBytes: 0 };
/** The defaults' entry (slot 0, made by the module itself). */
let defaults = held;
/** The option sets in the module's slots, by their text. */
const slots = new Map();
/** How many slots the module has besides the defaults' (slot 0): `OPTION_SLOTS` in src/wasm.rs. */
const OPTION_SLOTS = 32;

/** Makes the module use the options of `text`; their `maxBodyBytes`, or a TypeError when refused. */
function hold(text) {
  if (text === held.text) return held.maxBodyBytes;
  let entry = text === "" ? defaults : slots.get(text);
  if (entry !== undefined) {
    selectOptions(entry.slot);
  } else {
    // The next slot; when all are taken, the slots start over (an application uses a handful).
    const slot = slots.size < OPTION_SLOTS ? slots.size + 1 : 1;
    // The options' text crosses in the input buffer: the body is written after this.
    const refused = setOptions(writeInput(text), slot);
    if (refused !== 0) throw new TypeError(`matrix-pusher-validator: ${answerText(refused)}`);
    if (slot === 1) slots.clear();
    entry = { text, slot, maxBodyBytes: heldMaxBodyBytes() };
    slots.set(text, entry);
  }
  held = entry;
  return entry.maxBodyBytes;
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
 * functions, and throw on cycles and BigInts. On a failure `walk.failPath` receives the member
 * names from the offending value up to the top (built only then, so the common path allocates
 * nothing). `walk.deep` is set when a container lies past `cut` levels: the document is refused
 * as too deep there, and is serialized with `cutJson` so that no recursion runs away. `walk`
 * belongs to one call.
 */
function unfaithful(value, depth, cut, walk) {
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
  const { ancestors } = walk;
  if (ancestors.includes(value)) return "a cyclic reference";
  if (depth > cut) {
    walk.deep = true;
    return "";
  }
  if (Array.isArray(value)) {
    ancestors.push(value);
    for (let i = 0; i < value.length; i++) {
      const why = unfaithful(value[i], depth + 1, cut, walk);
      if (why !== "") walk.failPath.push(String(i));
      if (why !== "" || walk.deep) return why;
    }
    ancestors.pop();
    return "";
  }
  if (!isPlainObject(value)) {
    const proto = Object.getPrototypeOf(value);
    const name = proto && typeof proto.constructor === "function" ? proto.constructor.name : "";
    return `a ${name || "non-plain"} object`;
  }
  ancestors.push(value);
  for (const key of Object.keys(value)) {
    const member = value[key];
    // `JSON.stringify` leaves out a member whose value is undefined: it reads as absent.
    if (member === undefined) continue;
    const why = unfaithful(member, depth + 1, cut, walk);
    if (why !== "") walk.failPath.push(key);
    if (why !== "" || walk.deep) return why;
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
  const walk = { deep: false, failPath: [], ancestors: [] };
  // Past MAX_NESTING the core refuses any document, whatever maxDepth says; cut there, the text
  // is too deep exactly where the whole value is.
  const cut = MAX_NESTING + 1;
  try {
    const why = unfaithful(value, 1, cut, walk);
    if (why !== "") {
      const where = walk.failPath.length > 0 ? ` at ${pointerOf(walk.failPath)}` : "";
      return rejection("M_BAD_JSON", `not representable as JSON: ${why}${where}`);
    }
    return walk.deep ? cutJson(value, 1, cut) : JSON.stringify(value);
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

/**
 * What the module answers for `flags` (the outcome's JSON text, its pieces, or for VERDICT the
 * verdict's number), or a rejection object made here for input that never reaches wasm.
 */
function outcomeText(input, options, flags) {
  if (!ready) {
    throw new Error("matrix-pusher-validator: call `await init()` once before validate()");
  }
  const optionsText = optionsTextOf(options);
  const maxBodyBytes = hold(optionsText);
  let bytes = typeof input === "string" ? undefined : bytesOf(input);
  let text = input;
  if (bytes === undefined && typeof input !== "string") {
    text = objectJson(input);
    if (typeof text !== "string") return text;
    // Reading the object may have run a getter that called `validate` with other options.
    hold(optionsText);
  }
  if (bytes !== undefined) {
    // A body past the limit is refused for its size alone: only the first maxBodyBytes + 1
    // bytes are copied into wasm memory (which never shrinks), enough for the core to see it.
    if (bytes.length > maxBodyBytes + 1) bytes = bytes.subarray(0, maxBodyBytes + 1);
    const length = bytes.length;
    // The room first: making it may grow the memory, which detaches the views of it.
    const at = inputRoom(length);
    memoryBytes().set(bytes, at);
    return ask(length, flags);
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
  return ask(writeInput(text), flags);
}

/**
 * Writes `text` as UTF-8 into the module's input buffer and answers its length in bytes. Encoded
 * straight into the buffer: room for one byte a UTF-16 code unit (all an ASCII text needs), then,
 * if the encoder stopped short, for at most three a unit left.
 */
function writeInput(text) {
  let at = inputRoom(text.length);
  const { read, written } = encoder.encodeInto(text, memoryBytes().subarray(at, at + text.length));
  if (read === text.length) return written;
  const room = written + (text.length - read) * 3;
  at = inputRoom(room);
  return written + encoder.encodeInto(text.slice(read), memoryBytes().subarray(at + written, at + room)).written;
}

/**
 * The module's input buffer, as last made (`inputBuffer`): where it starts and how many bytes
 * it holds. Like `held`, this mirrors the module's state; the buffer stays where it is until a
 * larger one is asked for, and a larger one keeps the bytes written so far.
 */
let input = { at: 0, room: 0 };

/** Where a body of up to `room` bytes is written in wasm memory. */
function inputRoom(room) {
  if (room > input.room) input = { at: inputBuffer(room), room };
  return input.at;
}

/** The module's answer about the body of `length` bytes in its input buffer. */
function ask(length, flags) {
  if (flags === VERDICT) return verdictInput(length);
  return flags === PIECES ? piecesInput(length) : answerText(validateInput(length, flags));
}

/** Where the pusher lies in the outcome text last answered, in UTF-16 code units (0 and 0: none). */
let pusherFrom = 0;
let pusherTo = 0;

/** The outcome text the module answered, about which the numbers at byte `at` in its memory say. */
function answerText(at) {
  const numbers = memoryNumbers();
  const base = at >>> 2;
  const textAt = numbers[base];
  const textEnd = textAt + numbers[base + 1];
  pusherFrom = numbers[base + 2];
  pusherTo = numbers[base + 3];
  return readText(textAt, textEnd, numbers[base + 4] !== 0);
}

/** The text the module wrote from byte `at` to `end` of its memory (`ascii`: all of it ASCII). */
function readText(at, end, ascii) {
  const reader = ascii ? readAscii : readUtf8;
  return reader !== undefined
    ? reader.call(memoryBytes(), at, end)
    : textDecoder.decode(memoryBytes().subarray(at, end));
}

const encoder = new TextEncoder();
/** Decodes the module's answers (a text may begin with U+FEFF: it is kept). */
const textDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
/** @type {Uint8Array} */
let bytesView = new Uint8Array(0);
/** @type {Uint32Array} */
let numbersView = new Uint32Array(0);

/**
 * The module's memory as bytes. A view is remade when the memory has grown: its old buffer is
 * then detached, and a view of a detached buffer has length 0 (cheaper to ask than the buffer).
 */
function memoryBytes() {
  if (bytesView.length === 0) bytesView = new Uint8Array(memory.buffer);
  return bytesView;
}

/** The module's memory as 32-bit numbers. */
function memoryNumbers() {
  if (numbersView.length === 0) numbersView = new Uint32Array(memory.buffer);
  return numbersView;
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
 * @param {object} [options] camelCase options of docs/rules.md section 6.
 * @returns {object} `{ ok: true, action: "set", pusher, append, warnings }`,
 *   `{ ok: true, action: "delete", pusher, warnings }` or
 *   `{ ok: false, errcode, error, errors, warnings }`. Invalid input never throws.
 * @throws {TypeError} when an option is unknown or has a value it does not take (the message
 *   names the option).
 */
export function validate(input, options) {
  const pieces = outcomeText(input, options, PIECES);
  return typeof pieces === "number" ? outcomeOfPieces(pieces) : pieces;
}

// ---- the outcome from its pieces ---------------------------------------------------------------
//
// For `validate` the module answers the outcome's strings one after another, unescaped, and
// numbers in its memory that say where that text is, what comes next and where each string ends
// (src/wasm.rs, `Pieces`): the object is built with slices of one decoded text, which costs a fraction of
// `JSON.parse` of the outcome's JSON. Members come in the order that JSON has, and a value is the
// one `JSON.parse` of it gives (the package's tests compare the two on every fixture).

/** The bits of the first number (src/wasm.rs): the verdict's, and the optional members. */
const SET = 1;
const DELETE = 2;
const APPEND = 4;
const HAS_PROFILE_TAG = 8;
const HAS_ENABLED = 16;
const ENABLED_TRUE = 32;
const HAS_DEVICE_ID = 64;
const ASCII_TEXT = 128;
/** A `data` member's value: a string (otherwise any other value, as its JSON). */
const DATA_STRING = 0;

// The pieces being read: their text, and where in the module's memory (in 32-bit numbers) the
// numbers saying where each string ends start. Kept here, not in a closure or an object made at
// every call: the engine throws away the optimized code of such a closure, and forgets the layout
// of such an object, at every full collection that finds none alive.
let piecesText = "";
let piecesEnds = 0;

/** The `k`th string of the pieces being read: from the end of the one before (the first starts at 0). */
function str(k) {
  const numbers = numbersView;
  return piecesText.slice(k === 0 ? 0 : numbers[piecesEnds + k - 1], numbers[piecesEnds + k]);
}

/** The outcome object of the pieces just answered, whose numbers are at byte `at` in wasm memory. */
function outcomeOfPieces(at) {
  const numbers = memoryNumbers();
  const base = at >>> 2;
  const head = numbers[base];
  const count = numbers[base + 1];
  const warningCount = numbers[base + 2];
  const textAt = numbers[base + 4];

  // A set's data kinds, then where each string ends.
  const kinds = base + 6;
  const ends = kinds + (head & SET ? count : 0);
  piecesText = readText(textAt, textAt + numbers[base + 5], (head & ASCII_TEXT) !== 0);
  piecesEnds = ends;
  let p = 0;
  let outcome;
  if (head & SET) {
    // The members before `data`: kind, app_id, pushkey, the two display names, [profile_tag], lang.
    p = head & HAS_PROFILE_TAG ? 7 : 6;
    const data = dataOf(kinds, count, p);
    p += 2 * count;
    // Whole literals, one per shape: their layouts stay known to the engine's optimized code.
    /** @type {Record<string, unknown>} */
    const pusher =
      head & HAS_PROFILE_TAG
        ? {
            kind: str(0),
            app_id: str(1),
            pushkey: str(2),
            app_display_name: str(3),
            device_display_name: str(4),
            profile_tag: str(5),
            lang: str(6),
            data,
          }
        : {
            kind: str(0),
            app_id: str(1),
            pushkey: str(2),
            app_display_name: str(3),
            device_display_name: str(4),
            lang: str(5),
            data,
          };
    if (head & (HAS_ENABLED | HAS_DEVICE_ID)) p = addMsc3881(pusher, head, p);
    outcome = {
      ok: true,
      action: "set",
      pusher,
      append: (head & APPEND) !== 0,
      warnings: notes(p, warningCount),
    };
  } else if (head & DELETE) {
    outcome = {
      ok: true,
      action: "delete",
      pusher: { kind: null, app_id: str(0), pushkey: str(1) },
      warnings: notes(2, warningCount),
    };
  } else {
    /** @type {{ errcode: string, path: string, message: string }[]} */
    const errors = [];
    for (let k = 0; k < count; k++, p += 3) errors.push({ errcode: str(p), path: str(p + 1), message: str(p + 2) });
    const first = errors[0];
    outcome = {
      ok: false,
      errcode: first === undefined ? null : first.errcode,
      error: first === undefined ? null : first.message,
      errors,
      warnings: notes(p, warningCount),
    };
  }
  return outcome;
}

/**
 * The `data` object of a set: its `count` members from the `p`th string on, each a name and a
 * value, whose kinds are the numbers from `kinds` on. Adding members to an empty object one at
 * a time is the slow part of making it, so an object of a shape met recently (the same names in
 * the same order: a client sends the same `data` members at every call) is made as a copy of
 * that shape's object, whose members then get this call's values.
 * @param {number} kinds
 * @param {number} count
 * @param {number} p
 * @returns {Record<string, unknown>}
 */
function dataOf(kinds, count, p) {
  const numbers = numbersView;
  // The shapes clients send most (`url`, with or without `format` before or after it, all
  // strings) as whole literals: quicker still than a copy.
  if (count <= 2 && numbers[kinds] === DATA_STRING && (count === 1 || numbers[kinds + 1] === DATA_STRING)) {
    const first = str(p);
    if (count === 1 && first === "url") return { url: str(p + 1) };
    if (count === 2) {
      const second = str(p + 2);
      if (first === "url" && second === "format") return { url: str(p + 1), format: str(p + 3) };
      if (first === "format" && second === "url") return { format: str(p + 1), url: str(p + 3) };
    }
  }
  const shape = dataShape(count, p);
  /** @type {Record<string, unknown>} */
  const data = shape === undefined ? {} : { ...shape.template };
  for (let k = 0; k < count; k++, p += 2) {
    const name = shape === undefined ? str(p) : shape.names[k];
    const value = numbers[kinds + k] === DATA_STRING ? str(p + 1) : jsonValue(str(p + 1));
    // As in JSON.parse, "__proto__" is a member (an assignment would set the prototype).
    if (name === "__proto__")
      Object.defineProperty(data, name, { value, enumerable: true, writable: true, configurable: true });
    else data[name] = value;
  }
  return data;
}

/**
 * The `data` shapes met last, the most recent first: each its member names, in order, and an
 * object with those members (all `null`), copied to make a `data` object of that shape.
 * @type {{ names: string[], template: Record<string, null> }[]}
 */
const dataShapes = [];
/** How many shapes are kept, and the most members a kept shape has. */
const DATA_SHAPES = 8;
const SHAPE_MEMBERS = 8;

/** The kept shape of the `count` member names from the `p`th string on (every other string). */
function dataShape(count, p) {
  if (count === 0 || count > SHAPE_MEMBERS) return undefined;
  next: for (let s = 0; s < dataShapes.length; s++) {
    const shape = dataShapes[s];
    const { names } = shape;
    if (names.length !== count) continue;
    for (let k = 0; k < count; k++) if (names[k] !== str(p + 2 * k)) continue next;
    return shape;
  }
  /** @type {Record<string, null>} */
  const template = {};
  for (let k = 0; k < count; k++) {
    const name = str(p + 2 * k);
    // "__proto__" is a member to define, not to copy; the object is then made member by member.
    if (name === "__proto__") return undefined;
    template[name] = null;
  }
  // The template's own names are the engine's copies of them, quick to store by. A name that
  // reads as an array index comes first in any object, so such a shape is not kept.
  const names = Object.keys(template);
  for (let k = 0; k < count; k++) if (names[k] !== str(p + 2 * k)) return undefined;
  remember(dataShapes, DATA_SHAPES, { names, template });
  return undefined;
}

/**
 * The value of compact JSON text the module wrote: `true`, `false`, `null` and numbers read
 * without `JSON.parse`, objects and arrays seen recently copied from the value read then (a
 * client sends the same nested values, such as iOS clients' `default_payload`, at every call;
 * `JSON.parse` of one costs more than the rest of the outcome), anything else with `JSON.parse`.
 * A number's JSON text reads the same with `Number`.
 * @param {string} text
 */
function jsonValue(text) {
  const first = text.charCodeAt(0);
  if (first === 0x74) return true; // t
  if (first === 0x66) return false; // f
  if (first === 0x6e) return null; // n
  if (first === 0x2d || (first >= 0x30 && first <= 0x39)) return Number(text);
  if (text.length > NESTED_CHARS) return JSON.parse(text);
  for (let k = 0; k < nestedValues.length; k++) {
    const known = nestedValues[k];
    if (known.text === text) return copyOf(known.value);
  }
  const value = JSON.parse(text);
  remember(nestedValues, NESTED_VALUES, { text, value });
  return copyOf(value);
}

/**
 * Nested values read last, the most recent first: each its JSON text and the value `JSON.parse`
 * made of it, which no caller ever sees (each gets its own copy).
 * @type {{ text: string, value: unknown }[]}
 */
const nestedValues = [];
/** How many are kept, and the longest text kept. */
const NESTED_VALUES = 8;
const NESTED_CHARS = 2048;

/**
 * A deep copy of a value `JSON.parse` made (no cycles, no accessors, depth bounded by the
 * module's limit): each object copied by spreading it, which keeps its layout, and the same
 * members, "__proto__" included, as own data members in the same order (an assignment to a
 * member the copy has sets that member, "__proto__" too).
 * @param {unknown} value
 * @returns {unknown}
 */
function copyOf(value) {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const copy = value.slice();
    for (let i = 0; i < copy.length; i++) {
      const item = copy[i];
      if (typeof item === "object" && item !== null) copy[i] = copyOf(item);
    }
    return copy;
  }
  const copy = { ...value };
  const names = Object.keys(copy);
  for (let k = 0; k < names.length; k++) {
    const name = names[k];
    const member = copy[name];
    if (typeof member === "object" && member !== null) copy[name] = copyOf(member);
  }
  return copy;
}

/**
 * Adds the MSC3881 members to `pusher`, and answers the index of the next string. They are
 * added by `Object.assign` from whole literals, not by assignments in `outcomeOfPieces`: an
 * assignment that adds a member makes the engine's optimized code depend on the layout it leads
 * to, and when no pusher with that layout is alive at a full collection, the layout is dropped
 * and that code thrown away; `outcomeOfPieces` was then compiled again after every collection.
 * @param {Record<string, unknown>} pusher
 * @param {number} head
 * @param {number} p
 */
function addMsc3881(pusher, head, p) {
  const enabled = (head & ENABLED_TRUE) !== 0;
  if (!(head & HAS_DEVICE_ID)) Object.assign(pusher, { "org.matrix.msc3881.enabled": enabled });
  else if (!(head & HAS_ENABLED)) Object.assign(pusher, { "org.matrix.msc3881.device_id": str(p++) });
  else Object.assign(pusher, { "org.matrix.msc3881.enabled": enabled, "org.matrix.msc3881.device_id": str(p++) });
  return p;
}

/**
 * `count` warnings from the `p`th string on: each its code, path and message.
 * @param {number} p
 * @param {number} count
 */
function notes(p, count) {
  /** @type {{ code: string, path: string, message: string }[]} */
  const list = [];
  for (let k = 0; k < count; k++, p += 3) list.push({ code: str(p), path: str(p + 1), message: str(p + 2) });
  return list;
}

/**
 * The error codes of the validator and their HTTP statuses: the table of docs/rules.md section 1,
 * as `ErrorCode::http_status` in src/problem.rs has it (the package's tests check this one
 * against the table and against every code the fixtures expect).
 */
const STATUSES = { M_TOO_LARGE: 413, M_NOT_JSON: 400, M_BAD_JSON: 400, M_MISSING_PARAM: 400, M_INVALID_PARAM: 400 };

/**
 * The HTTP status to answer a rejection with: 413 for `M_TOO_LARGE`, 400 for the other error
 * codes of the validator (docs/rules.md section 1).
 *
 * @param {string} errcode an `errcode` of a rejected outcome
 * @returns {number}
 * @throws {TypeError} when `errcode` is not one of the validator's codes.
 */
export function httpStatus(errcode) {
  const status = typeof errcode === "string" && Object.hasOwn(STATUSES, errcode) ? STATUSES[errcode] : 0;
  if (status === 0)
    throw new TypeError(`matrix-pusher-validator: not an error code of the validator: ${String(errcode)}`);
  return status;
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
  return { outcome: JSON.parse(text), pusherJson: pusherTo > 0 ? text.slice(pusherFrom, pusherTo) : null };
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

/** The verdict of a rejection. */
const REJECTED_VERDICT = Object.freeze({ ok: false, action: null, append: false });
/** @type {ReadonlyArray<{ ok: boolean, action: "set" | "delete" | null, append: boolean } | undefined>} */
const VERDICTS = [
  REJECTED_VERDICT,
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
  // The module answers a number (src/wasm.rs): 0 rejected, 1 set, 2 delete, 5 set with append.
  const answer = outcomeText(input, options, VERDICT);
  const found = typeof answer === "number" ? VERDICTS[answer] : undefined;
  return found ?? REJECTED_VERDICT;
}

// How the validator writes an accepted outcome (src/model.rs): the action first, then the
// pusher, whose first members are `kind` (never holding a quote) and `app_id` (never escaped).
const SET_START = '{"ok":true,"action":"set","pusher":';
const DELETE_START = '{"ok":true,"action":"delete","pusher":';
const APP_ID_NAME = '"app_id":"';
const PUSHKEY_NAME = '","pushkey":"';

/** The content of a JSON string literal as the validator wrote it (between its quotes). */
function unquote(escaped) {
  return escaped.includes("\\") ? JSON.parse(`"${escaped}"`) : escaped;
}

/**
 * {@link check}'s answer: the verdict, the pusher's exact JSON, `appId`, `pushkey` and `append`
 * read at once from the outcome's JSON text; the rest parsed from it on first use.
 */
class Checked {
  #text;
  #outcome;

  constructor(text, outcome) {
    this.#text = text;
    this.#outcome = outcome;
    this.ok = false;
    this.action = null;
    this.append = false;
    this.pusherJson = null;
    this.appId = null;
    this.pushkey = null;
    // Made here (input that never reached wasm): always a rejection.
    if (outcome !== undefined) return;
    let pusher;
    if (text.startsWith(SET_START)) {
      this.action = "set";
      pusher = SET_START.length;
      this.pusherJson = text.slice(pusherFrom, pusherTo);
      this.append = text.startsWith(',"append":true', pusherTo);
    } else if (text.startsWith(DELETE_START)) {
      this.action = "delete";
      pusher = DELETE_START.length;
    } else {
      return;
    }
    this.ok = true;
    const appId = text.indexOf(APP_ID_NAME, pusher) + APP_ID_NAME.length;
    const appIdEnd = text.indexOf('"', appId);
    this.appId = text.slice(appId, appIdEnd);
    // The pushkey's closing quote: the first quote not escaped by an odd run of backslashes.
    const pushkey = appIdEnd + PUSHKEY_NAME.length;
    let end = text.indexOf('"', pushkey);
    for (;;) {
      let backslashes = 0;
      while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
      if (backslashes % 2 === 0) break;
      end = text.indexOf('"', end + 1);
    }
    this.pushkey = unquote(text.slice(pushkey, end));
  }

  /** The whole outcome, as {@link validate} gives it (parsed once, on first use). */
  get outcome() {
    this.#outcome ??= JSON.parse(this.#text);
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

  /**
   * One answer kept while the module lives. The engine's optimized code for `check` depends on
   * the layout of the answers, which the fields build one after another; when no answer is alive
   * at a full collection, the layout is dropped and that code thrown away, to be compiled again
   * (after every full collection, in a server between two requests). This one keeps it alive.
   */
  static kept = new Checked(undefined, REJECTED_VERDICT);
}

/**
 * Validates like {@link validate}, reading from the outcome's JSON text only what a server needs
 * at once: the verdict, the pusher's exact JSON (`pusherJson`), `appId`, `pushkey` and `append`;
 * `errcode`, `error`, `errors`, `warnings` and the whole `outcome` (as {@link validate} gives
 * it) are parsed on first use.
 *
 * @param {string | Uint8Array | ArrayBuffer | object} input
 * @param {object} [options]
 * @returns {Checked}
 */
export function check(input, options) {
  const text = outcomeText(input, options, WANT_PUSHER_RANGE);
  return typeof text === "string" ? new Checked(text, undefined) : new Checked(undefined, text);
}
