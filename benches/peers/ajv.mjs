// Peer: JSON.parse, then ajv's validator compiled ahead of time from peers/pusher.schema.json
// (benches/work/peers/ajv-pusher.mjs, written by peers/ajv-build.mjs).
import validate from "../work/peers/ajv-pusher.mjs";

/** The whole job from the request text: parse, then check. */
export function validateText(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, errors: [{ keyword: "json" }] };
  }
  return validate(body) ? { ok: true, value: body } : { ok: false, errors: validate.errors };
}
