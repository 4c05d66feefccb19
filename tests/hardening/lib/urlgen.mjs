// fast-check generators of gateway URLs: numeric and mixed-case hosts, percent-encoding, IPv6
// forms, ports, dots, userinfo, fragments, paths and queries, plus stray characters.
import fc from "fast-check";

import { blockedSamplesV4, blockedSamplesV6, v4ToInt, v6Text, v6ToBigInt } from "./ranges.mjs";

export const NOTIFY = "/_matrix/push/v1/notify";

const mixCase = (s) =>
  fc
    .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
    .map((up) => [...s].map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join(""));

const scheme = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("https", "http").chain(mixCase) },
  { weight: 1, arbitrary: fc.constantFrom("ftp", "ws", "wss", "file", "javascript", "httpx", "h") },
);

const labelChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
const label = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: labelChar, minLength: 1, maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("xn--bcher-kva", "xn--", "-a", "a-", "0x1f", "1", "09", "a_b", "é", "ＡＢ", ""),
  },
  { weight: 1, arbitrary: fc.integer({ min: 64, max: 70 }).map((n) => "a".repeat(n)) },
);
const dnsName = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 5 }), fc.boolean())
  .map(([ls, dot]) => ls.join(".") + (dot ? "." : ""));

const octet = fc.integer({ min: 0, max: 255 });
const dottedQuad = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));
const privateQuad = fc.constantFrom(...blockedSamplesV4());
// Numbers written the ways the WHATWG IPv4 parser reads (hex, octal, short forms, one integer).
const numPart = fc
  .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom("dec", "hex", "HEX", "oct", "dec0"))
  .map(
    ([n, f]) =>
      ({
        dec: String(n),
        hex: `0x${n.toString(16)}`,
        HEX: `0X${n.toString(16).toUpperCase()}`,
        oct: `0${n.toString(8)}`,
        dec0: `0${n}`,
      })[f],
  );
const numericHost = fc.oneof(
  fc.array(numPart, { minLength: 1, maxLength: 4 }).map((p) => p.join(".")),
  fc.tuple(dottedQuad, fc.constantFrom("0x", "0", "00", "")).map(([q, pre]) =>
    q
      .split(".")
      .map((x) => pre + x)
      .join("."),
  ),
  fc.constantFrom(
    "127.1",
    "0x7f.1",
    "0177.0.0.1",
    "010.0.0.1",
    "2130706433",
    "127.0.0.1.",
    "127.0.0.01",
    "4294967296",
    "1.2.3.4.5",
    "host.0x1f",
    "host.12",
    "0x7F000001",
  ),
);

const hex16 = fc.integer({ min: 0, max: 0xffff });
const group = fc
  .tuple(hex16, fc.constantFrom("x", "X", "0x", "000"))
  .map(([n, f]) =>
    f === "X" ? n.toString(16).toUpperCase() : f === "000" ? n.toString(16).padStart(4, "0") : n.toString(16),
  );
const ipv6Body = fc.oneof(
  fc.array(group, { minLength: 8, maxLength: 8 }).map((g) => g.join(":")),
  fc
    .tuple(fc.array(group, { maxLength: 3 }), fc.array(group, { maxLength: 3 }))
    .map(([a, b]) => `${a.join(":")}::${b.join(":")}`),
  fc
    .tuple(
      fc.constantFrom("::ffff:", "::", "64:ff9b::", "::FFFF:", "0:0:0:0:0:ffff:"),
      fc.oneof(dottedQuad, privateQuad),
    )
    .map(([p, q]) => p + q),
  fc
    .tuple(
      fc.constantFrom(
        "::ffff:",
        "64:ff9b::",
        "64:ff9b:1::",
        "fe80::",
        "fec0::",
        "feff::",
        "fc00::",
        "fd12:3456::",
        "ff02::",
        "2001:db8::",
        "2001::",
        "2001:1ff::",
        "2002::",
        "3fff::",
        "3fff:fff::",
        "5f00::",
        "100::",
        "::",
      ),
      fc.array(group, { maxLength: 2 }),
    )
    .map(([p, g]) => p + g.join(":")),
  fc.constantFrom(...blockedSamplesV6()),
  fc.constantFrom(
    "::1",
    "::",
    "0:0:0:0:0:0:0:1",
    "0000::0001",
    "::ffff:7f00:1",
    "fe80::1%25eth0",
    "fe80::1%eth0",
    "1::2::3",
    ":::",
    "::ffff:127.1",
    "1:2:3:4:5:6:7:8:9",
  ),
);
const ipv6Host = ipv6Body.map((b) => `[${b}]`);

const specialName = fc
  .tuple(
    fc.constantFrom(
      "localhost",
      "LocalHost",
      "a.localhost",
      "printer.local",
      "svc.internal",
      "nas.home.arpa",
      "x.home.arpa.",
      "localhost.",
      "local",
      "internal.example",
      "localhost.example.org",
      "localdomain",
      "localhost.localdomain",
      "nas.LocalDomain.",
      "mylocaldomain",
      "localdomain.example.org",
    ),
    fc.constant(""),
  )
  .map(([h]) => h);

const percentHost = fc.tuple(dnsName, fc.nat()).map(([h, i]) => {
  const k = i % h.length;
  return `${h.slice(0, k)}%${h.charCodeAt(k).toString(16).padStart(2, "0")}${h.slice(k + 1)}`;
});

export const host = fc.oneof(
  { weight: 6, arbitrary: dnsName },
  { weight: 3, arbitrary: dottedQuad },
  { weight: 3, arbitrary: privateQuad },
  { weight: 4, arbitrary: numericHost },
  { weight: 5, arbitrary: ipv6Host },
  { weight: 2, arbitrary: specialName },
  { weight: 1, arbitrary: percentHost },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "",
      ".",
      "..",
      "a..b",
      "[::1",
      "::1]",
      "a b",
      "a\tb",
      "a%00b",
      "ｅxample.org",
      "exam\u00adple.org",
    ),
  },
);

const port = fc.oneof(
  { weight: 6, arbitrary: fc.constant("") },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 70000 }).map((n) => `:${n}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(":", ":443", ":80", ":0443", ":8448", ":0", ":65535", ":65536", ":+1", ":1a", ": 1"),
  },
);

const userinfo = fc.oneof(
  { weight: 12, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.constantFrom("u@", "u:p@", ":@", "@", "user:pa%40ss@", "a@b@") },
);

const pathChar = fc.constantFrom(
  ..."abcxyz09-._~!$&'()*+,;=:@/%2e%2F%41 \"<>`{}|^\\".split(""),
  "%2e",
  "%2E",
  "%41",
  "%7e",
  "%25",
  "..",
  ".",
  "é",
  "\t",
  "\n",
);
const path = fc.oneof(
  { weight: 8, arbitrary: fc.constant(NOTIFY) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "",
      "/",
      `${NOTIFY}/`,
      "/_matrix/push/v1/NOTIFY",
      "/_matrix/push/v1/%6eotify",
      "/_matrix/push/v1/./notify",
      "/_matrix/push/v2/../v1/notify",
      "/_matrix//push/v1/notify",
      "\\_matrix\\push\\v1\\notify",
      "/_matrix/push/v1/notify%20",
      "/_matrix/push/v1/notify;x",
      "/%2e%2e/_matrix/push/v1/notify",
      "/_matrix/push/v1/notify/.",
      "/_matrix/push/v1/notify.",
    ),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constant(NOTIFY), fc.string({ unit: pathChar, maxLength: 6 })).map(([a, b]) => a + b),
  },
  { weight: 2, arbitrary: fc.string({ unit: pathChar, maxLength: 12 }).map((s) => `/${s}`) },
);

const queryChar = fc.constantFrom(..."abc=&%20+/?:@'\"<>`{}|^\\[] #".split(""), "%41", "%zz", "é", "\u0000");
const query = fc.oneof(
  { weight: 6, arbitrary: fc.constant("") },
  { weight: 3, arbitrary: fc.constantFrom("?", "?x=1", "?token=abc&gw=fcm", "?a=%2F", "??", "?a=b;c") },
  { weight: 2, arbitrary: fc.string({ unit: queryChar, maxLength: 10 }).map((s) => `?${s}`) },
);

const fragment = fc.oneof(
  { weight: 12, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.constantFrom("#", "#x", "#/_matrix") },
);

const sep = fc.oneof(
  { weight: 20, arbitrary: fc.constant("://") },
  { weight: 1, arbitrary: fc.constantFrom(":/", ":", ":///", ":\\\\", "://\t", ": //") },
);

// Noise at either end (WHATWG strips C0 and space there, and removes tabs and newlines anywhere).
const edge = fc.oneof(
  { weight: 20, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.constantFrom(" ", "\t", "\n", "\u0000", "\u001f", "\u00a0", "\ufeff") },
);

/** A gateway URL, as the pieces and the whole. */
export const gatewayUrl = fc
  .record({ lead: edge, scheme, sep, userinfo, host, port, path, query, fragment, trail: edge })
  .map((p) => p.lead + p.scheme + p.sep + p.userinfo + p.host + p.port + p.path + p.query + p.fragment + p.trail);

/** Options that touch the URL rules, in every combination. */
export const urlOptions = fc.record({
  allowHttp: fc.boolean(),
  allowPrivateHosts: fc.boolean(),
  allowAnyPath: fc.boolean(),
});

// Every way to write one blocked IPv4 address that a WHATWG parser reads back as that address.
const v4Spellings = (q) => {
  const [a, b, c, d] = q.split(".").map(Number);
  const n = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
  const hx = (x) => `0x${x.toString(16)}`;
  const oc = (x) => `0${x.toString(8)}`;
  return [
    q,
    `${q}.`,
    String(n),
    hx(n),
    oc(n),
    `${a}.${(b << 16) + (c << 8) + d}`,
    `${a}.${b}.${(c << 8) + d}`,
    [a, b, c, d].map(hx).join("."),
    [a, b, c, d].map(oc).join("."),
    `${hx(a)}.${b}.${c}.${d}`,
    `[::ffff:${q}]`,
    `[::FFFF:${((a << 8) + b).toString(16)}:${((c << 8) + d).toString(16)}]`,
    `[0:0:0:0:0:ffff:${q}]`,
    `[::ffff:0:${q}]`,
    `[64:ff9b::${q}]`,
    // The transition forms rule 5 refuses whole since revision 2.
    `[::${q}]`,
    `[64:ff9b:1::${q}]`,
    `[2002:${((a << 8) + b).toString(16)}:${((c << 8) + d).toString(16)}::1]`,
  ];
};
const v6Blocked = fc.oneof(
  fc.constantFrom("[::]", "[::1]", "[0:0:0:0:0:0:0:1]", "[0000:0000::0001]", "[::0.0.0.1]"),
  fc.constantFrom(...blockedSamplesV6().map((a) => `[${a}]`)),
  fc
    .tuple(fc.constantFrom("64:ff9b", "100", "2001:db8", "fc", "fd", "fe8", "feb", "ff", "FF"), hex16, hex16)
    .map(([p, x, y]) => {
      const h = (n) => n.toString(16);
      if (p.includes(":") || p === "100") return `[${p}::${h(x)}:${h(y)}]`.replace("2001:db8::", `2001:db8:${h(x)}::`);
      const nibbles = 4 - p.length;
      return `[${p}${h(x).padStart(4, "0").slice(0, nibbles)}::${h(y)}]`;
    }),
);

/** A gateway URL whose host is a blocked address in one of its spellings. */
export const blockedUrl = fc
  .tuple(
    fc.constantFrom("https", "http", "HTTPS"),
    fc.oneof(
      privateQuad.chain((q) => fc.constantFrom(...v4Spellings(q))),
      v6Blocked,
      specialName,
    ),
    port,
    fc.constantFrom(NOTIFY, "/x", ""),
  )
  .map(([s, h, p, pa]) => `${s}://${h}${p}${pa}`);

// ---- URLs valid by docs/rules.md section 4 by construction (for the other direction) --------------

const ldhChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
const ldhLabel = fc
  .tuple(ldhChar, fc.string({ unit: fc.oneof(ldhChar, fc.constant("-")), maxLength: 61 }), ldhChar)
  .map(([a, mid, b]) => (mid.length % 7 === 0 ? a : a + mid + b))
  .filter((l) => !/^xn--/i.test(l) && l.length <= 63);
// The last label must not read as a number in any of the WHATWG IPv4 parser's forms.
const lastLabel = ldhLabel.filter((l) => !/^(0x[0-9a-f]*|[0-9]+)$/i.test(l));
const validName = fc
  .tuple(fc.array(ldhLabel, { maxLength: 3 }), lastLabel, fc.boolean())
  .map(([ls, last, dot]) => [...ls, last].join(".") + (dot ? "." : ""))
  .filter((h) => h.replace(/\.$/, "").length <= 253);
const publicQuad = dottedQuad;
const validV6 = fc
  .array(hex16, { minLength: 8, maxLength: 8 })
  .chain((g) =>
    fc.constantFrom(
      g.map((x) => x.toString(16)).join(":"),
      g.map((x) => x.toString(16).toUpperCase().padStart(4, "0")).join(":"),
      `${g
        .slice(0, 6)
        .map((x) => x.toString(16))
        .join(":")}:${[g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255].join(".")}`,
    ),
  )
  .map((b) => `[${b}]`);
const validPort = fc.oneof(
  { weight: 3, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 65535 }).map((n) => `:${n}`) },
);
// Printable ASCII the WHATWG parser keeps as it is in a query of a special URL.
// (Not `\`: the README's reading refuses it anywhere.)
const keptQueryChar = fc.oneof(
  fc.constantFrom(
    ..."!$%&()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~".split(""),
  ),
  fc.constantFrom("%41", "%2F", "%e9", "%zz"),
);
const validQuery = fc.oneof(
  { weight: 2, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.string({ unit: keptQueryChar, maxLength: 30 }).map((q) => `?${q}`) },
);

/** A gateway URL docs/rules.md section 4 accepts (given `options`), with the options it needs. */
export const validUrl = fc
  .record({
    http: fc.boolean(),
    scheme: fc.boolean(),
    host: fc.oneof(validName, publicQuad, validV6),
    port: validPort,
    query: validQuery,
  })
  .chain(({ http, host, port, query }) =>
    mixCase(http ? "http" : "https").map((scheme) => ({
      url: `${scheme}://${host}${port}${NOTIFY}${query}`,
      options: { allowHttp: http, allowPrivateHosts: true, allowAnyPath: false },
    })),
  );

// ---- allowedPrivateHosts ----------------------------------------------------------------------

const publicNames = ["push.example.org", "ntfy.sh", "gateway.example.net"];
const privateNames = [
  "ntfy.home.arpa",
  "localhost",
  "nas.localdomain",
  "gw.internal",
  "printer.local",
  "localhost.localdomain",
];

/** An address of 128 bits with the bits past `len` cleared. */
const masked = (n, len) => (len === 0 ? 0n : (n >> BigInt(128 - len)) << BigInt(128 - len));

/** Allowlist entries about `host` (a URL host: a name, a dotted quad or `[v6]`): some match it. */
function entriesAbout(host) {
  if (host.startsWith("[")) {
    const a = v6ToBigInt(host.slice(1, -1));
    return fc.oneof(
      fc.constant(v6Text(a)),
      fc.integer({ min: 0, max: 128 }).map((len) => `${v6Text(masked(a, len))}/${len}`),
      fc.constant(v6Text((a + 1n) & ((1n << 128n) - 1n))),
      fc.integer({ min: 96, max: 128 }).map((len) => `${v6Text(masked(a ^ (1n << 100n), len))}/${len}`),
    );
  }
  const v4 = v4ToInt(host);
  if (v4 !== null) {
    const quad = (n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
    const mask = (len) => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);
    return fc.oneof(
      fc.constant(host),
      fc.integer({ min: 0, max: 32 }).map((len) => `${quad((v4 & mask(len)) >>> 0)}/${len}`),
      fc.integer({ min: 0, max: 32 }).map((len) => `::ffff:${quad((v4 & mask(len)) >>> 0)}/${96 + len}`),
      fc.constant(quad((v4 + 1) >>> 0)),
      fc.integer({ min: 8, max: 32 }).map((len) => `${quad(((v4 ^ 0x00800000) & mask(len)) >>> 0)}/${len}`),
    );
  }
  const bare = host.replace(/\.$/, "");
  return fc.constantFrom(
    bare,
    bare.toUpperCase(),
    `${bare}.`,
    `x.${bare}`,
    bare.split(".").slice(1).join(".") || "other.example",
    ...privateNames,
  );
}

/**
 * A URL that passes every rule but perhaps rule 5, and a well-formed allowlist about its host:
 * `{ url, entries }`.
 */
export const allowlistCase = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom(...blockedSamplesV4()) },
    { weight: 1, arbitrary: dottedQuad },
    { weight: 3, arbitrary: fc.constantFrom(...blockedSamplesV6().map((a) => `[${a}]`)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "[::ffff:192.168.1.5]",
        "[::ffff:8.8.8.8]",
        "[2606:4700:4700::1111]",
        "[::192.168.1.5]",
        "[2002:c0a8:105::1]",
      ),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...privateNames, ...privateNames.map((n) => `${n.toUpperCase()}.`), ...publicNames),
    },
  )
  .chain((host) =>
    fc.array(entriesAbout(host), { maxLength: 4 }).map((entries) => ({ url: `https://${host}${NOTIFY}`, entries })),
  );

/** A blocked IPv4 address in a numeric spelling rule 4 refuses, and an entry naming it. */
export const trickWithAllowlist = privateQuad.chain((q) => {
  const [a, b, c, d] = q.split(".").map(Number);
  const n = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
  return fc
    .constantFrom(
      `${q}.`,
      String(n),
      `0x${n.toString(16)}`,
      `0${n.toString(8)}`,
      `${a}.${(b << 16) + (c << 8) + d}`,
      [a, b, c, d].map((x) => `0x${x.toString(16)}`).join("."),
    )
    .map((spelling) => ({
      url: `https://${spelling}${NOTIFY}`,
      entries: [q, `${q.split(".").slice(0, 3).join(".")}.0/24`],
    }));
});
