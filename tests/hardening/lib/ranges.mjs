// The blocked address ranges and names of docs/rules.md section 4 (rule 5), read independently of the
// Rust core, on WHATWG-serialized hostnames (`new URL(u).hostname`).

const V4 = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];
const V6 = [
  ["::", 96],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["3fff::", 20],
  ["5f00::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
];
const NAMES = ["localhost", "localhost.localdomain", "local", "internal", "home.arpa", "localdomain"];
const SUFFIXES = [".localhost", ".local", ".internal", ".home.arpa", ".localdomain"];

/** A dotted quad as a number, or null. */
export function v4ToInt(s) {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** An IPv6 address (no brackets; `::` and an embedded dotted quad allowed) as a BigInt, or null. */
export function v6ToBigInt(s) {
  let head = s;
  let tailV4 = null;
  const lastColon = s.lastIndexOf(":");
  if (s.slice(lastColon + 1).includes(".")) {
    tailV4 = v4ToInt(s.slice(lastColon + 1));
    if (tailV4 === null) return null;
    head = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const parse = (h) => (h === "" ? [] : h.split(":"));
  const left = parse(halves[0]);
  const right = halves.length === 2 ? parse(halves[1]) : [];
  const fill = 8 - left.length - right.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return null;
  const groups = [...left, ...Array(halves.length === 2 ? fill : 0).fill("0"), ...right];
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== null) n = (n & ~0xffffffffn) | BigInt(tailV4);
  return n;
}

function inV4(a, [net, len]) {
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return (a & mask) >>> 0 === (v4ToInt(net) & mask) >>> 0;
}

function inV6(a, [net, len]) {
  const mask = ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - len)) - 1n);
  return (a & mask) === (v6ToBigInt(net) & mask);
}

export function blockedV4(a) {
  return V4.some((r) => inV4(a, r));
}

export function blockedV6(a) {
  if (a >> 32n === 0xffffn) return blockedV4(Number(a & 0xffffffffn));
  return V6.some((r) => inV6(a, r));
}

/**
 * What a WHATWG hostname is: `{ ip: 4 | 6, blocked }` for an address, `{ name, blocked }` for a
 * name (blocked meaning docs/rules.md refuses it without `allowPrivateHosts`).
 */
export function classifyHostname(hostname) {
  if (hostname.startsWith("[")) {
    const a = v6ToBigInt(hostname.slice(1, -1));
    return { ip: 6, blocked: a !== null && blockedV6(a) };
  }
  const a = v4ToInt(hostname);
  if (a !== null) return { ip: 4, blocked: blockedV4(a) };
  const h = (hostname.endsWith(".") ? hostname.slice(0, -1) : hostname).toLowerCase();
  const blocked = NAMES.includes(h) || SUFFIXES.some((s) => h.endsWith(s));
  return { name: hostname, blocked };
}

// ---- allowedPrivateHosts, read independently ------------------------------------------------

/** An IPv4 address as its IPv4-mapped IPv6 form: one address for rule 5 and the list alike. */
const mapped = (v4) => (0xffffn << 32n) | BigInt(v4);

/**
 * One allowlist entry as docs/rules.md section 6 describes it: `{ name }` (lowercase, no trailing
 * dot) or `{ net, len }` over 128 bits. Only well-formed entries are given to it.
 */
export function parseEntry(entry) {
  const [addr, len] = entry.split("/");
  if (addr.includes(":")) return { net: v6ToBigInt(addr), len: len === undefined ? 128 : Number(len) };
  const v4 = v4ToInt(addr);
  if (v4 !== null) return { net: mapped(v4), len: 96 + (len === undefined ? 32 : Number(len)) };
  return { name: entry.replace(/\.$/, "").toLowerCase() };
}

/** Whether a WHATWG hostname matches an entry of the list (its name, or its address). */
export function allowedBy(hostname, entries) {
  const parsed = entries.map(parseEntry);
  let addr = null;
  if (hostname.startsWith("[")) addr = v6ToBigInt(hostname.slice(1, -1));
  else if (v4ToInt(hostname) !== null) addr = mapped(v4ToInt(hostname));
  if (addr === null) {
    const name = hostname.replace(/\.$/, "").toLowerCase();
    return parsed.some((e) => e.name === name);
  }
  return parsed.some(
    (e) => e.net !== undefined && (e.len === 0 || addr >> BigInt(128 - e.len) === e.net >> BigInt(128 - e.len)),
  );
}

/** One address in each blocked range: the first, the last and one in the middle. */
export function blockedSamplesV4() {
  const out = [];
  for (const [net, len] of V4) {
    const base = v4ToInt(net);
    const size = 2 ** (32 - len);
    for (const off of [0, Math.floor(size / 2) + 1, size - 1]) {
      const n = (base + off) >>> 0;
      out.push([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join("."));
    }
  }
  return out;
}

/** An address of 128 bits in full form (eight groups), as the URL parser reads it back. */
export function v6Text(n) {
  const groups = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(16 * i)) & 0xffffn).toString(16));
  return groups.join(":");
}

/** One address in each blocked IPv6 range: the first, the last and one in the middle. */
export function blockedSamplesV6() {
  const out = [];
  for (const [net, len] of V6) {
    const base = v6ToBigInt(net);
    const size = 1n << BigInt(128 - len);
    for (const off of [0n, size / 2n + 1n, size - 1n]) out.push(v6Text(base + off));
  }
  return out;
}

export const V4_RANGES = V4;
export const V6_RANGES = V6;
