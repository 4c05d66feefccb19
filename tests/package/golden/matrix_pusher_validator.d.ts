/* tslint:disable */
/* eslint-disable */

/**
 * The HTTP status of a Matrix error code of the validator (`M_TOO_LARGE` 413, the others 400),
 * or 0 for a name that is none of them: the one mapping, [`ErrorCode::http_status`].
 */
export function httpStatus(errcode: string): number;

/**
 * `maxBodyBytes` of the options held (saturated to `u32`): the caller copies no more than one
 * byte past it into wasm memory.
 */
export function maxBodyBytes(): number;

/**
 * Where the numbers of the last outcome answered as pieces are in wasm memory (a byte address,
 * 4-aligned): valid until the next validation.
 */
export function piecesNumbers(): number;

/**
 * The end (exclusive) of the pusher in the text last returned by `validateBytes` or
 * `validateString`, in UTF-16 code units.
 */
export function pusherEnd(): number;

/**
 * The start of the pusher in the text last returned by `validateBytes` or `validateString`,
 * in UTF-16 code units.
 */
export function pusherStart(): number;

/**
 * Reads options from their JSON text (`""` for the defaults) and holds them for the
 * validations that follow. Returns `""`, or why they are refused (a sentence that names the
 * option); refused options leave the options held as they were.
 */
export function setOptions(options: string): string;

/**
 * Validates a body given as bytes (a `Uint8Array` copied once into wasm memory) and returns the
 * outcome as compact JSON.
 *
 * The options are those held ([`set_options`]).
 */
export function validateBytes(body: Uint8Array | number[], flags: number): string;

/**
 * Validates a body given as a JavaScript string (encoded as UTF-8 straight into wasm memory).
 *
 * The caller must have checked that the string has no lone surrogate: the encoder would
 * replace it with U+FFFD, and such a body is refused as not UTF-8 instead.
 */
export function validateString(body: string, flags: number): string;

/**
 * The verdict alone of a body given as bytes, with no outcome written: 0 rejected, 1 set,
 * 2 delete, 5 a set with `append: true`.
 */
export function verdictBytes(body: Uint8Array | number[]): number;

/**
 * The verdict alone of a body given as a JavaScript string (see `validateString`).
 */
export function verdictString(body: string): number;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly httpStatus: (a: number, b: number) => number;
    readonly maxBodyBytes: () => number;
    readonly piecesNumbers: () => number;
    readonly pusherEnd: () => number;
    readonly pusherStart: () => number;
    readonly setOptions: (a: number, b: number) => [number, number];
    readonly validateBytes: (a: number, b: number, c: number) => [number, number];
    readonly validateString: (a: number, b: number, c: number) => [number, number];
    readonly verdictBytes: (a: number, b: number) => number;
    readonly verdictString: (a: number, b: number) => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
