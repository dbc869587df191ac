// Starts the development CSMS and prints its URL and every OCPP frame.
//   npx tsx tools/csms/cli.ts [--port 9000] [--path /ocpp] [--heartbeat 300] [--password ID=SECRET]... [--quiet]
// Ctrl-C (or SIGTERM) disconnects the chargers and stops cleanly.
import { parseArgs } from "node:util";
import { DEV_ID_TAGS, startDevCsms } from "./dev-csms.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "9000" },
    path: { type: "string", default: "/ocpp" },
    heartbeat: { type: "string", default: "300" },
    password: { type: "string", multiple: true, default: [] },
    quiet: { type: "boolean", default: false },
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

const csms = await startDevCsms({
  port: toInt("port", values.port),
  path: values.path,
  heartbeatIntervalS: toInt("heartbeat", values.heartbeat),
  passwords,
});

console.log(`Development CSMS listening: ${csms.url}/<identity>`);
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
