#!/usr/bin/env node
// matrix-pusher-validator [--allow-http] [--allow-private-hosts] [--allow-any-path]
//   [--kinds LIST] [--allow-webpush] [--allowed-private-host HOST]... [FILE...]
//
// Validates each FILE (or standard input, also named "-") as a POST /pushers/set body and
// prints each outcome as one line of JSON. Exit status: 0 when every body is accepted, 1 when
// any is rejected, 2 on a usage error (an unknown flag, a refused option value, a file that
// cannot be read).

import { readFileSync } from "node:fs";
import "./node.mjs";
import { validateToText } from "./api.js";

const USAGE = `usage: matrix-pusher-validator [OPTION...] [FILE...]

Validates each FILE (standard input when none, or for "-") as a Matrix POST /pushers/set body
and prints each outcome as one line of JSON.

  --allow-http                  accept http:// gateway URLs
  --allow-private-hosts         accept loopback and private gateway hosts
  --allowed-private-host HOST   accept this private host (a name, an address or a CIDR range);
                                repeat it for more
  --allow-any-path              accept any gateway path
  --kinds LIST                  the kinds a set may use, comma-separated (default http,email)
  --allow-webpush               add webpush to the kinds

Exit status: 0 all accepted, 1 any rejected, 2 usage error.
`;

const FLAGS = {
  "--allow-http": "allowHttp",
  "--allow-private-hosts": "allowPrivateHosts",
  "--allow-any-path": "allowAnyPath",
};

function usageError(message) {
  process.stderr.write(`matrix-pusher-validator: ${message}\n${USAGE}`);
  process.exit(2);
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function main(args) {
  const options = {};
  const files = [];
  let kinds;
  let webPush = false;
  let flagsDone = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    // `--name=value` and `--name value` alike.
    const [name, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= args.length) usageError(`${name} needs a value`);
      i += 1;
      return args[i];
    };
    if (!flagsDone && arg === "--") {
      flagsDone = true;
    } else if (!flagsDone && (arg === "-h" || arg === "--help")) {
      process.stdout.write(USAGE);
      return 0;
    } else if (!flagsDone && Object.hasOwn(FLAGS, arg)) {
      options[FLAGS[arg]] = true;
    } else if (!flagsDone && name === "--kinds") {
      kinds = value()
        .split(",")
        .filter((kind) => kind !== "");
    } else if (!flagsDone && arg === "--allow-webpush") {
      webPush = true;
    } else if (!flagsDone && name === "--allowed-private-host") {
      options.allowedPrivateHosts = [...(options.allowedPrivateHosts ?? []), value()];
    } else if (!flagsDone && arg.startsWith("-") && arg !== "-") {
      usageError(`unknown flag ${arg}`);
    } else {
      files.push(arg);
    }
  }
  if (webPush) kinds = [...new Set([...(kinds ?? ["http", "email"]), "webpush"])];
  if (kinds !== undefined) options.kinds = kinds;
  // The core reads the options; a value it refuses is a usage error, before any body is read.
  try {
    validateToText("{}", options);
  } catch (error) {
    if (error instanceof TypeError) usageError(error.message.replace(/^matrix-pusher-validator: /, ""));
    throw error;
  }
  if (files.length === 0) files.push("-");

  // Every body is read before any is validated, so that an unreadable file is a usage error
  // with no partial output.
  const bodies = [];
  for (const file of files) {
    if (file === "-") {
      bodies.push(await readStdin());
      continue;
    }
    try {
      bodies.push(readFileSync(file));
    } catch (error) {
      usageError(`cannot read ${file}: ${error.code ?? error.message}`);
    }
  }

  let allAccepted = true;
  for (const body of bodies) {
    const text = validateToText(body, options);
    if (JSON.parse(text).ok !== true) allAccepted = false;
    process.stdout.write(`${text}\n`);
  }
  return allAccepted ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
