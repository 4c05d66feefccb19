// Synapse, the reference homeserver: the baseline of the service benchmark and the upstream of
// the gateway tests and benchmark. Installed from PyPI into benches/.venv as published wheels
// only (its Rust part is never compiled here), configured with SQLite on loopback with rate
// limits lifted, and users registered through the admin shared secret.
import { spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { capture, startGroup, waitForHttp } from "./process.mjs";

const BENCHES = fileURLToPath(new URL("..", import.meta.url));
const VENV = join(BENCHES, ".venv");
const PYTHON = join(VENV, "bin", "python");
/** The Synapse release the tests and benchmarks run. */
export const SYNAPSE_VERSION = "1.163.2";

/** The venv with matrix-synapse, created and filled when missing or of another version. */
export function ensureSynapse() {
  if (synapseVersion() === SYNAPSE_VERSION) return;
  console.log(`synapse: installing matrix-synapse ${SYNAPSE_VERSION} into benches/.venv`);
  const run = (cmd, args) => {
    const r = spawnSync(cmd, args, { stdio: "inherit" });
    if (r.status !== 0) throw new Error(`synapse: ${cmd} ${args.join(" ")} failed`);
  };
  if (!existsSync(PYTHON)) {
    // Debian's python3 makes venvs only with python3-venv installed.
    if (spawnSync("python3", ["-m", "venv", VENV], { stdio: "inherit" }).status !== 0) {
      run("sh", ["-c", "apt-get update -qq && apt-get install -y -qq python3-venv"]);
      run("python3", ["-m", "venv", "--clear", VENV]);
    }
  }
  run(join(VENV, "bin", "pip"), [
    "install",
    "--quiet",
    "--disable-pip-version-check",
    "--only-binary=:all:",
    `matrix-synapse==${SYNAPSE_VERSION}`,
  ]);
  if (synapseVersion() !== SYNAPSE_VERSION) throw new Error("synapse: matrix-synapse did not install");
}

/** The installed Synapse version ("" when missing). */
export function synapseVersion() {
  if (!existsSync(PYTHON)) return "";
  // The venv sits inside this repository, so Synapse appends the checkout's git state: drop it.
  return capture(PYTHON, ["-c", "import synapse; print(synapse.__version__)"], { cwd: "/" }).split(" ")[0];
}

const RATE_UNLIMITED = { per_second: 1000000, burst_count: 1000000 };

/** Writes a fresh configuration under `dir` and returns the files to pass with -c. */
export function configureSynapse(dir, port) {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, "homeserver.yaml");
  if (!existsSync(base)) {
    const r = capture(
      PYTHON,
      [
        "-m",
        "synapse.app.homeserver",
        "--server-name",
        "localhost",
        "--config-path",
        base,
        "--data-directory",
        dir,
        "--generate-config",
        "--report-stats=no",
      ],
      { cwd: dir },
    );
    if (!existsSync(base)) throw new Error(`synapse: could not generate ${base} (${r})`);
  }
  const secret = randomBytes(16).toString("hex");
  const log = join(dir, "log.yaml");
  writeFileSync(
    log,
    JSON.stringify({
      version: 1,
      formatters: { plain: { format: "%(asctime)s %(levelname)s %(name)s %(message)s" } },
      handlers: { file: { class: "logging.FileHandler", formatter: "plain", filename: join(dir, "homeserver.log") } },
      root: { level: "WARNING", handlers: ["file"] },
      disable_existing_loggers: false,
    }),
  );
  const bench = join(dir, "bench.yaml");
  // JSON is YAML: the overrides, each top-level key replacing the generated one.
  writeFileSync(
    bench,
    JSON.stringify(
      {
        server_name: "localhost",
        pid_file: join(dir, "homeserver.pid"),
        listeners: [
          {
            port,
            bind_addresses: ["127.0.0.1"],
            type: "http",
            tls: false,
            x_forwarded: false,
            resources: [{ names: ["client"], compress: false }],
          },
        ],
        database: { name: "sqlite3", args: { database: join(dir, "homeserver.db") } },
        log_config: log,
        media_store_path: join(dir, "media_store"),
        registration_shared_secret: secret,
        report_stats: false,
        trusted_key_servers: [],
        suppress_key_server_warning: true,
        enable_metrics: false,
        // Registration of the benchmark's users only: no effect on the pusher endpoints.
        bcrypt_rounds: 4,
        presence: { enabled: false },
        rc_message: RATE_UNLIMITED,
        rc_registration: RATE_UNLIMITED,
        rc_registration_token_validity: RATE_UNLIMITED,
        rc_login: { address: RATE_UNLIMITED, account: RATE_UNLIMITED, failed_attempts: RATE_UNLIMITED },
        rc_admin_redaction: RATE_UNLIMITED,
        rc_joins: { local: RATE_UNLIMITED, remote: RATE_UNLIMITED },
        rc_joins_per_room: RATE_UNLIMITED,
        rc_invites: { per_room: RATE_UNLIMITED, per_user: RATE_UNLIMITED, per_issuer: RATE_UNLIMITED },
        rc_3pid_validation: RATE_UNLIMITED,
        rc_delayed_event_mgmt: RATE_UNLIMITED,
        rc_presence: { per_user: RATE_UNLIMITED },
      },
      null,
      2,
    ),
  );
  return { files: [base, bench], secret };
}

/** Starts Synapse and waits until it answers. */
export async function startSynapse(dir, port, { files }) {
  const child = startGroup(PYTHON, ["-m", "synapse.app.homeserver", ...files.flatMap((f) => ["-c", f])], {
    cwd: dir,
    log: join(dir, "stdout.log"),
  });
  await waitForHttp(`http://127.0.0.1:${port}/_matrix/client/versions`, 120000, child);
  return child;
}

/** Registers a user through the admin shared-secret API and returns its access token. */
export async function registerUser(port, secret, username) {
  return (await registerAccount(port, secret, username)).accessToken;
}

/**
 * Registers a user through the admin shared-secret API.
 * @returns {Promise<{ userId: string, password: string, accessToken: string }>}
 */
export async function registerAccount(port, secret, username, password = randomBytes(12).toString("hex")) {
  const url = `http://127.0.0.1:${port}/_synapse/admin/v1/register`;
  const { nonce } = await (await fetch(url)).json();
  const mac = createHmac("sha1", secret).update(`${nonce}\0${username}\0${password}\0notadmin`).digest("hex");
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ nonce, username, password, admin: false, mac }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`synapse: registering ${username}: ${JSON.stringify(body)}`);
  return { userId: body.user_id, password, accessToken: body.access_token };
}
