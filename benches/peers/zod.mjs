// Peer: JSON.parse, then a zod 4 schema of the spec's pusher (the checks of
// peers/pusher.schema.json), jitless: Workers forbid generating code at request time.
import * as z from "zod";
import { GATEWAY_URL } from "./url-pattern.mjs";

z.config({ jitless: true });

const identity = { app_id: z.string().min(1).max(64), pushkey: z.string().min(1).max(512) };
const set = {
  ...identity,
  app_display_name: z.string(),
  device_display_name: z.string(),
  profile_tag: z.string().max(32).optional(),
  lang: z.string(),
  append: z.boolean().optional(),
};
const url = z.string().regex(GATEWAY_URL);
const format = z.string().optional();

const pusher = z.discriminatedUnion("kind", [
  z.object({ kind: z.null(), ...identity }),
  z.object({ kind: z.literal("http"), ...set, data: z.looseObject({ url, format }) }),
  z.object({ kind: z.literal("email"), ...set, data: z.looseObject({ url: url.optional(), format }) }),
]);

/** The whole job from the request text: parse, then check. */
export function validateText(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, errors: [{ code: "json" }] };
  }
  const result = pusher.safeParse(body);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: result.error.issues };
}
