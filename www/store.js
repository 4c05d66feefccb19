// The pusher store: the Workers KV key scheme and every KV operation the service makes.
//
// Keys (every identity hashed, never concatenated raw, so a key is at most 89 bytes):
//
//   t:<h(token)>                        value: the Matrix user ID the access token belongs to
//   u:<h(user)>:<h(app_id, pushkey)>    value: the stored pusher, compact JSON;
//                                       metadata: { swept, pusher }: the time (ms) of the
//                                       holder's last sweep of other holders, 0 for none, and
//                                       the same JSON when it fits in 1024 bytes
//   i:<h(app_id, pushkey)>:<h(user)>    value: "" (the cross-user index read by `append: false`)
//   j:<h(app_id, pushkey)>              value: the time (ms) a user last joined the pusher with
//                                       `append: true` (the join marker)
//
// h(x) is SHA-256 of the UTF-8 of x, in base64url without padding (43 characters).
// h(app_id, pushkey) hashes `app_id + "\n" + pushkey`: an app_id never holds a newline
// (docs/rules.md rule A), so the pair is unambiguous.
//
// Invariant: every `u:` record has its `i:` entry. An `i:` entry without its record is harmless
// (removing a record that is not there is a no-op), so writes go index first, record last, and
// deletes go record first, index last: a failure at any step leaves the invariant true.
//
// Who else holds a pusher: a holder that set it with `append: false` removed every other holder
// its list of the index showed, at the time in its record's `swept`. Another user can join the
// pusher after that only with `append: false` (which removes the holder: its next set is a new
// one) or with `append: true`, which writes the join marker. So a holder's `append: false` set
// lists the index only when the marker is at most PROPAGATION_MS older than its last sweep (or
// newer), or when it never finished a sweep (swept 0); otherwise nobody else can hold the pusher
// (but for the consistency windows www/README.md describes), and the set needs no list.

/** Lifetime of a token found in KV, in the isolate's cache. */
export const TOKEN_CACHE_MS = 60_000;
/** Lifetime of a token not found in KV, in the isolate's cache. */
export const UNKNOWN_TOKEN_CACHE_MS = 10_000;
/** Entries kept in the token cache before it is emptied. */
const TOKEN_CACHE_MAX = 10_000;
/** KV metadata is at most 1024 bytes once serialized as JSON. */
const METADATA_MAX_BYTES = 1024;
/**
 * How long a write to KV may take to show in a list at another location, with a margin: KV
 * states up to 60 s. A join marker this close to a holder's last sweep may name a holder that
 * sweep did not see, so the holder sweeps again.
 */
export const PROPAGATION_MS = 120_000;

const encoder = new TextEncoder();

/** A KV operation failed: the service answers 503 M_UNKNOWN. */
export class StoreError extends Error {
  constructor(operation, cause) {
    super(`KV ${operation} failed`, { cause });
    this.name = "StoreError";
  }
}

/** The user already holds the maximum number of pushers. */
export class PusherLimitError extends Error {
  constructor(limit) {
    super(`at most ${limit} pushers per user`);
    this.name = "PusherLimitError";
    this.limit = limit;
  }
}

/**
 * SHA-256 of a string's UTF-8, in base64url without padding.
 * @param {string} text
 * @returns {Promise<string>}
 */
export async function hash(text) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  let binary = "";
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * The KV key under which an access token is stored.
 * @param {string} token
 * @returns {Promise<string>}
 */
export async function tokenKey(token) {
  return `t:${await hash(token)}`;
}

/**
 * The hash that identifies a pusher across users.
 * @param {string} appId
 * @param {string} pushkey
 * @returns {Promise<string>}
 */
export function pusherHash(appId, pushkey) {
  return hash(`${appId}\n${pushkey}`);
}

/** Length in bytes of a string's UTF-8. */
function utf8Length(text) {
  return encoder.encode(text).byteLength;
}

/** Runs one KV operation, turning any failure into a StoreError. */
async function kvCall(operation, call) {
  try {
    return await call();
  } catch (err) {
    throw new StoreError(operation, err);
  }
}

/** The pusher JSON kept in a record's metadata, or null (too large, or no metadata). */
function metadataPusher(metadata) {
  // A string: the pusher itself, as records were written before they carried `swept`.
  if (typeof metadata === "string") return metadata;
  return typeof metadata?.pusher === "string" ? metadata.pusher : null;
}

/** The time of a record's last sweep of other holders; 0 when it has none. */
function metadataSwept(metadata) {
  const swept = metadata?.swept;
  return Number.isFinite(swept) ? swept : 0;
}

/** The time in a join marker, or null when there is none (unreadable: as new as can be). */
function markerTime(text) {
  if (text === null) return null;
  const time = Number(text);
  return Number.isFinite(time) ? time : Number.POSITIVE_INFINITY;
}

/**
 * Whether a holder's `append: false` set must list the other holders: it never swept (joined
 * with `append: true`, or its last sweep did not finish), or a user joined with `append: true`
 * after, or too shortly before, its last sweep for that sweep to have seen them.
 */
function mustSweep(swept, joinedAt) {
  if (swept === 0) return true;
  return joinedAt !== null && joinedAt >= swept - PROPAGATION_MS;
}

// The token cache lives at module scope: one per isolate, shared by its requests.
const tokenCache = new Map();

/**
 * The store over one KV namespace.
 */
export class PusherStore {
  /**
   * @param {import("@cloudflare/workers-types").KVNamespace} kv the namespace (binding `PUSHERS`)
   * @param {{ now?: () => number }} [clock]
   */
  constructor(kv, clock = {}) {
    this.kv = kv;
    this.now = clock.now ?? Date.now;
  }

  /**
   * The user an access token belongs to, or null. Found and unknown tokens are cached in the
   * isolate (TOKEN_CACHE_MS, UNKNOWN_TOKEN_CACHE_MS), so a token is not read on every request.
   * @param {string} token
   * @returns {Promise<{ userId: string, userHash: string } | null>}
   */
  async userForToken(token) {
    const key = await tokenKey(token);
    const now = this.now();
    const cached = tokenCache.get(key);
    if (cached !== undefined && cached.expires > now) return cached.user;
    const userId = await kvCall("get", () => this.kv.get(key, { type: "text" }));
    const user = userId === null || userId === "" ? null : { userId, userHash: await hash(userId) };
    if (tokenCache.size >= TOKEN_CACHE_MAX) tokenCache.clear();
    tokenCache.set(key, { user, expires: now + (user ? TOKEN_CACHE_MS : UNKNOWN_TOKEN_CACHE_MS) });
    return user;
  }

  /** Every key under a prefix, following the cursor. One list call for up to 1000 keys. */
  async listPrefix(prefix) {
    const keys = [];
    let cursor;
    do {
      const page = await kvCall("list", () => this.kv.list(cursor ? { prefix, cursor } : { prefix }));
      keys.push(...page.keys);
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    return keys;
  }

  /**
   * The user's stored pushers, as the JSON text of the `GET /pushers` answer. One list call;
   * a get only for a pusher whose JSON did not fit in the key's metadata.
   * @param {{ userHash: string }} user
   * @returns {Promise<string>}
   */
  async listJson(user) {
    const keys = await this.listPrefix(`u:${user.userHash}:`);
    const texts = await Promise.all(
      keys.map((key) => {
        const text = metadataPusher(key.metadata);
        return text ?? kvCall("get", () => this.kv.get(key.name, { type: "text" }));
      }),
    );
    // A record deleted between the list and the get reads as null: it is gone, leave it out.
    return `{"pushers":[${texts.filter((text) => text !== null).join(",")}]}`;
  }

  /**
   * Creates or replaces the user's pusher (the whole record). With `append: false`, also removes
   * the same (app_id, pushkey) held by other users.
   *
   * One read of the caller's record tells the three cases apart (with `append: false`, a read of
   * the pusher's join marker beside it):
   *
   * - a pusher new to the caller: the count of the caller's pushers (a list) and, with
   *   `append: false`, the other holders (a list of the index); the index entry, then the record;
   *   with `append: true`, the join marker between them, so that the other holders' next
   *   `append: false` set finds the caller without a list;
   * - the caller already holds it, and no marker newer than the caller's last sweep says another
   *   user joined since: no list; the record is written only when the pusher changed, so
   *   re-sending the same pusher writes nothing;
   * - the caller holds it and a marker says someone may have joined since its last sweep: the
   *   index is listed and the other holders removed, as for a new pusher.
   *
   * KV has no transactions, so the visible changes are made in an order that can be undone:
   * the caller's index entry (invisible), the caller's record (the commit point), then each other
   * holder's record, read first so that it can be put back. When a step fails, the steps already
   * made are undone in reverse order and the request answers 503: the store is as it was before.
   * The other holders' index entries are removed last, then the caller's record is stamped with
   * the time of the sweep; if either fails, the pushers are already as the request asked (an
   * index entry without its record is harmless, a record without the stamp is swept again) and
   * the request still answers 503.
   *
   * @param {{ userHash: string }} user
   * @param {{ app_id: string, pushkey: string }} pusher the validated, normalized pusher
   * @param {string} pusherJson its compact JSON, stored as is
   * @param {{ append: boolean, maxPushers: number }} options
   * @returns {Promise<{ displaced: number, wrote: boolean }>}
   */
  async set(user, pusher, pusherJson, { append, maxPushers }) {
    const pusherId = await pusherHash(pusher.app_id, pusher.pushkey);
    const recordKey = `u:${user.userHash}:${pusherId}`;
    const markerKey = `j:${pusherId}`;

    // One call: a bulk read of both keys with `append: false` (billed as two reads).
    let stored;
    let marker = null;
    if (append) {
      stored = await kvCall("get", () => this.kv.getWithMetadata(recordKey, { type: "text" }));
    } else {
      const found = await kvCall("get", () => this.kv.getWithMetadata([recordKey, markerKey], { type: "text" }));
      stored = found.get(recordKey) ?? { value: null, metadata: null };
      marker = found.get(markerKey)?.value ?? null;
    }
    if (stored.value === null) return this.join(user, pusherId, recordKey, pusherJson, { append, maxPushers });

    const previous = { json: stored.value, metadata: stored.metadata, swept: metadataSwept(stored.metadata) };
    const changed = previous.json !== pusherJson;
    const joinedAt = markerTime(marker);
    if (append || !mustSweep(previous.swept, joinedAt)) {
      // The common case: the caller holds the pusher and nobody can have joined it since the
      // caller last removed the other holders. The same pusher again changes nothing.
      if (!changed) return { displaced: 0, wrote: false };
      await this.putRecord(recordKey, pusherJson, previous.swept);
      return { displaced: 0, wrote: true };
    }

    const sweptAt = this.now();
    const holders = await this.otherHolders(pusherId, user.userHash);
    // A sweep made less than PROPAGATION_MS after the join may not have seen it: it is not
    // stamped (the next `append: false` set sweeps again) unless the record is written anyway.
    const settled = joinedAt === null || sweptAt - PROPAGATION_MS > joinedAt;
    if (holders.length === 0) {
      if (!changed && !settled) return { displaced: 0, wrote: false };
      await this.putRecord(recordKey, pusherJson, sweptAt);
      return { displaced: 0, wrote: true };
    }
    const commit = changed ? { key: recordKey, json: pusherJson, previous } : null;
    const displaced = await this.takeOver(pusherId, holders, commit);
    if (changed || settled) await this.putRecord(recordKey, pusherJson, sweptAt);
    return { displaced, wrote: changed || settled };
  }

  /** A set of a pusher the caller does not hold yet (see `set`). */
  async join(user, pusherId, recordKey, pusherJson, { append, maxPushers }) {
    const indexKey = `i:${pusherId}:${user.userHash}`;
    const sweptAt = this.now();
    // The two lists are independent and come before any write: run them together.
    const [mine, holders] = await Promise.all([
      this.listPrefix(`u:${user.userHash}:`),
      append ? [] : this.otherHolders(pusherId, user.userHash),
    ]);
    // A record written since the read (elsewhere, or by a concurrent request) is a replacement.
    if (mine.length >= maxPushers && !mine.some((key) => key.name === recordKey)) {
      throw new PusherLimitError(maxPushers);
    }

    await kvCall("put", () => this.kv.put(indexKey, ""));
    if (append) {
      // The marker's time is taken once the index entry is written: a sweep that starts listing
      // after that time sees the entry.
      const joinedAt = this.now();
      await kvCall("put", () => this.kv.put(`j:${pusherId}`, String(joinedAt)));
      await this.putRecord(recordKey, pusherJson, 0);
      return { displaced: 0, wrote: true };
    }
    if (holders.length === 0) {
      await this.putRecord(recordKey, pusherJson, sweptAt);
      return { displaced: 0, wrote: true };
    }
    const displaced = await this.takeOver(pusherId, holders, { key: recordKey, json: pusherJson, previous: null });
    await this.putRecord(recordKey, pusherJson, sweptAt);
    return { displaced, wrote: true };
  }

  /** The other users listed in the index of this pusher. One list call for up to 1000. */
  async otherHolders(pusherId, userHash) {
    const prefix = `i:${pusherId}:`;
    return (await this.listPrefix(prefix))
      .map((key) => key.name.slice(prefix.length))
      .filter((other) => other !== userHash);
  }

  /**
   * Removes the other holders' records, after writing the caller's (`commit`, when it changes),
   * undoing every step when one fails; then removes the index entries of the records it removed,
   * and returns how many. The caller's record is committed unstamped (swept 0): if the removal
   * fails and its undo fails too, the caller's next `append: false` set sweeps again.
   */
  async takeOver(pusherId, holders, commit) {
    const undo = [];
    const removed = [];
    try {
      if (commit !== null) {
        await this.putRecord(commit.key, commit.json, 0);
        const { previous } = commit;
        undo.push(() =>
          previous === null
            ? this.kv.delete(commit.key)
            : this.kv.put(
                commit.key,
                previous.json,
                previous.metadata == null ? undefined : { metadata: previous.metadata },
              ),
        );
      }
      for (const other of holders) {
        const otherKey = `u:${other}:${pusherId}`;
        const { value, metadata } = await kvCall("get", () => this.kv.getWithMetadata(otherKey, { type: "text" }));
        // No record: a harmless entry left by a failure, or a set of that user still in flight
        // (its record comes after its entry). Its entry stays, so that no record ends up
        // without one.
        if (value === null) continue;
        await kvCall("delete", () => this.kv.delete(otherKey));
        removed.push(other);
        undo.push(() => this.kv.put(otherKey, value, metadata == null ? undefined : { metadata }));
      }
    } catch (err) {
      for (const step of undo.reverse()) {
        // Best effort: a store that fails again now leaves what the failed step left.
        await step().catch(() => {});
      }
      throw err;
    }
    await Promise.all(removed.map((other) => kvCall("delete", () => this.kv.delete(`i:${pusherId}:${other}`))));
    return removed.length;
  }

  /**
   * Puts a record. Its metadata holds the time of the caller's last sweep of other holders
   * (`swept`, 0 for none) and the pusher's JSON when it fits (so that a list carries it).
   */
  async putRecord(key, json, swept) {
    const withPusher = { swept, pusher: json };
    const metadata = utf8Length(JSON.stringify(withPusher)) <= METADATA_MAX_BYTES ? withPusher : { swept };
    await kvCall("put", () => this.kv.put(key, json, { metadata }));
  }

  /**
   * Removes the user's pusher with this app_id and pushkey; no error when there is none.
   * Two deletes, no read: the record first, then its index entry.
   * @param {{ userHash: string }} user
   * @param {string} appId
   * @param {string} pushkey
   */
  async remove(user, appId, pushkey) {
    const pusherId = await pusherHash(appId, pushkey);
    await kvCall("delete", () => this.kv.delete(`u:${user.userHash}:${pusherId}`));
    await kvCall("delete", () => this.kv.delete(`i:${pusherId}:${user.userHash}`));
  }
}
