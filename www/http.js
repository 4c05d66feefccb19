// The HTTP side every mode shares: Matrix JSON answers with CORS, the bearer token, reading a
// body up to a limit and dropping one the service does not use.

import { check, httpStatus } from "matrix-pusher-validator";

/** The CORS headers of every answer: the playground and other web clients call from anywhere. */
export const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "X-Requested-With, Content-Type, Authorization",
};

/**
 * The most of a body the worker reads and drops when it answers without using it (an error, or a
 * body past the limit), so that the client reads the answer on a connection that stays open:
 * workerd resets a connection whose request body was left unread. Past this, the connection is
 * cut. Nothing dropped is kept in memory.
 */
const DISCARD_MAX_BYTES = 1_048_576;

/**
 * A JSON answer with the CORS headers.
 * @param {number} status
 * @param {unknown} body a JSON text as it is, or a value to serialize
 * @param {Record<string, string>} [headers]
 * @returns {Response}
 */
export function json(status, body, headers = {}) {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...CORS_HEADERS, ...headers },
  });
}

/**
 * A Matrix error answer: `{ errcode, error, ...extra }`.
 * @param {number} status
 * @param {string} errcode
 * @param {string} error
 * @param {Record<string, unknown>} [extra]
 * @param {Record<string, string>} [headers]
 * @returns {Response}
 */
export function matrixError(status, errcode, error, extra = {}, headers = {}) {
  return json(status, { errcode, error, ...extra }, headers);
}

/** The bearer token of the request, or null when there is none. */
export function bearerToken(request) {
  const header = request.headers.get("Authorization");
  if (header === null) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match ? match[1] : null;
}

/**
 * The request body as bytes, or null when it is longer than `max`. A declared Content-Length
 * over the limit is refused before anything is read; a chunked body is counted as it streams
 * and abandoned as soon as it passes the limit.
 */
export async function readBody(request, max) {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > max) return null;
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      // Too large: keep nothing more; drop what follows, up to DISCARD_MAX_BYTES in all.
      await drain(reader, total);
      return null;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Reads and drops a body the handler did not read (see DISCARD_MAX_BYTES); a declared
 * Content-Length past that is not read at all.
 */
export async function discardBody(request) {
  if (request.body === null || request.bodyUsed) return;
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > DISCARD_MAX_BYTES) return;
  await drain(request.body.getReader(), 0);
}

/** Reads and drops the rest of a body, until DISCARD_MAX_BYTES have gone by in all. */
async function drain(reader, alreadyRead) {
  let total = alreadyRead;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
      if (total > DISCARD_MAX_BYTES) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The client went away: nothing to keep open.
  }
}

/**
 * The 413 of a body longer than the validator's `maxBodyBytes`, in the validator's own words: it
 * is asked about a body one byte past the limit, which it refuses for its length alone.
 * @param {import("matrix-pusher-validator").Options} validator
 * @returns {Response}
 */
export function tooLarge(validator) {
  return refusal(check(new Uint8Array((validator.maxBodyBytes ?? 65_536) + 1), validator));
}

/**
 * Reads a set's body (no more than the validator's `maxBodyBytes`) and validates it: `{ checked }`
 * when the validator accepts it, else `{ response }`, the answer to give (413, or 400 with every
 * problem).
 * @param {Request} request
 * @param {import("matrix-pusher-validator").Options & { maxBodyBytes: number }} validator
 * @returns {Promise<{ checked: import("matrix-pusher-validator").Checked, response?: undefined } | { response: Response, checked?: undefined }>}
 */
export async function readChecked(request, validator) {
  let bytes;
  try {
    bytes = await readBody(request, validator.maxBodyBytes);
  } catch {
    return { response: matrixError(400, "M_NOT_JSON", "the body could not be read") };
  }
  if (bytes === null) return { response: tooLarge(validator) };
  // Only what is read is parsed: the verdict, the pusher's JSON, app_id and pushkey at once.
  const checked = check(bytes, validator);
  return checked.ok ? { checked } : { response: refusal(checked) };
}

/** The answer to a body the validator refused: its first problem, and every problem. */
export function refusal(outcome) {
  return matrixError(httpStatus(outcome.errcode), outcome.errcode, outcome.error, {
    errors: outcome.errors,
    warnings: outcome.warnings,
  });
}
