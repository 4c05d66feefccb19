// A KV namespace seen through a counter: every call goes to `kv` as it is, and `counts` holds the
// calls of each kind (`get`, `put`, `delete`, `list`; `getWithMetadata` counts as `get`, a bulk
// read as one read per key, as KV bills it). For the store module used directly, with a clock the
// caller moves, where the worker's KV wrapper (kv-wrapper.js) is not in the way.

/**
 * @template {object} T
 * @param {T} kv
 * @returns {{ kv: T, counts: Record<string, number> }}
 */
export function countingKv(kv) {
  /** @type {Record<string, number>} */
  const counts = {};
  const counted = new Proxy(kv, {
    get(target, name) {
      const value = Reflect.get(target, name);
      if (typeof value !== "function") return value;
      return (...args) => {
        const op = name === "getWithMetadata" ? "get" : String(name);
        counts[op] = (counts[op] ?? 0) + (Array.isArray(args[0]) ? args[0].length : 1);
        return value.apply(target, args);
      };
    },
  });
  return { kv: counted, counts };
}
