// CLI: npm run ev-emulator -- [--port N]
// Builds the EV emulator for lin (incremental), runs it headless, and serves its line protocol on
// 127.0.0.1:PORT, one client at a time: a stand-in for the second board while there is none
// (`npm start -- --rig ... --ev tcp:127.0.0.1:PORT`, or EvEmulatorClient over a TCP socket). The
// emulator's own hello went to this bridge: a client asks for it (EvEmulatorClient.connect does).
import { createServer, type Socket } from "node:net";
import { parseArgs } from "node:util";
import { buildLinEvEmulator, linBuildUnavailable } from "./build.ts";
import { LinEvEmulator } from "./ev-emulator.ts";

const USAGE = "usage: npm run ev-emulator -- [--port N]   (default: a free port; printed)\n";

async function main(): Promise<number> {
  let port = 0;
  try {
    const { values } = parseArgs({ options: { port: { type: "string" }, help: { type: "boolean" } }, strict: true });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (values.port !== undefined) {
      port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port}: not a port`);
    }
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const missing = linBuildUnavailable();
  if (missing !== undefined) {
    process.stderr.write(`cannot run the lin EV emulator: ${missing}\n`);
    return 1;
  }
  const emulator = await LinEvEmulator.start(buildLinEvEmulator(), { log: (line) => process.stderr.write(`[ev-emulator] ${line}\n`) });
  let link: Socket = await emulator.connection();
  let client: Socket | undefined;
  const relink = (socket: Socket): void => {
    link = socket;
    link.on("data", (chunk: Buffer) => client?.write(chunk)); // nobody connected: events go nowhere
    link.once("close", () => void emulator.connection().then(relink, () => undefined)); // it dials again after 1 s
  };
  relink(link);
  const server = createServer((socket) => {
    if (client) {
      socket.end('{"t":"error","error":"another client is connected"}\n');
      return;
    }
    client = socket;
    socket.on("data", (chunk: Buffer) => link.write(chunk));
    socket.on("error", () => undefined);
    socket.once("close", () => {
      if (client === socket) client = undefined;
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  process.stdout.write(`EV emulator (lin) on tcp:127.0.0.1:${(server.address() as { port: number }).port}\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  server.close();
  client?.destroy();
  await emulator.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
