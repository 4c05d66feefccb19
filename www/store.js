// The pusher store: the Workers KV key scheme and every KV operation the service makes.
//
// Keys (every identity hashed, never concatenated raw, so a key is at most 89 bytes):
//
//   t:<h(token)>                        value: the Matrix user ID the access token belongs to
//   u:<h(user)>:<h(app_id, pushkey)>    value: the stored pusher, compact JSON;
//                                       metadata: the same text, when it fits in 1024 bytes
//   i:<h(app_id, pushkey)>:<h(user)>    value: "" (the cross-user index read by `append: false`)
//
// h(x) is SHA-256 of the UTF-8 of x, in base64url without padding (43 characters).
// h(app_id, pushkey) hashes `app_id + "\n" + pushkey`: an app_id never holds a newline
// (docs/rules.md rule A), so the pair is unambiguous.
//
// Invariant: every `u:` record has its `i:` entry. An `i:` entry without its record is harmless
// (removing a record that is not there is a no-op), so writes go index first, record last, and
// deletes go record first, index last: a failure at any step leaves the invariant true.

/** Lifetime of a token found in KV, in the isolate's cache. */
export const TOKEN_CACHE_MS = 60_000;
/** Lifetime of a token not found in KV, in the isolate's cache. */
export const UNKNOWN_TOKEN_CACHE_MS = 10_000;
/** Entries kept in the token cache before it is emptied. */
const TOKEN_CACHE_MAX = 10_000;
/** KV metadata is at most 1024 bytes once serialized as JSON. */
const METADATA_MAX_BYTES = 1024;

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

// The token cache lives at module scope: one per isolate, shared by its requests.
const tokenCache = new Map();

/**
 * The store over one KV namespace.
 */
export class PusherStore {
  /**
   * @param {KVNamespace} kv the namespace (binding `PUSHERS`)
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
      keys.map((key) =>
        typeof key.metadata === "string"
          ? key.metadata
          : kvCall("get", () => this.kv.get(key.name, { type: "text" })),
      ),
    );
    // A record deleted between the list and the get reads as null: it is gone, leave it out.
    return `{"pushers":[${texts.filter((text) => text !== null).join(",")}]}`;
  }

  /**
   * Creates or replaces the user's pusher (the whole record). With `append: false`, also removes
   * the same (app_id, pushkey) held by other users.
   *
   * KV has no transactions, so the visible changes are made in an order that can be undone:
   * the caller's index entry (invisible), the caller's record (the commit point when nobody else
   * holds the pusher), then each other holder's record, read first so that it can be put back.
   * When a step fails, the steps already made are undone in reverse order and the request
   * answers 503: the store is as it was before. The other holders' index entries are removed
   * last; if that fails, the pushers are already as the request asked (an index entry without
   * its record is harmless) and the request still answers 503.
   *
   * @param {{ userHash: string }} user
   * @param {{ app_id: string, pushkey: string }} pusher the validated, normalized pusher
   * @param {string} pusherJson its compact JSON, stored as is
   * @param {{ append: boolean, maxPushers: number }} options
   * @returns {Promise<{ displaced: number }>}
   */
  async set(user, pusher, pusherJson, { append, maxPushers }) {
    const pusherId = await pusherHash(pusher.app_id, pusher.pushkey);
    const recordKey = `u:${user.userHash}:${pusherId}`;
    const indexKey = `i:${pusherId}:${user.userHash}`;

    // The two reads are independent and come before any write: run them together.
    const indexPrefix = `i:${pusherId}:`;
    const [mine, indexed] = await Promise.all([
      this.listPrefix(`u:${user.userHash}:`),
      append ? [] : this.listPrefix(indexPrefix),
    ]);
    const previous = mine.find((key) => key.name === recordKey);
    if (mine.length >= maxPushers && previous === undefined) {
      throw new PusherLimitError(maxPushers);
    }
    const holders = indexed
      .map((key) => key.name.slice(indexPrefix.length))
      .filter((other) => other !== user.userHash);

    // A record never exists without its index entry (both are written index first and deleted
    // record first), so replacing a pusher, what clients do at every start, is a single write.
    if (previous === undefined) await kvCall("put", () => this.kv.put(indexKey, ""));
    if (holders.length === 0) {
      await this.putRecord(recordKey, pusherJson);
      return { displaced: 0 };
    }

    const undo = [];
    try {
      const before = previous === undefined ? null : await this.recordText(previous);
      await this.putRecord(recordKey, pusherJson);
      undo.push(() => (before === null ? this.kv.delete(recordKey) : this.putRecord(recordKey, before)));
      for (const other of holders) {
        const otherKey = `u:${other}:${pusherId}`;
        const text = await kvCall("get", () => this.kv.get(otherKey, { type: "text" }));
        if (text === null) continue;
        await kvCall("delete", () => this.kv.delete(otherKey));
        undo.push(() => this.putRecord(otherKey, text));
      }
    } catch (err) {
      for (const step of undo.reverse()) {
        // Best effort: a store that fails again now leaves what the failed step left.
        await step().catch(() => {});
      }
      throw err;
    }
    await Promise.all(
      holders.map((other) => kvCall("delete", () => this.kv.delete(`i:${pusherId}:${other}`))),
    );
    return { displaced: holders.length };
  }

  /** Puts a record, with its JSON in the metadata when it fits (so a list carries it). */
  async putRecord(key, json) {
    const fits = utf8Length(JSON.stringify(json)) <= METADATA_MAX_BYTES;
    await kvCall("put", () => this.kv.put(key, json, fits ? { metadata: json } : undefined));
  }

  /** The JSON of a listed record: from its metadata, or read when it did not fit there. */
  async recordText(listed) {
    if (typeof listed.metadata === "string") return listed.metadata;
    return kvCall("get", () => this.kv.get(listed.name, { type: "text" }));
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
