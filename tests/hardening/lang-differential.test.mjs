// Differential test of rule L (`lang`) against an independent reading of RFC 5646: the
// well-formedness ABNF of section 2.1 as a regular expression with the two MUSTs on repetition
// (sections 2.2.5 and 2.2.6), and the case conventions of section 2.1.1. Every generated tag is accepted exactly when the ABNF matches it (with `_` read
// as `-`), and its output is the tag in canonical case.
import assert from "node:assert/strict";
import { test } from "node:test";

import fc from "fast-check";
import { validate } from "matrix-pusher-validator";
import { pusher } from "../lib/pusher.mjs";

const RUNS = Number(process.env.HARDENING_RUNS ?? 4000);
const params = {
  numRuns: RUNS,
  seed: process.env.HARDENING_SEED === undefined ? undefined : Number(process.env.HARDENING_SEED),
};

const IRREGULAR = [
  "en-GB-oed",
  "i-ami",
  "i-bnn",
  "i-default",
  "i-enochian",
  "i-hak",
  "i-klingon",
  "i-lux",
  "i-mingo",
  "i-navajo",
  "i-pwn",
  "i-tao",
  "i-tay",
  "i-tsu",
  "sgn-BE-FR",
  "sgn-BE-NL",
  "sgn-CH-DE",
];
const REGULAR = [
  "art-lojban",
  "cel-gaulish",
  "no-bok",
  "no-nyn",
  "zh-guoyu",
  "zh-hakka",
  "zh-min",
  "zh-min-nan",
  "zh-xiang",
];

const alnum = "[a-z0-9]";
const LANGTAG = new RegExp(
  "^(?:" +
    "(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})" + // language (with extlang)
    "(?:-[a-z]{4})?" + // script
    "(?:-(?:[a-z]{2}|[0-9]{3}))?" + // region
    `(?:-(?:${alnum}{5,8}|[0-9]${alnum}{3}))*` + // variants
    `(?:-[0-9a-wyz](?:-${alnum}{2,8})+)*` + // extensions
    `(?:-x(?:-${alnum}{1,8})+)?` + // private use
    `|x(?:-${alnum}{1,8})+` + // private use alone
    ")$",
  "i",
);

/** RFC 5646's reading of a tag: its canonical-case form, or null when it is not well-formed. */
export function canonicalLang(input) {
  const tag = input.replaceAll("_", "-");
  const grandfathered = [...IRREGULAR, ...REGULAR].find((g) => g.toLowerCase() === tag.toLowerCase());
  if (grandfathered) return grandfathered;
  // The ABNF's extlang allows at most three; a 2-3 letter language takes extlangs only then.
  if (!LANGTAG.test(tag)) return null;
  // Sections 2.2.5 and 2.2.6: a variant MUST NOT repeat, nor a singleton (before private use).
  const subs = tag.toLowerCase().split("-");
  const beforeX = subs.indexOf("x") < 0 ? subs : subs.slice(0, subs.indexOf("x"));
  const singletons = beforeX.filter((x, i) => i > 0 && x.length === 1);
  const firstSingleton = beforeX.findIndex((x, i) => i > 0 && x.length === 1);
  const variants = (firstSingleton < 0 ? beforeX : beforeX.slice(0, firstSingleton)).filter(
    (x, i) => i > 0 && (x.length >= 5 || /^[0-9]/.test(x)) && !/^[0-9]{3}$/.test(x),
  );
  if (new Set(singletons).size !== singletons.length || new Set(variants).size !== variants.length) return null;
  let afterSingleton = false;
  return tag
    .split("-")
    .map((sub, i) => {
      if (sub.length === 1) afterSingleton = true;
      if (i === 0 || afterSingleton) return sub.toLowerCase();
      if (/^[a-z]{2}$/i.test(sub)) return sub.toUpperCase();
      if (/^[a-z]{4}$/i.test(sub)) return sub[0].toUpperCase() + sub.slice(1).toLowerCase();
      return sub.toLowerCase();
    })
    .join("-");
}

const mixCase = (s) =>
  fc
    .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
    .map((up) => [...s].map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join(""));
const alpha = (min, max) =>
  fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"), minLength: min, maxLength: max });
const digit = (min, max) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });
const alnums = (min, max) =>
  fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"), minLength: min, maxLength: max });

const wellFormed = fc
  .record({
    language: fc.oneof(
      alpha(2, 3),
      fc.tuple(alpha(2, 3), fc.array(alpha(3, 3), { minLength: 1, maxLength: 3 })).map(([l, e]) => [l, ...e].join("-")),
      alpha(4, 4),
      alpha(5, 8),
    ),
    script: fc.option(alpha(4, 4), { nil: "" }),
    region: fc.option(fc.oneof(alpha(2, 2), digit(3, 3)), { nil: "" }),
    variants: fc.array(
      fc.oneof(
        alnums(5, 8),
        fc.tuple(digit(1, 1), alnums(3, 3)).map(([a, b]) => a + b),
      ),
      { maxLength: 2 },
    ),
    extensions: fc.array(
      fc
        .tuple(
          fc.constantFrom(..."0123456789abcdefghijklmnopqrstuvwyz"),
          fc.array(alnums(2, 8), { minLength: 1, maxLength: 2 }),
        )
        .map(([s, p]) => [s, ...p].join("-")),
      { maxLength: 2 },
    ),
    privateuse: fc.option(
      fc.array(alnums(1, 8), { minLength: 1, maxLength: 2 }).map((p) => ["x", ...p].join("-")),
      { nil: "" },
    ),
  })
  .map((t) => [t.language, t.script, t.region, ...t.variants, ...t.extensions, t.privateuse].filter(Boolean).join("-"));

const anyTag = fc
  .oneof(
    { weight: 4, arbitrary: wellFormed },
    { weight: 1, arbitrary: fc.constantFrom(...IRREGULAR, ...REGULAR) },
    { weight: 1, arbitrary: fc.array(alnums(1, 9), { minLength: 1, maxLength: 5 }).map((p) => p.join("-")) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(..."abxXi09-_ "), maxLength: 12 }) },
  )
  .chain((t) => fc.tuple(mixCase(t), fc.boolean()).map(([c, under]) => (under ? c.replaceAll("-", "_") : c)));

test("the tag generator reaches both outcomes", () => {
  let ok = 0;
  let refused = 0;
  for (const tag of fc.sample(anyTag, { numRuns: 2000, seed: 5 })) {
    if (canonicalLang(tag) === null) refused += 1;
    else ok += 1;
  }
  assert.ok(ok > 500 && refused > 300, `well-formed ${ok}, malformed ${refused}`);
});

test("lang is accepted exactly when RFC 5646's ABNF matches, and comes out in canonical case", () => {
  fc.assert(
    fc.property(anyTag, (tag) => {
      const body = JSON.stringify(pusher({ lang: tag }));
      const out = validate(body);
      const want = canonicalLang(tag);
      if (want === null) {
        assert.equal(out.ok, false, `accepted ${JSON.stringify(tag)} as ${out.pusher?.lang}`);
        assert.deepEqual(
          out.errors.map((e) => [e.errcode, e.path]),
          [["M_INVALID_PARAM", "/lang"]],
        );
      } else {
        assert.ok(out.ok, `refused ${JSON.stringify(tag)} (RFC 5646: ${want})`);
        assert.equal(out.pusher.lang, want, `canonical case of ${JSON.stringify(tag)}`);
        assert.deepEqual(
          out.warnings.map((w) => [w.code, w.path]),
          want === tag ? [] : [["normalized", "/lang"]],
        );
      }
    }),
    params,
  );
});
