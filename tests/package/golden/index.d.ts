// Types of matrix-pusher-validator: one set for every host (Node, browsers, Workers).

/** A JSON value as `JSON.parse` returns it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [member: string]: JsonValue };

/**
 * A `POST /pushers/set` body: its text, its UTF-8 bytes, or the parsed object. An object is
 * validated as its `JSON.stringify` form; one that has none faithfully (a cycle, a BigInt, a
 * non-finite number, a function, a `Map` or any other non-plain object) is rejected with
 * `M_BAD_JSON` at `""`. Invalid input never throws.
 */
export type Input = string | Uint8Array | ArrayBuffer | object;

/**
 * The kind of a pusher, as a set request names it. `"org.matrix.msc4174.webpush"` is the
 * unstable spelling of `"webpush"`: the same kind, kept as sent (docs/rules.md section 2).
 */
export type PusherKind = "http" | "email" | "webpush" | "org.matrix.msc4174.webpush";

/** A kind the `kinds` option names; `"webpush"` allows both spellings of Web Push. */
export type OptionKind = "http" | "email" | "webpush";

/**
 * Options of docs/rules.md section 6, read by the validator's core. An unknown name or a value
 * an option does not take throws a `TypeError` whose message names the option
 * (`options.allowedPrivateHosts: "*.lan" is not ...`); nothing falls back to a default.
 */
export interface Options {
  /** Which kinds a set request may use. Default `["http", "email"]`: Web Push is opt-in. */
  kinds?: readonly OptionKind[];
  /** Accept `http://` gateway URLs (test setups). Default `false`. */
  allowHttp?: boolean;
  /** Accept loopback and private gateway hosts (test setups). Default `false`. */
  allowPrivateHosts?: boolean;
  /**
   * The operator's own private gateways, accepted although docs/rules.md section 4 rule 5
   * refuses their host (and only that rule is lifted): host names, matched whole and in any
   * case, one trailing dot ignored, no wildcards (`"ntfy.home.arpa"`); IPv4 and IPv6 addresses
   * and CIDR ranges (`"192.168.1.20"`, `"192.168.1.0/24"`, `"fd12:3456::/48"`). An IPv4 entry
   * also matches the IPv4-mapped form `[::ffff:a.b.c.d]`, never other embeddings (6to4, NAT64,
   * `[::a.b.c.d]`). Numeric shorthands (`127.1`) stay refused. Default `[]`.
   */
  allowedPrivateHosts?: readonly string[];
  /** Accept a gateway path other than `/_matrix/push/v1/notify`. Default `false`. */
  allowAnyPath?: boolean;
  /** Larger bodies get `M_TOO_LARGE`. Default 65536. */
  maxBodyBytes?: number;
  /** Deeper nesting gets `M_BAD_JSON`; the body object is depth 1. Default 16. */
  maxDepth?: number;
  /** A larger `data` (serialized compactly, in bytes) gets `M_INVALID_PARAM`. Default 4096. */
  maxDataBytes?: number;
  /** Longer display names (in characters) get `M_INVALID_PARAM`. Default 256. */
  maxDisplayNameChars?: number;
  /** Longer gateway URLs (in characters) get `M_INVALID_PARAM`. Default 2048. */
  maxUrlChars?: number;
}

/** A Matrix error code. */
export type ErrorCode = "M_TOO_LARGE" | "M_NOT_JSON" | "M_BAD_JSON" | "M_MISSING_PARAM" | "M_INVALID_PARAM";

/** The kind of a warning. */
export type WarningCode = "normalized" | "ignored" | "legacy" | "unusual";

/** One reason a request is rejected. */
export interface Problem {
  errcode: ErrorCode;
  /** An RFC 6901 JSON Pointer to the offending member (`""` for the whole body). */
  path: string;
  /** A short lowercase English sentence, without the member's name. */
  message: string;
}

/** Something accepted but worth telling the client about. */
export interface Warning {
  code: WarningCode;
  /** An RFC 6901 JSON Pointer to the member concerned. */
  path: string;
  message: string;
}

/** The `data` of a pusher: every member the client sent, in its order, `url` normalized. */
export interface PusherData {
  /** The gateway URL (always there for an `http` pusher). */
  url?: string;
  /** The push format; `"event_id_only"` is the one spec value. */
  format?: string;
  [member: string]: JsonValue | undefined;
}

/** The MSC3881 members of a pusher (docs/rules.md section 3, rule M), after `data`. */
interface Msc3881Fields {
  /** `false` for a pusher switched off without being deleted; absent when not sent (or `null`). */
  "org.matrix.msc3881.enabled"?: boolean;
  /** The device the pusher belongs to, 1 to 255 characters; absent when not sent (or `null`). */
  "org.matrix.msc3881.device_id"?: string;
}

interface PusherFields extends Msc3881Fields {
  /** Reverse-DNS identifier of the application: 1 to 64 of `[A-Za-z0-9._-]`. */
  app_id: string;
  /** The routing address, at most 512 bytes of UTF-8, kept byte for byte. */
  pushkey: string;
  app_display_name: string;
  device_display_name: string;
  /** At most 32 characters; absent when the client sent none (or `null`). */
  profile_tag?: string;
  /** A BCP 47 tag in canonical case (`en-US`). */
  lang: string;
}

/** A pusher that sends through a push gateway. */
export interface HttpPusher extends PusherFields {
  kind: "http";
  data: PusherData & { url: string };
}

/** A pusher that sends e-mail to the address in `pushkey`. */
export interface EmailPusher extends PusherFields {
  kind: "email";
  data: PusherData;
}

/**
 * A Web Push pusher (MSC4174): `pushkey` is the browser's P-256 public key (87 characters of
 * unpadded URL-safe Base64, an uncompressed point on the curve), `data.url` the push service's
 * URL (any path) and `data.auth` the 16-byte auth secret (22 characters).
 */
export interface WebPushPusher extends PusherFields {
  kind: "webpush" | "org.matrix.msc4174.webpush";
  data: PusherData & { url: string; auth: string };
}

/** A valid, normalized pusher: what a homeserver stores. */
export type Pusher = HttpPusher | EmailPusher | WebPushPusher;

/** Create or replace `pusher`. */
export interface SetOutcome {
  ok: true;
  action: "set";
  pusher: Pusher;
  /** Whether other users' pushers with the same `app_id` and `pushkey` are kept. */
  append: boolean;
  warnings: Warning[];
}

/** Delete the pusher with this `app_id` and `pushkey`. */
export interface DeleteOutcome {
  ok: true;
  action: "delete";
  pusher: { kind: null; app_id: string; pushkey: string };
  warnings: Warning[];
}

/** The request is refused: `errcode` and `error` are those of the first problem. */
export interface Rejection {
  ok: false;
  errcode: ErrorCode;
  error: string;
  /** Every problem, in document order; never empty. */
  errors: [Problem, ...Problem[]];
  warnings: Warning[];
}

/** The result of validating one request (docs/rules.md section 5). */
export type Outcome = SetOutcome | DeleteOutcome | Rejection;

/** An outcome and, for a set, the exact JSON of its pusher. */
export interface OutcomeWithJson {
  outcome: Outcome;
  /**
   * The compact JSON of `outcome.pusher` exactly as the validator wrote it (numbers in `data`
   * as sent), to store without serializing again: a string when `outcome.action` is `"set"`,
   * `null` otherwise.
   */
  pusherJson: string | null;
}

/**
 * Validates and normalizes one `POST /pushers/set` body. Never throws for invalid input.
 * @throws {TypeError} when an option is unknown or has a value it does not take (the message
 *   names the option).
 */
export function validate(input: Input, options?: Options): Outcome;

/** {@link validate}, and the exact JSON of the pusher of a set. */
export function validateWithJson(input: Input, options?: Options): OutcomeWithJson;

/**
 * The HTTP status to answer a rejection with: 413 for `M_TOO_LARGE`, 400 for the other codes
 * (docs/rules.md section 1). Throws a `TypeError` for a name that is not one of them.
 */
export function httpStatus(errcode: ErrorCode): 400 | 413;

/** The verdict alone, as {@link verdict} gives it (a frozen object). */
export interface Verdict {
  ok: boolean;
  /** `"set"` or `"delete"` when accepted, `null` when rejected. */
  action: "set" | "delete" | null;
  /** A set's `append`; `false` otherwise. */
  append: boolean;
}

/**
 * The same validation as {@link validate}, answering only the verdict: no outcome is written or
 * parsed. Never throws for invalid input.
 * @throws {TypeError} when an option is unknown or has the wrong type.
 */
export function verdict(input: Input, options?: Options): Verdict;

/**
 * What a server reads of one outcome, {@link check}'s answer: the verdict and, when accepted, the
 * pusher's exact JSON, `appId` and `pushkey` at once; the rest is parsed from the outcome's JSON
 * text on first use.
 */
export interface Checked {
  readonly ok: boolean;
  readonly action: "set" | "delete" | null;
  /** A set's `append`; `false` otherwise. */
  readonly append: boolean;
  /** The compact JSON of the pusher of a set, as {@link validateWithJson} gives it; `null` otherwise. */
  readonly pusherJson: string | null;
  /** The `app_id` of a set or delete; `null` when rejected. */
  readonly appId: string | null;
  /** The `pushkey` of a set or delete; `null` when rejected. */
  readonly pushkey: string | null;
  /** The first problem's code and message when rejected; `null` when accepted. */
  readonly errcode: ErrorCode | null;
  readonly error: string | null;
  /** Every problem (empty when accepted). */
  readonly errors: Problem[];
  readonly warnings: Warning[];
  /** The whole outcome, as {@link validate} gives it. */
  readonly outcome: Outcome;
  /** The outcome's compact JSON text, as the validator wrote it. */
  readonly text: string;
}

/**
 * Validates like {@link validate}, paying only for what is read: see {@link Checked}.
 * @throws {TypeError} when an option is unknown or has the wrong type.
 */
export function check(input: Input, options?: Options): Checked;

/**
 * Where to load the WebAssembly module from: a URL (string or `URL`), a `Response` or a promise
 * of one, the bytes, or a compiled `WebAssembly.Module`.
 */
export type InitInput = string | ArrayBuffer | ArrayBufferView | PromiseLike<unknown> | object;

/**
 * Loads the WebAssembly module once; later calls return the same promise. Needed once before
 * `validate` in browsers (without an argument it fetches the `.wasm` next to the module, also
 * reachable as `matrix-pusher-validator/wasm`); a resolved no-op in Node and Workers.
 */
declare function init(wasm?: InitInput): Promise<void>;

/** Instantiates the module synchronously from its bytes or a compiled module; a no-op once ready. */
export function initSync(wasm: ArrayBuffer | ArrayBufferView | object): void;

export { init };
export default init;
