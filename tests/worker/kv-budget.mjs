// The KV operations each request type may make: the one table the store tests hold the worker
// to (exactly), that benches/kv-ops.mjs prices, and that www/README.md shows (a test checks that
// the README's table says the same). Counts are per request, with the token already cached
// (its first use adds one read, `token_first_use`).
//
// "Within the window": the join marker is at most PROPAGATION_MS (www/store.js) older than the
// holder's last sweep, or newer; see www/README.md.

export const KV_BUDGET = {
  new: {
    what: "set, a pusher new to the caller, `append: false`, nobody else holds it",
    get: 2,
    list: 2,
    put: 2,
    delete: 0,
  },
  replacement: { what: "set, the caller's pusher changed, `append: false`", get: 2, list: 0, put: 1, delete: 0 },
  unchanged: { what: "set, the same pusher again (any spelling), `append: false`", get: 2, list: 0, put: 0, delete: 0 },
  displacing: {
    what: "set, a pusher new to the caller, `append: false`, one other user holds it",
    get: 3,
    list: 2,
    put: 3,
    delete: 2,
  },
  new_append_true: {
    what: "set, a pusher new to the caller, `append: true` (writes the join marker)",
    get: 1,
    list: 1,
    put: 3,
    delete: 0,
  },
  replacement_append_true: {
    what: "set, the caller's pusher changed, `append: true`",
    get: 1,
    list: 0,
    put: 1,
    delete: 0,
  },
  unchanged_append_true: { what: "set, the same pusher again, `append: true`", get: 1, list: 0, put: 0, delete: 0 },
  unchanged_after_join: {
    what: "set, the same pusher again, `append: false`, after one other user joined it with `append: true`",
    get: 3,
    list: 1,
    put: 0,
    delete: 2,
  },
  unchanged_within_window: {
    what: "set, the same pusher again, `append: false`, nobody else, but within the window of a join",
    get: 2,
    list: 1,
    put: 0,
    delete: 0,
  },
  unchanged_settling: {
    what: "the first such set after the window: the sweep is stamped, once",
    get: 2,
    list: 1,
    put: 1,
    delete: 0,
  },
  delete: { what: "delete (`kind: null`), whether or not the pusher exists", get: 0, list: 0, put: 0, delete: 2 },
  list: { what: "`GET /pushers` (pushers whose JSON fits in the metadata)", get: 0, list: 1, put: 0, delete: 0 },
  token_first_use: {
    what: "any request, the first time the isolate sees its token",
    get: 1,
    list: 0,
    put: 0,
    delete: 0,
  },
};

/** The rows of www/README.md's operations table: { type: { get, list, put, delete } }. */
export function readmeBudget(markdown) {
  const rows = {};
  for (const line of markdown.split("\n")) {
    const m = /^\| `([a-z_]+)` \|[^|]*\| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$/.exec(line);
    if (m) rows[m[1]] = { get: Number(m[2]), list: Number(m[3]), put: Number(m[4]), delete: Number(m[5]) };
  }
  return rows;
}
