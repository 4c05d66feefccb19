// The playground: a form and a raw JSON view of one POST /pushers/set body, kept in sync both
// ways and validated on every change by the WebAssembly build in ./pkg/ (no network). The
// Register and list features talk to the service that serves this page, on the same origin.

/** @typedef {{errcode: string, path: string, message: string}} Problem */
/** @typedef {{code: string, path: string, message: string}} Warning */

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

// Every form field: its control name (the member path in dot form) and the JSON path it edits.
// `data` is the textarea for the members of `data` other than `url` and `format`.
const FIELDS = [
  { name: 'kind', path: ['kind'], type: 'kind' },
  { name: 'app_id', path: ['app_id'], type: 'string' },
  { name: 'pushkey', path: ['pushkey'], type: 'string' },
  { name: 'app_display_name', path: ['app_display_name'], type: 'string' },
  { name: 'device_display_name', path: ['device_display_name'], type: 'string' },
  { name: 'lang', path: ['lang'], type: 'string' },
  { name: 'profile_tag', path: ['profile_tag'], type: 'string' },
  { name: 'data.url', path: ['data', 'url'], type: 'string' },
  { name: 'data.format', path: ['data', 'format'], type: 'string' },
  { name: 'data.auth', path: ['data', 'auth'], type: 'string' },
  { name: 'data', path: ['data'], type: 'extras' },
  { name: 'append', path: ['append'], type: 'bool' },
];

// Where a new top-level member goes, so a body built from the form reads in the usual order.
const MEMBER_ORDER = ['kind', 'app_id', 'pushkey', 'app_display_name', 'device_display_name',
  'profile_tag', 'lang', 'data', 'append'];
const DATA_ORDER = ['url', 'format', 'auth'];
const FIELDS_READ_ON_DELETE = new Set(['kind', 'app_id', 'pushkey']);

const PUSHERS_SET = '/_matrix/client/v3/pushers/set';
const PUSHERS_GET = '/_matrix/client/v3/pushers';
const TOKEN_KEY = 'pusher-playground-token';
const MAX_U32 = 0xffffffff;
/** How long the verdict must hold before the live region announces it (typing flips it often). */
const ANNOUNCE_DELAY_MS = 700;

// ---- examples ------------------------------------------------------------------------------

const APNS_TOKEN = 'a3f1c07e9b2d4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70';
const FCM_TOKEN = 'fJ3x9Qk2TnW0bq7sLm4vRz:APA91bF0q8Yk3dN6uP2sH7wL1cV5xB9mE4tR0yJ6aZ8gK3nQ1iU7oD2fS5'
  + 'hW9lC4vX6bM0pT8rA3eG1jY5kN7qZ2uI9wO4sF6dH8cL0aE2gJ4';

/** URL-safe Base64 without padding, as Web Push writes keys and secrets. @param {Uint8Array} bytes */
function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/**
 * A fresh Web Push subscription's key and secret, made in the page: an ECDH P-256 key pair from
 * WebCrypto (its public key exported raw: 65 bytes, an uncompressed point on the curve) and 16
 * random bytes, as a browser's PushSubscription holds them. `null` where WebCrypto is missing
 * (a page served over plain http from another host than localhost).
 * @returns {Promise<{ pushkey: string, auth: string } | null>}
 */
async function webPushKeys() {
  if (!globalThis.crypto?.subtle) return null;
  const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { pushkey: base64url(raw), auth: base64url(crypto.getRandomValues(new Uint8Array(16))) };
}

/** The push service URL of the Web Push examples (a Firefox subscription's form). */
const WEB_PUSH_URL = 'https://updates.push.services.mozilla.com/wpush/v2/gAAAAABmX2c4_q1Yx9wTz0Lk';

/**
 * Each example is a `body` (serialized with two-space indent) or a `raw` text. `kinds` names a
 * kind the example needs beyond the defaults: loading it ticks that kind in the options.
 */
const EXAMPLES = [
  {
    id: 'element-android', group: 'real', label: 'Element Android (FCM)',
    body: {
      pushkey: FCM_TOKEN, kind: 'http', app_id: 'im.vector.app.android',
      app_display_name: 'Element', device_display_name: 'Pixel 8', profile_tag: 'mobile_1523917391',
      lang: 'en_US',
      data: { url: 'https://matrix.org/_matrix/push/v1/notify', format: 'event_id_only' },
      append: false,
    },
  },
  {
    id: 'element-x-ios', group: 'real', label: 'Element X iOS (default_payload)',
    body: {
      kind: 'http', app_id: 'io.element.elementx.ios', pushkey: APNS_TOKEN,
      app_display_name: 'Element X', device_display_name: 'iPhone', lang: 'en-GB',
      data: {
        url: 'https://matrix.org/_matrix/push/v1/notify', format: 'event_id_only',
        default_payload: { aps: { 'mutable-content': 1, alert: { 'loc-key': 'Notification', 'loc-args': [] } } },
      },
    },
  },
  {
    id: 'unifiedpush', group: 'real', label: 'UnifiedPush (ntfy)',
    body: {
      pushkey: 'https://ntfy.sh/upT4nQ8wZ2kLx7Vb?up=1', kind: 'http', app_id: 'im.vector.app.android',
      app_display_name: 'Element', device_display_name: 'Fairphone 5', lang: 'de',
      data: { url: 'https://ntfy.sh/_matrix/push/v1/notify', format: 'event_id_only' },
      append: false,
    },
  },
  {
    id: 'email', group: 'real', label: 'E-mail pusher',
    body: {
      kind: 'email', app_id: 'm.email', pushkey: 'alice@example.org',
      app_display_name: 'Email Notifications', device_display_name: 'alice@example.org',
      lang: 'en-US', data: { brand: 'Element' }, append: true,
    },
  },
  {
    id: 'delete', group: 'real', label: 'Delete (kind null)',
    body: {
      app_display_name: 'Element', app_id: 'im.vector.app.android',
      data: { format: 'event_id_only', url: 'https://matrix.org/_matrix/push/v1/notify' },
      device_display_name: 'Pixel 8', kind: null, lang: 'en-US', profile_tag: 'mobile_1523917391',
      pushkey: FCM_TOKEN, 'org.matrix.msc3881.enabled': true, device_id: 'QWERTYUIOP',
    },
  },
  {
    id: 'seed', group: 'real', label: 'Seed form (instance_handle)',
    body: {
      pushkey: 'c0ffee00d15ea5e5', kind: 'http', instance_handle: 'tablet-7c1e',
      app_id: 'com.example.chat.ios', app_display_name: 'Example Chat', device_display_name: 'iPad',
      lang: 'EN_gb', data: { url: 'HTTPS://Push.Example.COM:443/_matrix/push/v1/notify' },
    },
  },
  {
    id: 'webpush', group: 'real', label: 'Web Push (key made here)', kinds: 'webpush',
    body: {
      kind: 'webpush', app_id: 'org.example.web', pushkey: '(made with WebCrypto when the page loads)',
      app_display_name: 'Example Web', device_display_name: 'This browser', lang: 'en',
      data: { url: WEB_PUSH_URL, auth: '(16 random bytes)' },
      'org.matrix.msc3881.enabled': true,
    },
  },
  {
    id: 'private-gateway', group: 'broken', label: 'Private gateway',
    body: {
      kind: 'http', app_id: 'org.example.selfhosted', pushkey: 'device-0042',
      app_display_name: 'Self-hosted', device_display_name: 'Laptop', lang: 'en',
      data: { url: 'https://192.168.1.20/_matrix/push/v1/notify' },
    },
  },
  {
    id: 'webpush-off-curve', group: 'broken', label: 'Web Push key off the curve', kinds: 'webpush',
    body: {
      kind: 'webpush', app_id: 'org.example.web', pushkey: '(the key made here, one byte of y changed)',
      app_display_name: 'Example Web', device_display_name: 'This browser', lang: 'en',
      data: { url: WEB_PUSH_URL, auth: '(16 random bytes)' },
    },
  },
  {
    id: 'long-pushkey', group: 'broken', label: '600-byte pushkey',
    body: {
      kind: 'http', app_id: 'im.vector.app.android', pushkey: 'Zm9v'.repeat(150),
      app_display_name: 'Element', device_display_name: 'Pixel 8', lang: 'en',
      data: { url: 'https://matrix.org/_matrix/push/v1/notify', format: 'event_id_only' },
    },
  },
  {
    id: 'wrong-types', group: 'broken', label: 'Wrong types',
    body: {
      kind: 'http', app_id: 42, pushkey: ['abc'], app_display_name: null,
      device_display_name: 'Phone', lang: 'en', profile_tag: 7, data: 5, append: 'yes',
    },
  },
  {
    id: 'synapse-lenient', group: 'broken', label: 'ftp:// gateway, long app_id',
    body: {
      kind: 'http', app_id: `com.example.${'a'.repeat(53)}`, pushkey: 'k1',
      app_display_name: 'App', device_display_name: 'Phone', lang: 'en',
      data: { url: 'ftp://push.example.org/_matrix/push/v1/notify/' },
    },
  },
  {
    id: 'not-json', group: 'broken', label: 'Not JSON',
    raw: '{\n  "kind": "http",\n  "app_id": "im.vector.app.android",\n  "pushkey": "abc",\n}\n',
  },
];

// ---- state ---------------------------------------------------------------------------------

/** @type {((input: string, options: object) => any) | null} */
let validateFn = null;
let loadError = '';
/** The last raw JSON text that parsed as an object; form edits apply to it. */
let doc = /** @type {Record<string, unknown>} */ ({});
let lastSummary = '';
let announceTimer = 0;
let lastResult = /** @type {any} */ (null);

const form = /** @type {HTMLFormElement} */ ($('pusher-form'));
const raw = /** @type {HTMLTextAreaElement} */ ($('raw'));

/** @param {string} name */
const control = (name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
/** @param {string} name */
const msgFor = (name) => $(`msg-${name}`);

// ---- JSON helpers --------------------------------------------------------------------------

/** @param {unknown} v */
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Sets `key` in an object given as entries: in place when present, else before the first later
 * member of `order`, else at the end. `undefined` removes it. Returns a new object; entries keep
 * names such as `__proto__` as plain members.
 * @param {Record<string, unknown>} obj @param {string} key @param {unknown} value @param {string[]} order
 */
function withMember(obj, key, value, order) {
  const entries = Object.entries(obj);
  const at = entries.findIndex(([k]) => k === key);
  if (value === undefined) {
    if (at >= 0) entries.splice(at, 1);
  } else if (at >= 0) {
    entries[at] = [key, value];
  } else {
    const rank = order.indexOf(key);
    let insert = entries.length;
    if (rank >= 0) {
      const later = entries.findIndex(([k]) => order.indexOf(k) > rank);
      if (later >= 0) insert = later;
    }
    entries.splice(insert, 0, [key, value]);
  }
  return Object.fromEntries(entries);
}

/** @param {Record<string, unknown>} data */
function extrasOf(data) {
  return Object.fromEntries(Object.entries(data).filter(([k]) => !DATA_ORDER.includes(k)));
}

/**
 * Replaces the members of `data` other than `url` and `format` with `extras`, where the first
 * of the old ones stood (or at the end).
 * @param {Record<string, unknown>} data @param {Record<string, unknown>} extras
 */
function withExtras(data, extras) {
  const out = [];
  let placed = false;
  for (const [k, v] of Object.entries(data)) {
    if (DATA_ORDER.includes(k)) out.push([k, v]);
    else if (!placed) { out.push(...Object.entries(extras)); placed = true; }
  }
  if (!placed) out.push(...Object.entries(extras));
  return Object.fromEntries(out);
}

/** Splits an RFC 6901 pointer into member names. @param {string} pointer */
function pointerSegments(pointer) {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The field that shows a problem at `pointer`, or null for the raw view. @param {string} pointer */
function fieldForPointer(pointer) {
  const segs = pointerSegments(pointer);
  for (let n = segs.length; n > 0; n -= 1) {
    const want = segs.slice(0, n);
    const f = FIELDS.find((x) => x.path.length === n && x.path.every((s, i) => s === want[i]));
    if (f) return f;
  }
  return null;
}

const pretty = (v) => JSON.stringify(v, null, 2);

// ---- raw JSON → form -----------------------------------------------------------------------

/** @param {unknown} v  A member's value as text for a text field. */
function asText(v) {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Fills every field from `doc`, except the one being edited. @param {string} [skip] */
function fillForm(skip) {
  const data = isObject(doc.data) ? /** @type {Record<string, unknown>} */ (doc.data) : null;
  for (const f of FIELDS) {
    if (f.name === skip) continue;
    const el = control(f.name);
    if (f.type === 'kind') fillKind(/** @type {HTMLSelectElement} */ (/** @type {unknown} */ (el)));
    else if (f.type === 'bool') {
      const v = doc.append;
      el.checked = v === true;
      el.indeterminate = v !== undefined && v !== null && typeof v !== 'boolean';
    } else if (f.type === 'extras') {
      if (data) {
        const extras = extrasOf(data);
        el.value = Object.keys(extras).length ? pretty(extras) : '';
      } else {
        el.value = 'data' in doc ? asText(doc.data) : '';
      }
      setLocalError('data', '');
    } else if (f.path[0] === 'data') {
      el.value = data ? asText(data[f.path[1]]) : '';
    } else {
      el.value = asText(doc[f.name]);
    }
  }
  for (const name of ['pushkey', 'data']) autosize(/** @type {HTMLTextAreaElement} */ (/** @type {unknown} */ (control(name))));
  const deleting = doc.kind === null;
  form.classList.toggle('deleting', deleting);
  $('delete-note').hidden = !deleting;
}

/** @param {HTMLSelectElement} select */
function fillKind(select) {
  select.querySelector('option[data-other]')?.remove();
  if (!('kind' in doc)) select.value = 'absent';
  else if (doc.kind === null) select.value = 'null';
  else if (doc.kind === 'http' || doc.kind === 'email') select.value = /** @type {string} */ (doc.kind);
  else {
    const opt = document.createElement('option');
    opt.value = 'other';
    opt.dataset.other = '';
    opt.textContent = `${JSON.stringify(doc.kind)} (from the JSON)`;
    select.append(opt);
    select.value = 'other';
  }
}

/** @param {boolean} [now] announce the verdict at once (a deliberate load, not typing) */
function onRawInput(now = false) {
  let parsed;
  try {
    parsed = JSON.parse(raw.value);
  } catch {
    parsed = undefined;
  }
  if (isObject(parsed)) {
    doc = parsed;
    fillForm();
  }
  runValidation(now);
}

// ---- form → raw JSON -----------------------------------------------------------------------

/** @param {string} name @param {string} message  A problem found before validation (bad JSON in a field). */
function setLocalError(name, message) {
  const el = control(name);
  el.dataset.localError = message;
}

/** @param {Event} event */
function onFormInput(event) {
  const target = /** @type {HTMLInputElement} */ (event.target);
  const f = FIELDS.find((x) => x.name === target.name);
  if (!f) return;
  let next = doc;
  if (f.type === 'kind') {
    const v = target.value;
    if (v === 'other') return;
    target.querySelector('option[data-other]')?.remove();
    next = withMember(doc, 'kind', v === 'absent' ? undefined : v === 'null' ? null : v, MEMBER_ORDER);
  } else if (f.type === 'bool') {
    target.indeterminate = false;
    next = withMember(doc, 'append', target.checked ? true : undefined, MEMBER_ORDER);
  } else if (f.type === 'extras') {
    const text = target.value.trim();
    let extras = {};
    if (text !== '') {
      try {
        extras = JSON.parse(text);
      } catch {
        extras = undefined;
      }
    }
    if (!isObject(extras)) {
      setLocalError('data', 'not a JSON object yet; the raw JSON keeps the last valid one');
      runValidation();
      return;
    }
    setLocalError('data', '');
    const data = isObject(doc.data) ? /** @type {Record<string, unknown>} */ (doc.data) : {};
    next = withMember(doc, 'data', withExtras(data, /** @type {Record<string, unknown>} */ (extras)), MEMBER_ORDER);
  } else if (f.path[0] === 'data') {
    const data = isObject(doc.data) ? /** @type {Record<string, unknown>} */ (doc.data) : {};
    const value = target.value === '' ? undefined : target.value;
    next = withMember(doc, 'data', withMember(data, f.path[1], value, DATA_ORDER), MEMBER_ORDER);
  } else {
    next = withMember(doc, f.name, target.value === '' ? undefined : target.value, MEMBER_ORDER);
  }
  doc = next;
  raw.value = pretty(doc);
  fillForm(f.name);
  runValidation();
}

/** Grows a textarea with its content, up to a bound, so long tokens stay visible. */
function autosize(/** @type {HTMLTextAreaElement} */ el, maxPx = 320) {
  el.style.height = 'auto';
  el.style.height = `${Math.min(el.scrollHeight + 2, maxPx)}px`;
}

// ---- options -------------------------------------------------------------------------------

function readOptions() {
  /** @type {Record<string, unknown>} */
  const options = {};
  for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('#options [data-option]'))) {
    const name = /** @type {string} */ (el.dataset.option);
    if (el.type === 'checkbox') {
      if (el.checked) options[name] = true;
      el.removeAttribute('aria-invalid');
    } else {
      const n = Number(el.value);
      const ok = el.value.trim() !== '' && Number.isInteger(n) && n >= 0 && n <= MAX_U32;
      if (ok && String(n) !== el.dataset.default) options[name] = n;
      if (ok) el.removeAttribute('aria-invalid');
      else el.setAttribute('aria-invalid', 'true');
    }
  }
  const kinds = [...document.querySelectorAll('#options [data-kind]')]
    .filter((el) => /** @type {HTMLInputElement} */ (el).checked)
    .map((el) => /** @type {string} */ (/** @type {HTMLElement} */ (el).dataset.kind));
  if (kinds.join() !== 'http,email') options.kinds = kinds;
  // The validator reads the entries: one it refuses makes the whole call throw, and the message
  // is shown beside this field.
  for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('#options [data-list-option]'))) {
    const entries = el.value.split(/[\s,]+/).filter((entry) => entry !== '');
    if (entries.length) options[/** @type {string} */ (el.dataset.listOption)] = entries;
  }
  return options;
}

function resetOptions() {
  for (const el of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('#options input'))) {
    if (el.type === 'checkbox') el.checked = el.defaultChecked;
    else el.value = el.dataset.default ?? '';
  }
  runValidation();
}

// ---- validation and its display ------------------------------------------------------------

/** @param {string} kind @param {string} code @param {string} at @param {string} message */
function finding(kind, code, at, message) {
  const p = document.createElement('p');
  p.className = `finding ${kind}`;
  const c = document.createElement('span');
  c.className = 'code';
  c.textContent = kind === 'warning' ? `warning: ${code}` : code;
  p.append(c);
  if (at !== null) {
    const a = document.createElement('span');
    a.className = 'at';
    a.textContent = at === '' ? '(whole body)' : at;
    p.append(a);
  }
  p.append(document.createTextNode(message));
  return p;
}

function clearMarks() {
  for (const f of FIELDS) {
    msgFor(f.name).replaceChildren();
    control(f.name).removeAttribute('aria-invalid');
  }
  $('raw-msg').replaceChildren();
  raw.removeAttribute('aria-invalid');
  $('msg-allowedPrivateHosts').replaceChildren();
  $('o-allowedPrivateHosts').removeAttribute('aria-invalid');
}

/** Puts one problem or warning next to its field, or next to the raw view. */
function place(kind, code, path, message) {
  const f = fieldForPointer(path);
  const exact = f && f.path.length === pointerSegments(path).length;
  const box = f ? msgFor(f.name) : $('raw-msg');
  box.append(finding(kind, code, exact ? null : path, message));
  if (kind === 'problem') (f ? control(f.name) : raw).setAttribute('aria-invalid', 'true');
}

/** @param {any} result */
function summarize(result) {
  if (result.ok) {
    const w = result.warnings.length;
    const ws = w ? ` with ${w} warning${w === 1 ? '' : 's'}` : '';
    if (result.action === 'delete') return `Accepted: delete the pusher of ${result.pusher.app_id} with this pushkey${ws}.`;
    return `Accepted: set a${result.pusher.kind === 'email' ? 'n email' : 'n http'} pusher${ws}.`;
  }
  const n = result.errors.length;
  const first = result.errors[0];
  const where = first.path === '' ? 'the body' : first.path;
  return `Rejected: ${first.errcode} at ${where}${n > 1 ? ` and ${n - 1} more problem${n === 2 ? '' : 's'}` : ''}.`;
}

/** @param {string} s */
const short = (s) => (s.length > 24 ? `${s.slice(0, 20)}…` : s);

/** Validates the raw JSON and shows the outcome; `now` announces it without waiting. */
function runValidation(now = false) {
  clearMarks();
  const findings = $('findings');
  findings.replaceChildren();
  const output = $('output');
  const verdict = $('verdict');
  const useNormalized = /** @type {HTMLButtonElement} */ ($('use-normalized'));

  const extrasError = control('data').dataset.localError;
  if (extrasError) {
    msgFor('data').append(finding('local', 'not JSON', null, extrasError));
    control('data').setAttribute('aria-invalid', 'true');
  }

  if (!validateFn) {
    verdict.dataset.outcome = 'unavailable';
    verdict.textContent = loadError ? 'The validator is not available.' : 'Loading the validator…';
    output.textContent = loadError;
    $('normalized').textContent = loadError;
    useNormalized.disabled = true;
    return;
  }

  const options = readOptions();
  $('options-used').textContent = Object.keys(options).length
    ? `Options: ${JSON.stringify(options)}`
    : 'Options: the defaults.';
  let result;
  const started = performance.now();
  try {
    result = validateFn(raw.value, options);
  } catch (err) {
    verdict.dataset.outcome = 'unavailable';
    verdict.textContent = 'The options were refused.';
    output.textContent = String(err instanceof Error ? err.message : err);
    if (/options\.allowedPrivateHosts/.test(output.textContent)) {
      $('o-allowedPrivateHosts').setAttribute('aria-invalid', 'true');
      $('msg-allowedPrivateHosts').replaceChildren(finding('problem', 'TypeError', null, output.textContent));
    }
    $('normalized').textContent = output.textContent;
    setStatus(`The options were refused: ${output.textContent}`, 'bad');
    useNormalized.disabled = true;
    return;
  }
  const took = performance.now() - started;
  lastResult = result;

  for (const p of result.ok ? [] : result.errors) place('problem', p.errcode, p.path, p.message);
  for (const w of result.warnings) place('warning', w.code, w.path, w.message);

  // Every finding, in order, each a button to its field.
  const all = [
    ...(result.ok ? [] : result.errors.map((p) => ({ kind: 'problem', code: p.errcode, path: p.path, message: p.message }))),
    ...result.warnings.map((w) => ({ kind: 'warning', code: w.code, path: w.path, message: w.message })),
  ];
  for (const item of all) {
    const li = document.createElement('li');
    li.className = item.kind;
    li.dataset.code = item.code;
    li.dataset.path = item.path;
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = `${item.kind === 'warning' ? `warning: ${item.code}` : item.code} ${item.path === '' ? '(whole body)' : item.path}: ${item.message}`;
    b.addEventListener('click', () => {
      const f = fieldForPointer(item.path);
      (f ? control(f.name) : raw).focus();
    });
    li.append(b);
    findings.append(li);
  }

  verdict.dataset.outcome = result.ok ? result.action : 'rejected';
  const summary = summarize(result);
  verdict.textContent = summary;
  verdict.title = `validated in ${took.toFixed(2)} ms`;
  output.textContent = pretty(result);
  showNormalized(result);
  useNormalized.disabled = !result.ok;
  useNormalized.hidden = !result.ok;

  if (summary !== lastSummary) {
    lastSummary = summary;
    const tone = result.ok ? (result.warnings.length ? 'warn' : 'good') : 'bad';
    if (now) setStatus(summary, tone);
    else {
      clearTimeout(announceTimer);
      announceTimer = setTimeout(() => setStatus(summary, tone), ANNOUNCE_DELAY_MS);
    }
  }
}

/**
 * The pusher as a homeserver stores it, or for a rejection the Matrix error response a server
 * answers with (the first problem's errcode, and every problem).
 * @param {any} result
 */
function showNormalized(result) {
  const heading = $('normalized-h');
  const box = $('normalized');
  if (result.ok) {
    heading.textContent = result.action === 'delete' ? 'Pusher to delete' : `Normalized pusher (append: ${result.append})`;
    box.textContent = pretty(result.pusher);
  } else {
    const status = result.errcode === 'M_TOO_LARGE' ? 413 : 400;
    heading.textContent = `Matrix error response (HTTP ${status})`;
    box.textContent = pretty({ errcode: result.errcode, error: result.error, errors: result.errors });
  }
}

/** @param {string} text @param {string} [tone] */
function setStatus(text, tone = '') {
  clearTimeout(announceTimer);
  const status = $('status');
  status.textContent = text;
  if (tone) status.dataset.tone = tone;
  else delete status.dataset.tone;
}

function useNormalizedPusher() {
  if (!lastResult?.ok) return;
  const body = lastResult.action === 'set'
    ? { ...lastResult.pusher, ...(lastResult.append ? { append: true } : {}) }
    : lastResult.pusher;
  loadText(pretty(body));
  setStatus('The raw JSON now holds the normalized pusher.', 'good');
}

/** @param {string} text */
function loadText(text) {
  raw.value = text;
  for (const f of FIELDS) setLocalError(f.name, '');
  lastSummary = '';
  onRawInput(true);
}

// ---- examples ------------------------------------------------------------------------------

function buildExamples() {
  for (const ex of EXAMPLES) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = ex.label;
    b.dataset.example = ex.id;
    b.setAttribute('aria-current', 'false');
    b.addEventListener('click', () => loadExample(ex.id));
    $(ex.group === 'real' ? 'examples-real' : 'examples-broken').append(b);
  }
}

/** @param {string} id */
function loadExample(id) {
  const ex = EXAMPLES.find((x) => x.id === id);
  if (!ex) return;
  if (ex.kinds) /** @type {HTMLInputElement} */ ($(`o-kind-${ex.kinds}`)).checked = true;
  for (const b of document.querySelectorAll('[data-example]')) {
    b.setAttribute('aria-current', String(/** @type {HTMLElement} */ (b).dataset.example === id));
  }
  loadText(ex.raw ?? `${pretty(ex.body)}\n`);
}

// ---- the service ---------------------------------------------------------------------------

const tokenInput = /** @type {HTMLInputElement} */ ($('token'));

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** @param {string} method @param {string} path @param {string} [body] */
async function call(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = {};
  const token = tokenInput.value.trim();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body, cache: 'no-store' });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, statusText: res.statusText, text, json };
}

/** @param {string} label @param {{status: number, statusText: string, text: string, json: any}} res */
function showResponse(label, res) {
  $('response').hidden = false;
  const st = $('response-status');
  st.textContent = `${label}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  st.dataset.tone = res.status >= 200 && res.status < 300 ? 'good' : 'bad';
  $('response-body').textContent = res.json !== undefined ? pretty(res.json) : res.text;
}

/** @param {string} label @param {unknown} err */
function showNetworkError(label, err) {
  $('response').hidden = false;
  const st = $('response-status');
  st.textContent = `${label}: the service did not answer`;
  st.dataset.tone = 'bad';
  $('response-body').textContent = String(err instanceof Error ? err.message : err);
  setStatus(`${label}: the service did not answer.`, 'bad');
}

async function register() {
  const button = /** @type {HTMLButtonElement} */ ($('register'));
  button.disabled = true;
  try {
    const res = await call('POST', PUSHERS_SET, raw.value);
    showResponse('Register', res);
    const ok = res.status === 200;
    setStatus(ok ? 'Registered: the service answered 200.' : `Register: the service answered ${res.status}${res.json?.errcode ? ` ${res.json.errcode}` : ''}.`, ok ? 'good' : 'bad');
    if (ok) await refreshPushers(false);
  } catch (err) {
    showNetworkError('Register', err);
  } finally {
    button.disabled = false;
  }
}

/** @param {boolean} [announce] */
async function refreshPushers(announce = true) {
  let res;
  try {
    res = await call('GET', PUSHERS_GET);
  } catch (err) {
    showNetworkError('List', err);
    return;
  }
  if (res.status !== 200 || !Array.isArray(res.json?.pushers)) {
    showResponse('List', res);
    setStatus(`List: the service answered ${res.status}${res.json?.errcode ? ` ${res.json.errcode}` : ''}.`, 'bad');
    return;
  }
  renderPushers(res.json.pushers);
  if (announce) {
    const n = res.json.pushers.length;
    setStatus(`You have ${n} pusher${n === 1 ? '' : 's'}.`, 'good');
  }
}

/** @param {any[]} pushers */
function renderPushers(pushers) {
  const list = $('pushers');
  list.replaceChildren();
  $('pushers-empty').textContent = pushers.length ? '' : 'No pushers for this token yet.';
  $('pushers-empty').hidden = pushers.length > 0;
  for (const p of pushers) {
    const li = document.createElement('li');
    li.dataset.appId = String(p.app_id);
    li.dataset.pushkey = String(p.pushkey);
    const dl = document.createElement('dl');
    const rows = [['kind', p.kind], ['app_id', p.app_id], ['pushkey', p.pushkey],
      ['app', p.app_display_name], ['device', p.device_display_name], ['lang', p.lang]];
    if (p.profile_tag !== undefined) rows.push(['profile_tag', p.profile_tag]);
    if (p.data?.url !== undefined) rows.push(['data.url', p.data.url]);
    for (const [k, v] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = asText(v);
      dl.append(dt, dd);
    }
    const actions = document.createElement('div');
    actions.className = 'actions';
    const who = `${p.app_id} ${short(String(p.pushkey))}`;
    const load = document.createElement('button');
    load.type = 'button';
    load.textContent = 'Load into the form';
    load.setAttribute('aria-label', `Load pusher ${who} into the form`);
    load.addEventListener('click', () => {
      loadText(`${pretty(p)}\n`);
      control('kind').focus();
    });
    const del = document.createElement('button');
    del.type = 'button';
    del.className = 'danger';
    del.textContent = 'Delete';
    del.setAttribute('aria-label', `Delete pusher ${who}`);
    del.addEventListener('click', () => deletePusher(p, del));
    actions.append(load, del);
    li.append(dl, actions);
    list.append(li);
  }
}

/** @param {any} p @param {HTMLButtonElement} button */
async function deletePusher(p, button) {
  button.disabled = true;
  try {
    const res = await call('POST', PUSHERS_SET, JSON.stringify({ kind: null, app_id: p.app_id, pushkey: p.pushkey }));
    showResponse('Delete', res);
    const ok = res.status === 200;
    setStatus(ok ? `Deleted the pusher ${p.app_id} / ${short(String(p.pushkey))}.` : `Delete: the service answered ${res.status}.`, ok ? 'good' : 'bad');
    await refreshPushers(false);
    $('refresh').focus();
  } catch (err) {
    showNetworkError('Delete', err);
    button.disabled = false;
  }
}

/**
 * In gateway mode (the service in front of a homeserver) the token is the user's own Matrix
 * access token: say so. The service tells its mode at service.json.
 */
async function learnMode() {
  let mode;
  try {
    const res = await fetch('service.json', { cache: 'no-store' });
    mode = res.ok ? (await res.json()).mode : undefined;
  } catch {
    return;
  }
  document.body.dataset.mode = mode ?? 'unknown';
  if (mode !== 'gateway') return;
  $('service-h').textContent = 'Register with your homeserver, through the gateway';
  $('service-hint').textContent = 'This site is a validating gateway in front of a Matrix homeserver. ' +
    'Register sends the raw JSON above to /_matrix/client/v3/pushers/set: a body the validator refuses ' +
    'never reaches the homeserver, an accepted one is forwarded normalized. The token is your own Matrix ' +
    'access token (Element: Settings, Help & About); it is kept for this tab only.';
}

// ---- start ---------------------------------------------------------------------------------

function wire() {
  buildExamples();
  // Fields a delete does not read are dimmed while `kind` is null.
  for (const f of FIELDS) {
    if (!FIELDS_READ_ON_DELETE.has(f.name)) control(f.name).closest('.field')?.classList.add('ignored-when-delete');
  }
  form.addEventListener('input', onFormInput);
  form.addEventListener('submit', (e) => e.preventDefault());
  raw.addEventListener('input', () => onRawInput());
  $('options').addEventListener('input', () => runValidation());
  $('options').addEventListener('change', () => runValidation());
  $('options-reset').addEventListener('click', resetOptions);
  $('use-normalized').addEventListener('click', useNormalizedPusher);

  const store = storage();
  tokenInput.value = store?.getItem(TOKEN_KEY) ?? '';
  tokenInput.addEventListener('input', () => {
    const t = tokenInput.value;
    if (t) store?.setItem(TOKEN_KEY, t);
    else store?.removeItem(TOKEN_KEY);
  });
  $('service-form').addEventListener('submit', (e) => {
    e.preventDefault();
    register();
  });
  $('refresh').addEventListener('click', () => refreshPushers(true));
}

async function start() {
  wire();
  learnMode();
  loadExample(EXAMPLES[0].id);
  const keys = await webPushKeys().catch(() => null);
  for (const ex of EXAMPLES.filter((x) => x.kinds === 'webpush')) {
    if (keys === null) {
      document.querySelector(`[data-example="${ex.id}"]`)?.setAttribute('disabled', '');
      continue;
    }
    let { pushkey } = keys;
    if (ex.id === 'webpush-off-curve') {
      // The last byte of y, changed: 65 bytes, prefix 0x04, but no longer a point of P-256.
      const bytes = Uint8Array.from(atob(pushkey.replaceAll('-', '+').replaceAll('_', '/') + '='), (c) => c.charCodeAt(0));
      bytes[64] ^= 1;
      pushkey = base64url(bytes);
    }
    ex.body = { ...ex.body, pushkey, data: { ...ex.body.data, auth: keys.auth } };
  }
  try {
    const pkg = await import('./pkg/index.js');
    await pkg.default();
    validateFn = pkg.validate;
  } catch (err) {
    loadError = `The validator could not be loaded from ./pkg/ (run \`make build\`): ${err instanceof Error ? err.message : err}`;
    setStatus(loadError, 'bad');
  }
  lastSummary = '';
  runValidation(true);
  // A token kept from earlier in this tab: show its pushers straight away.
  if (tokenInput.value) await refreshPushers(false);
}

start();
