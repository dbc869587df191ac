// Starts the development CSMS and prints its URL and every OCPP frame.
//   npx tsx tools/csms/cli.ts [--port 9000] [--path /ocpp] [--heartbeat 300] [--password ID=SECRET]... [--quiet]
//                             [--tls-key KEY.pem --tls-cert CERT.pem [--tls-port 9443]]
// With --tls-key and --tls-cert it also listens for wss on 127.0.0.1 (the certificate file may hold
// the chain: the server certificate first, then its CA).
// Ctrl-C (or SIGTERM) disconnects the chargers and stops cleanly.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEV_ID_TAGS, startDevCsms } from "./dev-csms.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "9000" },
    path: { type: "string", default: "/ocpp" },
    heartbeat: { type: "string", default: "300" },
    password: { type: "string", multiple: true, default: [] },
    quiet: { type: "boolean", default: false },
    "tls-key": { type: "string" },
    "tls-cert": { type: "string" },
    "tls-port": { type: "string", default: "0" },
  },
});

function toInt(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} must be a non-negative integer, got '${text}'`);
    process.exit(2);
  }
  return value;
}

const passwords: Record<string, string> = {};
for (const pair of values.password) {
  const eq = pair.indexOf("=");
  if (eq <= 0) {
    console.error(`--password must be IDENTITY=SECRET, got '${pair}'`);
    process.exit(2);
  }
  passwords[pair.slice(0, eq)] = pair.slice(eq + 1);
}

function readPem(name: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    console.error(`--${name} ${path}: ${(error as Error).message}`);
    process.exit(2);
  }
}

if ((values["tls-key"] === undefined) !== (values["tls-cert"] === undefined)) {
  console.error("--tls-key and --tls-cert go together");
  process.exit(2);
}
const tls =
  values["tls-key"] !== undefined && values["tls-cert"] !== undefined
    ? {
        keyPem: readPem("tls-key", values["tls-key"]),
        certPem: readPem("tls-cert", values["tls-cert"]),
        port: toInt("tls-port", values["tls-port"]),
      }
    : undefined;

const csms = await startDevCsms({
  port: toInt("port", values.port),
  path: values.path,
  heartbeatIntervalS: toInt("heartbeat", values.heartbeat),
  passwords,
  tls,
});

console.log(`Development CSMS listening: ${csms.url}/<identity>`);
if (csms.secureUrl) console.log(`                   and TLS: ${csms.secureUrl}/<identity>`);
console.log(
  `Known idTags: ${Object.entries(DEV_ID_TAGS)
    .map(([tag, e]) => `${tag} (${e.status})`)
    .join(", ")}`,
);
csms.on("connected", (identity) => console.log(`[csms] ${identity} connected`));
csms.on("disconnected", ({ identity, code }) => console.log(`[csms] ${identity} disconnected (${code ?? "?"})`));
csms.on("authRejected", ({ identity, reason }) => console.log(`[csms] ${identity} refused: ${reason}`));
if (!values.quiet) {
  csms.on("frame", (f) => console.log(`${f.at} ${f.identity} ${f.direction === "cp-to-csms" ? "->" : "<-"} ${f.text}`));
}

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping the CSMS...");
  csms.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
