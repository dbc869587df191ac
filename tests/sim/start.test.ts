// `npm start` as a user runs it (tools/start.ts in a child process), its options, and a fleet.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getState, startQuietStack } from "../support/sim-stack.ts";
import { waitUntil } from "../support/waits.ts";

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startCli(args: string[]): Started {
  const child = spawn(process.execPath, ["--import", "tsx", "tools/start.ts", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout!.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => text, exited };
}

describe("npm start (tools/start.ts)", function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const children: ChildProcess[] = [];

  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("--help lists the options", async () => {
    const cli = startCli(["--help"]);
    children.push(cli.child);
    assert.equal(await cli.exited, 0);
    for (const option of [
      "--csms",
      "--device-id",
      "--password",
      "--connectors",
      "--tethered",
      "--config",
      "--state-dir",
      "--bench-port",
      "--chargers",
    ]) {
      assert.ok(cli.output().includes(option), option);
    }
  });

  it("refuses a bad option with exit code 2", async () => {
    const cli = startCli(["--connectors", "9"]);
    children.push(cli.child);
    assert.equal(await cli.exited, 2);
    assert.match(cli.output(), /--connectors must be an integer from 1 to 4/);
  });

  it("starts the dev CSMS, the charger and the bench page; the provisioned config and state dir are used; Ctrl-C stops cleanly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "oxs-start-"));
    dirs.push(dir);
    const config = join(dir, "settings.json");
    writeFileSync(config, JSON.stringify({ freeChargingIdTag: "DEV-ACCEPTED", freeCharging: true }));
    const stateDir = join(dir, "state");
    const cli = startCli([
      "--bench-port",
      "0",
      "--connectors",
      "2",
      "--device-id",
      "CP-START",
      "--state-dir",
      stateDir,
      "--config",
      config,
      "--password",
      "s3cret-pw",
    ]);
    children.push(cli.child);
    const url = await waitUntil("the printed bench URL", () => /Bench page: (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.output())?.[1], 20_000);
    assert.match(cli.output(), /Development CSMS: ws:\/\/127\.0\.0\.1:\d+\/ocpp/);
    const state = await waitUntil("online", async () => {
      const s = await getState(url);
      return s.connection === "online" ? s : undefined;
    });
    assert.equal(state.connectors.length, 2);
    // FreeCharging from the config: plugging in starts a transaction with the configured tag.
    const res = await fetch(`${url}/ev`, { method: "POST", body: JSON.stringify({ connector: 2, state: "C" }) });
    assert.equal(res.status, 200);
    await waitUntil("a free-charging transaction on connector 2", async () => (await getState(url)).connectors[1].transactionId !== null);
    await waitUntil("a status line for connector 2", () => /CP-START#2 pilot C .* tx \d+/.test(cli.output()));
    const nvs = JSON.parse(readFileSync(join(stateDir, "nvs.json"), "utf8")) as Record<string, Record<string, unknown>>;
    assert.equal(nvs.settings.freeCharging, true, "the config was provisioned into the simulated NVS");
    cli.child.kill("SIGINT");
    assert.equal(await cli.exited, 0);
    assert.match(cli.output(), /stopped/);
    assert.ok(existsSync(join(stateDir, "journal.bin")), "the state dir keeps the flash");
    await assert.rejects(fetch(`${url}/state`), "the bench API is closed");
  });

  it("--tethered: the charger has tethered cables, no lock (the bench's lock-jam is refused); without it a lock", async () => {
    const jam = async (url: string): Promise<{ status: number; error?: string }> => {
      const res = await fetch(`${url}/fault`, { method: "POST", body: JSON.stringify({ connector: 1, kind: "lock-jam", active: true }) });
      return { status: res.status, error: ((await res.json()) as { error?: string }).error };
    };
    for (const tethered of [true, false]) {
      const cli = startCli(["--bench-port", "0", ...(tethered ? ["--tethered"] : [])]);
      children.push(cli.child);
      const url = await waitUntil("the printed bench URL", () => /Bench page: (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.output())?.[1], 20_000);
      const answer = await jam(url);
      if (tethered) {
        assert.equal(answer.status, 409);
        assert.match(answer.error ?? "", /tethered cable: no lock/);
      } else {
        assert.equal(answer.status, 200, "a socket with a lock: the jam is injected");
        assert.deepEqual((await getState(url)).connectors[0].faults, ["lock-jam"]);
      }
      cli.child.kill("SIGINT");
      assert.equal(await cli.exited, 0);
    }
  });

  it("--chargers: a fleet of chargers, each with its own identity and state, against one CSMS", async () => {
    const stack = await startQuietStack({ chargers: 3, deviceId: "FLEET", benchPort: null });
    try {
      const csms = stack.csms!;
      await waitUntil("three chargers booted", () => csms.chargers().filter((c) => c.boot).length === 3);
      assert.deepEqual(
        csms
          .chargers()
          .map((c) => c.identity)
          .sort(),
        ["FLEET-0001", "FLEET-0002", "FLEET-0003"],
      );
      assert.ok(existsSync(join(stack.stateDir, "FLEET-0002", "nvs.json")), "own state dir");
      assert.equal(stack.bench, undefined);
    } finally {
      await stack.close();
    }
    assert.equal(existsSync(stack.stateDir), false, "a temporary state dir is removed on close");
  });

  it("--csms connects to an external CSMS (no dev CSMS started), with {deviceId} substituted", async () => {
    const external = await startQuietStack({ benchPort: null, chargers: 1, deviceId: "UNUSED" });
    const stack = await startQuietStack({ csmsUrl: `${external.csms!.url}/x/{deviceId}`, deviceId: "EXT-1" });
    try {
      assert.equal(stack.csms, undefined);
      await waitUntil("EXT-1 booted at the external CSMS", () => external.csms!.charger("EXT-1")?.boot !== undefined);
      assert.equal(external.csms!.charger("EXT-1")!.endpoint, "/ocpp/x");
      const res = await fetch(`${stack.bench!.url}/csms/reset`, { method: "POST", body: JSON.stringify({ type: "Soft" }) });
      assert.equal(res.status, 409, "CSMS-side bench actions need the dev CSMS");
    } finally {
      await stack.close();
      await external.close();
    }
  });
});
