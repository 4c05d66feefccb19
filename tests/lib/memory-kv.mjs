// An in-memory namespace with the Workers KV API the store uses (get and getWithMetadata, one
// key or a bulk array, put with metadata, delete, list by prefix with a cursor), for unit tests
// of www/store.js. Values are text, as the store writes them. It counts operations (a bulk read
// as one read per key, as KV bills it) and fails the Nth on demand.

const LIST_LIMIT = 1000;

export class MemoryKV {
  /** @type {Map<string, { value: string, metadata: unknown }>} */
  #data = new Map();
  #operations = 0;
  #failAt = 0;

  /** The stored entries, in key order. */
  entries() {
    return [...this.#data.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Operations made since the last reset. */
  operations() {
    return this.#operations;
  }

  resetCounts() {
    this.#operations = 0;
  }

  /** From now on, the `n`th operation (1 for the next) throws; 0: none does. */
  failAt(n) {
    this.#operations = 0;
    this.#failAt = n;
  }

  #step(op, count = 1) {
    const first = this.#operations + 1;
    this.#operations += count;
    if (this.#failAt >= first && this.#failAt <= this.#operations) throw new Error(`injected KV ${op} failure`);
  }

  #read(key) {
    const entry = this.#data.get(key);
    return entry === undefined
      ? { value: null, metadata: null }
      : { value: entry.value, metadata: structuredClone(entry.metadata) };
  }

  async get(key) {
    if (Array.isArray(key)) {
      this.#step("get", key.length);
      return new Map(key.map((k) => [k, this.#read(k).value]));
    }
    this.#step("get");
    return this.#read(key).value;
  }

  async getWithMetadata(key) {
    if (Array.isArray(key)) {
      this.#step("get", key.length);
      return new Map(key.map((k) => [k, this.#read(k)]));
    }
    this.#step("get");
    return this.#read(key);
  }

  async put(key, value, options = {}) {
    this.#step("put");
    if (typeof value !== "string") throw new TypeError("MemoryKV stores text only");
    this.#data.set(key, { value, metadata: options.metadata === undefined ? null : structuredClone(options.metadata) });
  }

  async delete(key) {
    this.#step("delete");
    this.#data.delete(key);
  }

  async list({ prefix = "", cursor, limit = LIST_LIMIT } = {}) {
    this.#step("list");
    const names = this.entries()
      .map(([name]) => name)
      .filter((name) => name.startsWith(prefix));
    const start = cursor === undefined ? 0 : Number(cursor);
    const page = names.slice(start, start + limit);
    const complete = start + limit >= names.length;
    return {
      keys: page.map((name) => ({ name, metadata: structuredClone(this.#data.get(name)?.metadata ?? undefined) })),
      list_complete: complete,
      ...(complete ? {} : { cursor: String(start + limit) }),
    };
  }
}
