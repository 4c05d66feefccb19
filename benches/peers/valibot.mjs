// Peer: JSON.parse, then a valibot schema of the spec's pusher (the checks of
// peers/pusher.schema.json). Every issue is collected (valibot's default), as we do.
import * as v from "valibot";
import { GATEWAY_URL } from "./url-pattern.mjs";

const identity = {
  app_id: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  pushkey: v.pipe(v.string(), v.minLength(1), v.maxLength(512)),
};
const set = {
  ...identity,
  app_display_name: v.string(),
  device_display_name: v.string(),
  profile_tag: v.optional(v.pipe(v.string(), v.maxLength(32))),
  lang: v.string(),
  append: v.optional(v.boolean()),
};
const url = v.pipe(v.string(), v.regex(GATEWAY_URL));
const format = v.optional(v.string());

const pusher = v.variant("kind", [
  v.object({ kind: v.null(), ...identity }),
  v.object({ kind: v.literal("http"), ...set, data: v.looseObject({ url, format }) }),
  v.object({ kind: v.literal("email"), ...set, data: v.looseObject({ url: v.optional(url), format }) }),
]);

/** The whole job from the request text: parse, then check. */
export function validateText(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, errors: [{ type: "json" }] };
  }
  const result = v.safeParse(pusher, body);
  return result.success ? { ok: true, value: result.output } : { ok: false, errors: result.issues };
}
