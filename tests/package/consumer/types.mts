// Type-checked with `tsc --noEmit` against the built package (resolved by name through its
// exports map). Each `@ts-expect-error` line must stay an error, so a looser .d.ts fails too.

import init, {
  initSync,
  validate,
  validateWithJson,
  type ErrorCode,
  type Input,
  type Options,
  type Outcome,
  type Problem,
  type Pusher,
  type Warning,
  type WarningCode,
} from "matrix-pusher-validator";

await init();
initSync(new Uint8Array());

const options: Options = { allowHttp: true, kinds: ["http"], maxBodyBytes: 1024 };
const inputs: Input[] = ["{}", new Uint8Array(), new ArrayBuffer(0), { kind: "http" }];
const outcome: Outcome = validate(inputs[0], options);

function describe(o: Outcome): string {
  if (!o.ok) {
    const first: Problem = o.errors[0];
    const code: ErrorCode = o.errcode;
    return `${code} ${first.path} ${o.error}`;
  }
  if (o.action === "delete") {
    const kind: null = o.pusher.kind;
    return `${kind} ${o.pusher.app_id} ${o.pusher.pushkey}`;
  }
  const pusher: Pusher = o.pusher;
  const append: boolean = o.append;
  if (pusher.kind === "http") {
    const url: string = pusher.data.url;
    return `${url} ${append}`;
  }
  // @ts-expect-error an e-mail pusher's data.url may be absent
  const url: string = pusher.data.url;
  return `${pusher.pushkey} ${url}`;
}
describe(outcome);

const warnings: Warning[] = outcome.warnings;
const codes: WarningCode[] = warnings.map((w) => w.code);
codes.includes("normalized");

const { outcome: stored, pusherJson } = validateWithJson({ kind: null }, {});
if (pusherJson !== null) {
  const text: string = pusherJson;
  void text;
}
// @ts-expect-error pusherJson may be null
const notNull: string = pusherJson;
void notNull;
void stored;

if (outcome.ok) {
  // @ts-expect-error an accepted outcome has no errors
  outcome.errors;
} else {
  // @ts-expect-error a rejection has no pusher
  outcome.pusher;
}

// @ts-expect-error unknown option
validate("{}", { allowHTTP: true });
// @ts-expect-error kinds outside http and email
validate("{}", { kinds: ["sms"] });
// @ts-expect-error a boolean option given as a string
validate("{}", { allowHttp: "yes" });
// @ts-expect-error a number is not an input
validate(5);
// @ts-expect-error not an error code
const wrong: ErrorCode = "M_UNKNOWN";
void wrong;

// Revision 2: Web Push, MSC3881, the allowlist.
const webPush: Options = { kinds: ["http", "webpush"], allowedPrivateHosts: ["ntfy.home.arpa", "192.168.1.0/24"] };
// @ts-expect-error the kinds option names Web Push by its stable name only
const unstable: Options = { kinds: ["org.matrix.msc4174.webpush"] };
// @ts-expect-error the allowlist is a list, not one string
const oneString: Options = { allowedPrivateHosts: "ntfy.home.arpa" };
void unstable;
void oneString;
const set = validate(inputs[0], webPush);
if (set.ok && set.action === "set") {
  const p: Pusher = set.pusher;
  const enabled: boolean | undefined = p["org.matrix.msc3881.enabled"];
  const device: string | undefined = p["org.matrix.msc3881.device_id"];
  void enabled;
  void device;
  if (p.kind === "webpush" || p.kind === "org.matrix.msc4174.webpush") {
    const auth: string = p.data.auth;
    const url: string = p.data.url;
    void auth;
    void url;
  }
}
