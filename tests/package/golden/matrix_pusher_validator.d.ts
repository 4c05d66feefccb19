/* tslint:disable */
/* eslint-disable */

/**
 * Makes the module's input buffer at least `len` bytes long, keeping the bytes it holds, and
 * returns where it starts in wasm memory: the caller writes a body there (its bytes, or a string
 * encoded straight into it) and then asks [`validate_input`] or [`verdict_input`] about its
 * first bytes. The buffer stays where it is until it grows, so the caller asks for it only when
 * a body needs more room, and a body costs no allocation and no copy besides its writing.
 */
export function inputBuffer(len: number): number;

/**
 * `maxBodyBytes` of the options held (saturated to `u32`): the caller copies no more than one
 * byte past it into wasm memory.
 */
export function maxBodyBytes(): number;

/**
 * Validates the body in the input buffer, its first `len` bytes, as [`validate_input`] does,
 * and answers the outcome as pieces ([`Pieces`]): where their numbers are in wasm memory (a
 * byte address, 4-aligned; they say where the text is), valid until the next validation.
 */
export function piecesInput(len: number): number;

/**
 * Makes the validations that follow use the options of `slot`, as [`set_options`] last read
 * them there (0: the defaults). A slot never filled means the defaults.
 */
export function selectOptions(slot: number): void;

/**
 * Reads options from their JSON text, the first `len` bytes of the input buffer
 * ([`input_buffer`]), into `slot` (1 to `OPTION_SLOTS`; 1 also empties the others), and makes
 * the validations that follow use them. Returns 0, or, for refused options, where the numbers
 * about why are ([`answer`]: a sentence that names the option); refused options change
 * nothing.
 */
export function setOptions(len: number, slot: number): number;

/**
 * Validates the body in the input buffer ([`input_buffer`]), its first `len` bytes, and returns
 * the outcome as compact JSON. The options are those in use ([`set_options`]).
 *
 * A body written from a JavaScript string must have no lone surrogate: the encoder would
 * replace it with U+FFFD, and such a body is refused as not UTF-8 instead.
 * Answers where the numbers about that text are ([`answer`]).
 */
export function validateInput(len: number, flags: number): number;

/**
 * The verdict alone of the body in the input buffer, with no outcome written: 0 rejected,
 * 1 set, 2 delete, 5 a set with `append: true`.
 */
export function verdictInput(len: number): number;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly inputBuffer: (a: number) => number;
    readonly maxBodyBytes: () => number;
    readonly piecesInput: (a: number) => number;
    readonly selectOptions: (a: number) => void;
    readonly setOptions: (a: number, b: number) => number;
    readonly validateInput: (a: number, b: number) => number;
    readonly verdictInput: (a: number) => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
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
