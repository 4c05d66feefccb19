// A valid http pusher for tests that need one body to start from (the corpus has the rest).

/**
 * A valid http pusher; `overrides` replaces members.
 * @param {Record<string, unknown>} [overrides]
 */
export function pusher(overrides = {}) {
  return {
    kind: "http",
    app_id: "im.vector.app.android",
    pushkey: "pk-1",
    app_display_name: "Element",
    device_display_name: "Pixel 8",
    lang: "en",
    data: { url: "https://push.example.org/_matrix/push/v1/notify", format: "event_id_only" },
    ...overrides,
  };
}
