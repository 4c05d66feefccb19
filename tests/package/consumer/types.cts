// The CommonJS consumer: require() of the package, type-checked like the ES module one.

import mpv = require("matrix-pusher-validator");

const outcome = mpv.validate(new Uint8Array(), { allowPrivateHosts: true });
if (!outcome.ok) {
  const code: "M_TOO_LARGE" | "M_NOT_JSON" | "M_BAD_JSON" | "M_MISSING_PARAM" | "M_INVALID_PARAM" = outcome.errcode;
  void code;
}
void mpv.init();
// @ts-expect-error unknown option
mpv.validate("{}", { maxDepht: 3 });
