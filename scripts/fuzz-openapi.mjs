#!/usr/bin/env node
// Fuzzes every role's OpenAPI document and the gateway's with schemathesis, every check on
// (scripts/schemathesis.toml says what is turned off where, and why):
// starts the all-in-one bundle (every role's app on a port of its own) on 127.0.0.1, runs
// `st run <listener>/openapi.json` for each listener in turn, then stops it by pid. schemathesis
// is installed once, pinned, into a virtualenv in the cache outside the repository.
//
//   npm run test:fuzz                       (builds first)
//   FUZZ_MAX_EXAMPLES=200 FUZZ_MAX_TIME=120 npm run test:fuzz
//   FUZZ_ONLY=monolith,gateway npm run test:fuzz
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

const VERSION = "4.32.5";
const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "cinemaabyss");
const venv = join(cache, `schemathesis-${VERSION}`);
const st = join(venv, "bin", "st");
const maxExamples = process.env.FUZZ_MAX_EXAMPLES ?? "40";
const maxTime = process.env.FUZZ_MAX_TIME ?? "45";
const only = process.env.FUZZ_ONLY?.split(",").map((s) => s.trim());

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.status}`);
}

if (!existsSync(st)) {
  process.stderr.write(`installing schemathesis ${VERSION} into ${venv} (once)\n`);
  mkdirSync(cache, { recursive: true });
  run("python3", ["-m", "venv", venv]);
  run(join(venv, "bin", "pip"), ["install", "--quiet", `schemathesis==${VERSION}`]);
}

/** Starts the all-in-one bundle on free ports; resolves with its pid and listener ports once all listen. */
function startAllInOne() {
  const env = { PATH: process.env.PATH, HOST: "127.0.0.1", PGLITE_DATA_DIR: "memory://", LOG_LEVEL: "info", PORT: "0", GATEWAY_PORT: "0", MONOLITH_PORT: "0", ADMIN_PORT: "0" };
  for (const name of ["MOVIES", "EVENTS", "USERS", "PAYMENTS", "AUTH"]) env[`${name}_PORT`] = "0";
  const child = spawn("node", ["dist/all-in-one.mjs"], { env, stdio: ["ignore", "pipe", "inherit"] });
  const ports = {};
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`all-in-one exited with ${code} before listening`)));
    const deadline = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`all-in-one did not listen on every port within 120 s (listening: ${JSON.stringify(ports)})`));
    }, 120_000);
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.msg === "listening") ports[entry.service] = entry.port;
      // The gateway is the last to be built; every listener logs before the role is up.
      if (entry.msg === "listening" && ports.gateway && ports.admin && Object.keys(ports).length >= 8) {
        clearTimeout(deadline);
        resolve({ child, ports });
      }
    });
  });
}

// schemathesis sometimes prints an internal warning as one line of hundreds of kilobytes: cut it.
// Its "===== 3 warnings in 45.02s =====" banners are pytest's closing-line format, which CI's reader
// takes for a pytest run that executed no test: they are reworded, so that the only closing line
// is the one .ci/run prints.
function printable(line, listener) {
  const banner = /^=+ (.+?) =+$/.exec(line);
  if (banner) {
    const closing = /^(.*) in ([0-9.]+)s$/.exec(banner[1]);
    return closing ? `schemathesis on ${listener} finished after ${closing[2]} s: ${closing[1]}` : `--- ${banner[1]} ---`;
  }
  return line.length > 400 ? `${line.slice(0, 400)} [... ${line.length} characters]` : line;
}

// A run that outlives this is stopped and counted as failed: a hung request or a hung generator
// must end CI with its output, not hold it until CI's own limit cuts everything off.
const deadlineSeconds = Number(maxTime) * 2 + 120;
// schemathesis keeps a crash cache (.schemathesis/) in its working directory and replays it first:
// it runs in a directory of its own per fuzz run, so the clone stays clean and every run starts
// from the same place.
const config = resolve("scripts/schemathesis.toml");

/** Runs schemathesis on one listener, printing its lines as they come; resolves with its exit code, or "timeout". */
function fuzz(name, port) {
  const args = [
    "--config-file",
    config,
    "run",
    `http://127.0.0.1:${port}/openapi.json`,
    // Every check is on by default; scripts/schemathesis.toml turns one off per operation, with
    // its reason (a `--checks all` here would override that).
    "--max-examples",
    maxExamples,
    "--max-time",
    maxTime,
    // A reply slower than this is a failure of its own, not a wait.
    "--request-timeout",
    "20",
    // One worker: Python 3.11's ast module fails ("recursion depth mismatch") under threads.
    "--workers",
    "1",
    "--seed",
    "1",
    "--suppress-health-check",
    "too_slow",
  ];
  const run = spawn(st, args, { cwd: workDir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SCHEMATHESIS_TELEMETRY: "false" } });
  running = run;
  for (const stream of [run.stdout, run.stderr]) createInterface({ input: stream }).on("line", (line) => process.stdout.write(`${printable(line, name)}\n`));
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    process.stdout.write(`\nschemathesis on ${name} still running after ${deadlineSeconds} s: stopped\n`);
    run.kill("SIGKILL");
  }, deadlineSeconds * 1000);
  return new Promise((resolve) =>
    run.once("close", (code) => {
      clearTimeout(deadline);
      resolve(timedOut ? "timeout" : code);
    }),
  );
}

/** The schemathesis run under way, stopped with the bundle when this script is stopped. */
let running;
let stopping = false;
const { child, ports } = await startAllInOne();
// Its stderr is this script's; a stop nobody asked for is named here, before the runs that follow fail to connect.
child.once("exit", (code, signal) => {
  if (!stopping) process.stdout.write(`\nthe all-in-one bundle exited during the runs (${signal ?? `code ${code}`})\n`);
});
const stop = () => {
  stopping = true;
  running?.kill("SIGKILL");
  child.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
const failed = [];
const workDir = mkdtempSync(join(tmpdir(), "cinemaabyss-fuzz-"));
try {
  for (const [name, port] of Object.entries(ports)) {
    // The admin listener is no public API: it publishes no OpenAPI document.
    if (name === "admin" || (only && !only.includes(name))) continue;
    process.stdout.write(`\n== schemathesis: ${name} (127.0.0.1:${port}/openapi.json), every check\n`);
    const outcome = await fuzz(name, port);
    if (outcome !== 0) failed.push(outcome === "timeout" ? `${name} (stopped after ${deadlineSeconds} s)` : name);
  }
} finally {
  stop();
  rmSync(workDir, { recursive: true, force: true });
}
if (failed.length > 0) {
  process.stderr.write(`\nschemathesis found failures on: ${failed.join(", ")}\n`);
  process.exit(1);
}
process.stdout.write("\nschemathesis: no failure on any listener\n");
