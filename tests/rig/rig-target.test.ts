// The rig target proven without hardware: the lin firmware started on its own with its bench link
// listening (OXS_BENCH_LINK_LISTEN) stands in for a board on the bench, `--rig tcp:127.0.0.1:PORT`
// drives it through the development CSMS, and every scenario in scenarios/ runs through the rig
// exactly as against the Node simulator. The board's mains relay is the process (LinBoard). Uses
// the lin tests' build and skip rule (no SDK: skip and say so; CI never skips).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryLogSink } from "platform/host/log-console";
import type { LinBuild } from "../../tools/lin/build.ts";
import { LinBoard } from "../../tools/lin/lin-board.ts";
import { parseRigAddress } from "../../tools/rig/address.ts";
import { startRigStack, type RigStack } from "../../tools/rig/rig-stack.ts";
import { parseScenario } from "../../tools/scenario/scenario.ts";
import { runScenario } from "../../tools/scenario/runner.ts";
import { PROJECT_ROOT } from "../../tools/xs/bundle.ts";
import { getState } from "../support/sim-stack.ts";
import { waitUntil } from "../support/waits.ts";
import { linBuildOrSkip } from "../support/lin-stack.ts";

const ID = "RIG-0001";
const WAIT = 60_000;

/** A port that was free a moment ago (the board and the rig must agree on it before either starts). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("rig target against a lin firmware standing in for a board (--rig tcp:)", function () {
  this.timeout(240_000);
  let build: LinBuild;
  let dir: string;
  let board: LinBoard | undefined;
  let stack: RigStack | undefined;
  let logs: MemoryLogSink;
  let listenPort: number;
  let proxyPort: number;

  before(function () {
    this.timeout(1_800_000); // the first build of a fresh clone
    build = linBuildOrSkip(this);
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "oxs-rig-"));
    logs = new MemoryLogSink();
    listenPort = await freePort();
    proxyPort = await freePort();
    // The board is provisioned to reach the CSMS through the rig's proxy, as a real one would be.
    board = new LinBoard({
      build,
      stateDir: dir,
      listenPort,
      csmsUrlTemplate: `ws://127.0.0.1:${proxyPort}/ocpp/{deviceId}`,
      identity: ID,
      log: logs,
    });
    await board.start();
  });

  afterEach(async function () {
    await stack?.close();
    stack = undefined;
    board?.close();
    board = undefined;
    rmSync(dir, { recursive: true, force: true });
    if (this.currentTest?.state === "failed") process.stdout.write(`      log:\n${logs.lines.slice(-60).join("\n")}\n`);
  });

  async function startRig(): Promise<string> {
    stack = await startRigStack({
      rig: parseRigAddress(`tcp:127.0.0.1:${listenPort}`),
      mains: board,
      proxyPort,
      benchPort: 0,
      devCsms: { heartbeatIntervalS: 60 },
      log: logs,
      retryMs: 200,
    });
    return stack.bench!.url;
  }

  it("links to the board, learns its identity, and serves its state, OCPP status and frames", async () => {
    const url = await startRig();
    assert.equal(stack!.linked, true, "the board said hello before the bench started");
    assert.equal(stack!.chargers[0].identity, ID);
    assert.equal(stack!.chargers[0].simulatedBoard, true, "the lin board's EVs are simulated: EV states go over the link");
    const chargers = (await (await fetch(`${url}/chargers`)).json()) as { default: string };
    assert.equal(chargers.default, ID);
    await waitUntil("online through the rig's proxy", async () => (await getState(url)).connection === "online", WAIT, 100);
    const state = await getState(url);
    assert.match(state.firmwareVersion, /\S/);
    assert.equal(state.connectors[0].dutyPercent, 100, "steady +12 V while nothing is plugged");
    const trigger = await fetch(`${url}/csms/triggerMessage`, { method: "POST", body: JSON.stringify({ requestedMessage: "Heartbeat" }) });
    assert.equal(trigger.status, 200);
    await waitUntil(
      "the board's frames on the bench",
      async () => {
        const log = await (await fetch(`${url}/log`)).text();
        return / <- \[2,"[^"]+","TriggerMessage"/.test(log) && / -> \[2,"[^"]+","Heartbeat"/.test(log);
      },
      WAIT,
      100,
    );
    assert.ok(stack!.csms!.isConnected(ID), "the dev CSMS has the board");
  });

  it("runs the CLI: npm start -- --rig tcp:... --proxy-listen serves the bench for the board", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "tools/start.ts",
        "--rig",
        `tcp:127.0.0.1:${listenPort}`,
        "--proxy-listen",
        `127.0.0.1:${proxyPort}`,
        "--bench-port",
        "0",
      ],
      { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
    try {
      const url = await waitUntil("the bench URL printed", () => /Bench page: (http:\S+)/.exec(out)?.[1], WAIT);
      assert.match(out, new RegExp(`Board: tcp:127\\.0\\.0\\.1:${listenPort}, ${ID}`));
      assert.match(out, new RegExp(`Board's CSMS URL .*ws://127\\.0\\.0\\.1:${proxyPort}/ocpp/\\{deviceId\\}`));
      await waitUntil("the board online", async () => (await getState(url)).connection === "online", WAIT, 100);
      const power = await fetch(`${url}/power`, { method: "POST", body: JSON.stringify({ action: "cut" }) });
      assert.equal(power.status, 501, "no mains relay without an EV emulator that drives one");
      assert.match(((await power.json()) as { error: string }).error, /needs a relay in the charger's mains/);
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  });

  describe("every scenario in scenarios/, through the rig", () => {
    const files = readdirSync(join(PROJECT_ROOT, "scenarios")).filter((f) => f.endsWith(".json"));
    it("finds the scenario files", () => assert.ok(files.length >= 3));
    for (const file of files) {
      it(`scenarios/${file} passes on the rig`, async () => {
        const url = await startRig();
        const lines: string[] = [];
        const scenario = parseScenario(JSON.parse(readFileSync(join(PROJECT_ROOT, "scenarios", file), "utf8")));
        const result = await runScenario(scenario, url, { write: (l) => lines.push(l) });
        if (!result.passed) lines.push("--- the bench's frame log", await (await fetch(`${url}/log`)).text());
        assert.equal(result.passed, true, lines.join("\n"));
      });
    }
  });
});
