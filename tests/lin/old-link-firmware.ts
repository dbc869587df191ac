// A stand-in for a lin firmware built before the bench link had `schedule` and the chart fields:
// started by LinCharger in place of mcsim (`tsx old-link-firmware.ts <mc.so>`), it dials the bench
// host, says hello (protocol 1), reports a state without drawnPhasesA, powerW, smartLimitA and
// sessionEnergyWh, answers `schedule` as that firmware did (unknown command) and every other
// command with ok.
import { connect } from "node:net";

const port = Number(process.env.OXS_BENCH_LINK_PORT);
const socket = connect(port, "127.0.0.1");
const send = (line: Record<string, unknown>): void => void socket.write(`${JSON.stringify(line)}\n`);
const state = {
  connection: "connecting",
  pendingTransactionMessages: 0,
  dropped: 0,
  connectors: [
    {
      connectorId: 1,
      pilot: "A",
      ev: "A",
      relayClosed: false,
      offeredA: 0,
      drawnA: 0,
      energyWh: 0,
      temperatureC: 25,
      ocppStatus: "Available",
      transactionId: null,
      faults: [],
    },
  ],
};

socket.on("connect", () => {
  send({ t: "hello", v: 1, firmwareVersion: "0.0.9-old", deviceId: "LIN-0001", connectors: 1, simulated: true });
  send({ t: "state", state });
});
let text = "";
socket.on("data", (chunk: Buffer) => {
  text += chunk.toString("utf8");
  let at: number;
  while ((at = text.indexOf("\n")) >= 0) {
    const command = JSON.parse(text.slice(0, at)) as { id?: number; cmd?: string };
    text = text.slice(at + 1);
    if (command.cmd === "schedule") send({ t: "reply", id: command.id ?? null, ok: false, error: "unknown command 'schedule'" });
    else send({ t: "reply", id: command.id ?? null, ok: true });
  }
});
socket.on("close", () => process.exit(0));
socket.on("error", () => process.exit(1));
