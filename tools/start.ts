// `npm start`: a development CSMS, a simulated charger running the real firmware core (or the lin
// build, or a real board on a rig), and the bench web page. `npm start -- --help` lists the options.
import { readFileSync } from "node:fs";
import { parseFlags } from "./cli-flags.ts";
import type { LogLevel } from "ports/log";
import { startSimStack, type SimStack } from "./sim/stack.ts";
import { startLinStack, type LinStack } from "./lin/lin-stack.ts";
import { describeRigAddress } from "./rig/address.ts";
import { rigOptionsFrom, type RigCliOptions } from "./rig/options.ts";
import { startRigStack, type RigStack } from "./rig/rig-stack.ts";
import { StatusDisplay, type StatusSource } from "./sim/status-display.ts";

const HELP = `npm start [-- options]

Starts a development CSMS on 127.0.0.1, boots a simulated charger (the real firmware core on the
simulated board) that connects to it, and serves the bench web page. Ctrl-C stops everything.

  --csms URL          connect to an external CSMS instead (ws(s)://host:port/path/{deviceId});
                      no development CSMS is started then
  --device-id ID      charge point identity (default SIM-0001; a fleet adds -0001, -0002, ...)
  --password PW       Basic-auth password of the charger (the dev CSMS then requires it)
  --connectors N      connectors per charger, 1 to 4 (default 1)
  --tethered          tethered cables without a connector lock (default: Type 2 sockets with a
                      lock, which UnlockConnector drives and the bench fault lock-jam jams)
  --config FILE       JSON object of settings, written into the simulated NVS like provisioning
                      does (they win over the options above), e.g. {"csmsUrl": "...", "freeCharging": true}
  --state-dir DIR     simulated flash and NVS (state survives a restart); default: a temporary
                      directory removed at exit
  --bench-port PORT   port of the bench page and API (default 8080; 0 picks a free port)
  --csms-port PORT    port of the development CSMS (default 0: a free port)
  --chargers N        run N chargers in this process (a load generator for CSMS developers)
  --log-level LEVEL   debug, info, warn or error (default info; warn for a fleet)
  --target TARGET     sim (default): the firmware core in this Node process on the simulated board;
                      lin: the firmware as mcconfig builds it for lin (XS 17, Moddable SDK), run
                      headless and reached over its bench link (one charger; builds incrementally
                      first, the SDK from tools/moddable/sdk.sh)
  --rig ADDRESS       a hardware-in-the-loop rig: the charger is a real board reached over its bench
                      link, serial:<device>[@<baud>] (e.g. serial:/dev/ttyUSB0, 115200 baud unless
                      given) or tcp:<host>:<port> (a lin firmware started with OXS_BENCH_LINK_LISTEN);
                      the board runs as provisioned: point its csmsUrlTemplate at the proxy printed
  --ev ADDRESS        with --rig: the EV emulator on the board's cable (serial:<device>), which sets
                      the EV states and faults of a physical board and may drive its mains relay;
                      without it those answer 501
  --proxy-listen H:P  with --rig: where the board reaches the CSMS through the rig (default
                      127.0.0.1 and a free port; a board on Wi-Fi needs an address it can reach)
  --tls               with --target lin: security profile 2, Basic auth over wss; the development
                      CSMS also listens for wss with a throwaway CA made now (openssl), which is
                      provisioned into the charger's NVS with SecurityProfile 2 (a random password
                      unless --password)
  --help              this text
`;

function fail(message: string): never {
  process.stderr.write(`npm start: ${message}\n(see npm start -- --help)\n`);
  process.exit(2);
}

function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

function chargerName(stack: SimStack | LinStack): string {
  const first = stack.chargers[0];
  return "firmware" in first ? (first.firmware?.settings.deviceId ?? first.identity) : `${first.identity}, lin firmware`;
}

/** `npm start -- --rig ...`: the board over its bench link; runs until Ctrl-C. */
async function startRig(
  options: RigCliOptions,
  csms: string | undefined,
  benchPort: number,
  csmsPort: number,
  logLevel: LogLevel,
): Promise<{ stack: RigStack; display: StatusDisplay }> {
  const sources: StatusSource[] = [];
  const display = new StatusDisplay(sources);
  process.stdout.write(`Opening the board's bench link at ${describeRigAddress(options.rig)}...\n`);
  const stack = await startRigStack({
    rig: options.rig,
    ev: options.ev,
    csmsUrl: csms,
    proxyHost: options.proxyHost,
    proxyPort: options.proxyPort,
    benchPort,
    devCsms: { port: csmsPort, heartbeatIntervalS: 60 },
    log: display.logSink("[rig] ", logLevel),
  });
  const charger = stack.chargers[0];
  sources.push(charger);
  process.stdout.write(
    [
      stack.csms ? `Development CSMS: ${stack.csms.url}` : `CSMS: ${stack.csmsUrlTemplate}`,
      `Board: ${describeRigAddress(options.rig)}, ${stack.linked ? `${charger.identity}, firmware ${charger.getState().firmwareVersion}` : "no hello yet (still trying)"}`,
      `Board's CSMS URL (through the rig, for network drop/restore): ${stack.boardCsmsUrlTemplate}`,
      `EV emulator: ${options.ev ? describeRigAddress(options.ev) : "none (a physical board's EV states and faults answer 501)"}`,
      `Bench page: ${stack.bench?.url ?? "none"}`,
      "Ctrl-C stops.",
      "",
    ].join("\n"),
  );
  display.start();
  return { stack, display };
}

async function main(): Promise<void> {
  const v = parseFlags(
    {
      csms: { type: "string" },
      "device-id": { type: "string" },
      password: { type: "string" },
      connectors: { type: "string" },
      tethered: { type: "boolean" },
      config: { type: "string" },
      "state-dir": { type: "string" },
      "bench-port": { type: "string" },
      "csms-port": { type: "string" },
      chargers: { type: "string" },
      "log-level": { type: "string" },
      target: { type: "string" },
      rig: { type: "string" },
      ev: { type: "string" },
      "proxy-listen": { type: "string" },
      tls: { type: "boolean" },
    },
    HELP,
    fail,
  );
  if (!v) return;
  if (v.csms !== undefined && !/^wss?:\/\/[^/\s]+\/\S*$/.test(v.csms)) fail("--csms must be a ws:// or wss:// URL with a path");
  const chargers = intOption(v.chargers, "chargers", 1, 5000) ?? 1;
  const levels: LogLevel[] = ["debug", "info", "warn", "error"];
  const logLevel = (v["log-level"] ?? (chargers > 1 ? "warn" : "info")) as LogLevel;
  if (!levels.includes(logLevel)) fail("--log-level must be debug, info, warn or error");
  let config: Record<string, unknown> | undefined;
  if (v.config !== undefined) {
    try {
      config = JSON.parse(readFileSync(v.config, "utf8")) as Record<string, unknown>;
    } catch (error) {
      fail(`--config ${v.config}: ${(error as Error).message}`);
    }
  }

  let rig: RigCliOptions | undefined;
  try {
    rig = rigOptionsFrom(v);
  } catch (error) {
    fail((error as Error).message);
  }
  if (v.tls && rig) fail("--tls is for --target lin (a rig's board is provisioned as it is)");
  if (rig) {
    let started: { stack: RigStack; display: StatusDisplay };
    try {
      started = await startRig(
        rig,
        v.csms,
        intOption(v["bench-port"], "bench-port", 0, 65535) ?? 8080,
        intOption(v["csms-port"], "csms-port", 0, 65535) ?? 0,
        logLevel,
      );
    } catch (error) {
      fail((error as Error).message);
    }
    stopOnSignals(started.stack, () => started.display.stop());
    return;
  }

  const target = v.target ?? "sim";
  if (target !== "sim" && target !== "lin") fail("--target must be sim or lin");
  if (target === "lin" && chargers > 1) fail("--target lin runs one charger (--chargers is for the Node simulator)");
  if (v.tls && target !== "lin") fail("--tls is for --target lin (the firmware's own TLS client on XS)");
  if (v.tls && v.csms !== undefined) fail("--tls runs the development CSMS over wss: not with --csms");

  const sources: StatusSource[] = [];
  const display = new StatusDisplay(sources);
  let stack: SimStack | LinStack;
  try {
    const common = {
      csmsUrl: v.csms,
      deviceId: v["device-id"],
      password: v.password,
      connectors: intOption(v.connectors, "connectors", 1, 4),
      config,
      stateDir: v["state-dir"],
      benchPort: intOption(v["bench-port"], "bench-port", 0, 65535) ?? 8080,
      devCsms: { port: intOption(v["csms-port"], "csms-port", 0, 65535) ?? 0, heartbeatIntervalS: 60 },
    };
    if (target === "lin") process.stdout.write("Building the lin firmware (incremental; the first build takes minutes)...\n");
    stack =
      target === "lin"
        ? await startLinStack({ ...common, tls: v.tls ?? false, log: (identity) => display.logSink(`[${identity}] `, logLevel) })
        : await startSimStack({
            csmsUrl: v.csms,
            deviceId: v["device-id"],
            password: v.password,
            connectors: intOption(v.connectors, "connectors", 1, 4),
            tethered: v.tethered ?? false,
            config,
            stateDir: v["state-dir"],
            benchPort: intOption(v["bench-port"], "bench-port", 0, 65535) ?? 8080,
            chargers,
            devCsms: { port: intOption(v["csms-port"], "csms-port", 0, 65535) ?? 0, heartbeatIntervalS: 60 },
            log: (identity) => display.logSink(chargers > 1 ? `[${identity}] ` : "", logLevel),
            logLevel,
          });
  } catch (error) {
    fail((error as Error).message);
  }
  sources.push(...stack.chargers);
  process.stdout.write(
    [
      stack.csms
        ? `Development CSMS: ${stack.csms.url}${stack.csms.secureUrl ? ` and ${stack.csms.secureUrl} (wss, the charger's)` : ""}`
        : `CSMS: ${stack.csmsUrlTemplate}`,
      // The booted firmware's identity: settings provisioned into the state dir win over --device-id.
      `Chargers: ${stack.chargers.length} (${chargerName(stack)}${stack.chargers.length > 1 ? " ..." : ""}), state in ${stack.stateDir}`,
      `Bench page: ${stack.bench?.url ?? "none"}`,
      "Ctrl-C stops.",
      "",
    ].join("\n"),
  );
  display.start();
  stopOnSignals(stack, () => display.stop());
}

/** Ctrl-C (or SIGTERM): closes the stack and exits; a second one exits at once. */
function stopOnSignals(stack: { close(): Promise<void> }, before?: () => void): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      process.stderr.write("forced exit\n");
      process.exit(1);
    }
    stopping = true;
    before?.();
    process.stdout.write(`\n${signal}: stopping...\n`);
    stack
      .close()
      .then(() => {
        process.stdout.write("stopped\n");
        process.exit(0);
      })
      .catch((error: Error) => {
        process.stderr.write(`stop failed: ${error.message}\n`);
        process.exit(1);
      });
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

void main();
