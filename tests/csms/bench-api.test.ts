import assert from "node:assert/strict";
import { get, type ClientRequest } from "node:http";
import { FakeBenchTarget } from "../../tools/bench-api/fake-target.ts";
import { startBenchApi, type BenchApi } from "../../tools/bench-api/server.ts";
import { BenchTargetUnsupported } from "../../tools/bench-api/target.ts";

interface SseEvent {
  event: string;
  data: unknown;
}

/** A minimal SSE reader: `next(match)` resolves with the first matching event not yet consumed. */
class SseReader {
  readonly #events: SseEvent[] = [];
  #waiter: (() => void) | undefined;
  #buffer = "";
  #request: ClientRequest | undefined;
  status = 0;
  contentType = "";

  static open(url: string): Promise<SseReader> {
    const reader = new SseReader();
    return new Promise((resolve, reject) => {
      reader.#request = get(url, (res) => {
        reader.status = res.statusCode ?? 0;
        reader.contentType = String(res.headers["content-type"]);
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => reader.#feed(chunk));
        resolve(reader);
      });
      reader.#request.on("error", reject);
    });
  }

  #feed(chunk: string): void {
    this.#buffer += chunk;
    let end: number;
    while ((end = this.#buffer.indexOf("\n\n")) >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      let event = "message";
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      if (data !== "") this.#events.push({ event, data: JSON.parse(data) });
    }
    this.#waiter?.();
  }

  async next(match: (e: SseEvent) => boolean, timeoutMs = 5000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.#events.findIndex(match);
      if (index >= 0) return this.#events.splice(0, index + 1)[index];
      this.#events.length = 0; // everything before is not what we wait for
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("no matching server-sent event arrived");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  close(): void {
    this.#request?.destroy();
  }
}

describe("bench HTTP API", () => {
  let target: FakeBenchTarget;
  let api: BenchApi;
  const readers: SseReader[] = [];

  beforeEach(async () => {
    target = new FakeBenchTarget(2);
    api = await startBenchApi({ target, port: 0, maxBodyBytes: 1024 });
  });

  afterEach(async () => {
    for (const r of readers.splice(0)) r.close();
    await api.close();
  });

  async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(api.url + path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  async function expect400(path: string, body: unknown, message: RegExp): Promise<void> {
    const { status, json } = await post(path, body);
    assert.equal(status, 400, `${path} ${JSON.stringify(body)} -> ${JSON.stringify(json)}`);
    assert.equal(typeof json.error, "string");
    assert.match(json.error as string, message);
  }

  it("listens on 127.0.0.1 with a free port", () => {
    assert.match(api.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("serves a self-contained page with stable test ids", async () => {
    const res = await fetch(api.url + "/");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/html/);
    const html = await res.text();
    for (const id of [
      "firmware-version",
      "connection-state",
      "power-cut",
      "power-restore",
      "network-drop",
      "network-restore",
      "card-idtag",
      "card-present",
      "csms-change-config",
      "csms-reset-soft",
      "csms-reset-hard",
      "frame-log",
      "action-result",
    ]) {
      assert.ok(html.includes(`data-testid="${id}"`), `page has data-testid ${id}`);
    }
    // Per connector N the panel's fields get the test id connector-N-<field>.
    for (const field of ["energy", "temperature", "status"]) {
      assert.ok(html.includes(`data-field="${field}"`), `connector panels have connector-N-${field}`);
    }
    assert.doesNotMatch(html, /<link\b|<script[^>]+src=|https?:\/\/(?!127)/, "no external assets");
    assert.match(html, /new EventSource\("\/events"\)/);
  });

  it("GET /state returns the target's state", async () => {
    const res = await fetch(api.url + "/state");
    assert.equal(res.status, 200);
    const state = (await res.json()) as ReturnType<FakeBenchTarget["getState"]>;
    assert.equal(state.firmwareVersion, "0.1.0-fake");
    assert.equal(state.connection, "online");
    assert.equal(state.connectors.length, 2);
    assert.deepEqual(Object.keys(state.connectors[0]).sort(), [
      "connectorId",
      "drawnA",
      "drawnPhasesA",
      "dutyPercent",
      "energyWh",
      "ev",
      "faults",
      "ocppStatus",
      "offeredA",
      "pilot",
      "powerW",
      "relayClosed",
      "sessionEnergyWh",
      "smartLimitA",
      "temperatureC",
      "transactionId",
    ]);
  });

  it("GET /composite-schedule asks the target for the connector's composite and returns its answer", async () => {
    const res = await fetch(`${api.url}/composite-schedule?connector=2&duration=600&unit=W`);
    assert.equal(res.status, 200);
    const answer = (await res.json()) as {
      status: string;
      connectorId: number;
      chargingSchedule: { duration: number; chargingRateUnit: string };
    };
    assert.equal(answer.status, "Accepted");
    assert.equal(answer.connectorId, 2);
    assert.equal(answer.chargingSchedule.duration, 600);
    assert.equal(answer.chargingSchedule.chargingRateUnit, "W");
    assert.deepEqual(target.calls.at(-1), {
      method: "compositeSchedule",
      args: [{ connectorId: 2, duration: 600, chargingRateUnit: "W" }],
    });
    // Defaults: one hour, the unit left to the charger (A); connector 0 is the whole charger.
    assert.equal((await fetch(`${api.url}/composite-schedule?connector=0`)).status, 200);
    assert.deepEqual(target.calls.at(-1), { method: "compositeSchedule", args: [{ connectorId: 0, duration: 3600 }] });
  });

  it("GET /composite-schedule: 400 for a bad query, 405 for POST, 409 and 501 from the target", async () => {
    const cases: [string, RegExp][] = [
      ["", /missing field 'connector'/],
      ["connector=3", /'connector' must be a connector number from 0 to 2/],
      ["connector=one", /'connector' must be a connector number from 0 to 2/],
      ["connector=1&duration=0", /'duration' must be >= 1/],
      ["connector=1&duration=86401", /'duration' must be <= 86400/],
      ["connector=1&duration=1.5", /'duration' must be an integer/],
      ["connector=1&unit=kW", /'unit' must be one of "A", "W"/],
      ["connector=1&connector=2", /query parameter 'connector' given 2 times/],
      ["connector=1&from=now", /unknown query parameter 'from' \(allowed: connector, duration, unit\)/],
    ];
    for (const [query, message] of cases) {
      const res = await fetch(`${api.url}/composite-schedule?${query}`);
      const body = (await res.json()) as { error: string };
      assert.equal(res.status, 400, query);
      assert.match(body.error, message, query);
    }
    const post = await fetch(`${api.url}/composite-schedule?connector=1`, { method: "POST", body: "{}" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET");
    target.power("cut");
    const off = await fetch(`${api.url}/composite-schedule?connector=1`);
    assert.equal(off.status, 409);
    assert.match(((await off.json()) as { error: string }).error, /powered off/);
    target.compositeSchedule = () => {
      throw new BenchTargetUnsupported("no smart-charging service on this target");
    };
    const unsupported = await fetch(`${api.url}/composite-schedule?connector=1`);
    assert.equal(unsupported.status, 501);
    assert.deepEqual(await unsupported.json(), { error: "no smart-charging service on this target" });
  });

  it("POST /ev, /card, /fault, /power and /network reach the target", async () => {
    assert.deepEqual((await post("/ev", { connector: 2, state: "B" })).json, { ok: true });
    assert.equal((await post("/card", { idTag: "TAG1", connector: 2 })).status, 200);
    assert.equal((await post("/card", { idTag: "TAG1" })).status, 200);
    assert.equal((await post("/fault", { connector: 1, kind: "rcd-dc", active: true })).status, 200);
    assert.equal((await post("/power", { action: "cut" })).status, 200);
    assert.equal((await post("/network", { action: "drop" })).status, 200);
    assert.deepEqual(target.calls, [
      { method: "setEv", args: [2, "B"] },
      { method: "presentCard", args: ["TAG1", 2] },
      { method: "presentCard", args: ["TAG1", undefined] },
      { method: "setFault", args: [1, "rcd-dc", true] },
      { method: "power", args: ["cut"] },
      { method: "network", args: ["drop"] },
    ]);
    const state = target.getState();
    assert.equal(state.power, "off");
    assert.equal(state.network, "down");
    assert.deepEqual(state.connectors[0].faults, ["rcd-dc"]);
  });

  it("POST /csms/<action> sends the OCPP request and returns the charger's answer", async () => {
    await post("/ev", { connector: 1, state: "B" });
    const start = await post("/csms/remoteStart", { idTag: "DEV-ACCEPTED", connector: 1 });
    assert.deepEqual(start, { status: 200, json: { ok: true, response: { status: "Accepted" } } });
    const transactionId = target.getState().connectors[0].transactionId;
    assert.equal(typeof transactionId, "number");
    assert.deepEqual((await post("/csms/remoteStop", { transactionId })).json.response, { status: "Accepted" });
    assert.deepEqual((await post("/csms/remoteStop", { transactionId: 999 })).json.response, { status: "Rejected" });

    const requests: [string, unknown][] = [
      ["/csms/changeConfiguration", { key: "HeartbeatInterval", value: "60" }],
      ["/csms/reset", { type: "Soft" }],
      [
        "/csms/sendLocalList",
        { listVersion: 2, updateType: "Full", localAuthorizationList: [{ idTag: "A", idTagInfo: { status: "Accepted" } }] },
      ],
      ["/csms/reserveNow", { connector: 0, idTag: "A", expiryDate: "2030-01-01T00:00:00Z", reservationId: 5 }],
      ["/csms/triggerMessage", { requestedMessage: "StatusNotification", connector: 2 }],
      ["/csms/updateFirmware", { location: "http://127.0.0.1/fw.bin", retrieveDate: "2030-01-01T00:00:00Z", retries: 1 }],
      ["/csms/unlockConnector", { connector: 1 }],
    ];
    for (const [path, body] of requests) assert.equal((await post(path, body)).status, 200, path);
    const sent = target.calls.filter((c) => c.method.startsWith("csms.")).map((c) => [c.method, c.args[0]]);
    assert.deepEqual(sent.slice(3), [
      ["csms.ChangeConfiguration", { key: "HeartbeatInterval", value: "60" }],
      ["csms.Reset", { type: "Soft" }],
      [
        "csms.SendLocalList",
        { listVersion: 2, updateType: "Full", localAuthorizationList: [{ idTag: "A", idTagInfo: { status: "Accepted" } }] },
      ],
      ["csms.ReserveNow", { connectorId: 0, idTag: "A", expiryDate: "2030-01-01T00:00:00Z", reservationId: 5 }],
      ["csms.TriggerMessage", { requestedMessage: "StatusNotification", connectorId: 2 }],
      ["csms.UpdateFirmware", { location: "http://127.0.0.1/fw.bin", retrieveDate: "2030-01-01T00:00:00Z", retries: 1 }],
      ["csms.UnlockConnector", { connectorId: 1 }],
    ]);
  });

  it("builds a charging profile from the limit shorthand or passes a full one", async () => {
    assert.equal((await post("/csms/setChargingProfile", { connector: 1, limit: 10 })).status, 200);
    const full = {
      chargingProfileId: 7,
      stackLevel: 1,
      chargingProfilePurpose: "TxDefaultProfile",
      chargingProfileKind: "Absolute",
      chargingSchedule: { chargingRateUnit: "W", chargingSchedulePeriod: [{ startPeriod: 0, limit: 3000 }] },
    };
    assert.equal((await post("/csms/setChargingProfile", { connector: 0, chargingProfile: full })).status, 200);
    const sent = target.calls.map((c) => c.args[0]);
    assert.deepEqual(sent, [
      {
        connectorId: 1,
        csChargingProfiles: {
          chargingProfileId: 1,
          stackLevel: 0,
          chargingProfilePurpose: "TxDefaultProfile",
          chargingProfileKind: "Relative",
          chargingSchedule: { chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] },
        },
      },
      { connectorId: 0, csChargingProfiles: full },
    ]);
    await expect400("/csms/setChargingProfile", { connector: 1, limit: 6, chargingProfile: full }, /either 'chargingProfile' or 'limit'/);
    await expect400("/csms/setChargingProfile", { connector: 1 }, /missing field 'limit'/);
  });

  it("GET /log returns the OCPP frame log as text", async () => {
    await post("/csms/reset", { type: "Hard" });
    const res = await fetch(api.url + "/log");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/plain/);
    const lines = (await res.text()).trimEnd().split("\n");
    assert.equal(lines.length, 2);
    assert.match(lines[0], /<- \[2,"1","Reset",\{"type":"Hard"\}\]$/);
    assert.match(lines[1], /-> \[3,"1",\{"status":"Accepted"\}\]$/);
  });

  it("answers bad requests with 400 and a clear message", async () => {
    await expect400("/ev", "{not json", /invalid JSON/);
    await expect400("/ev", "", /must be a JSON object/);
    await expect400("/ev", [1], /must be a JSON object/);
    await expect400("/ev", { connector: 1, state: "B", speed: 3 }, /unknown field 'speed'/);
    await expect400("/ev", { connector: 1, state: "X" }, /'state' must be one of "A", "B"/);
    await expect400("/ev", { connector: 3, state: "B" }, /'connector' must be a connector number from 1 to 2/);
    await expect400("/ev", { connector: 0, state: "B" }, /from 1 to 2/);
    await expect400("/ev", { connector: 1.5, state: "B" }, /connector number/);
    await expect400("/ev", { state: "B" }, /missing field 'connector'/);
    await expect400("/card", { idTag: "" }, /'idTag' must have at least 1 characters/);
    await expect400("/card", { idTag: "X".repeat(21) }, /at most 20 characters/);
    await expect400("/fault", { connector: 1, kind: "fire", active: true }, /'kind' must be one of/);
    await expect400("/fault", { connector: 1, kind: "weld", active: "yes" }, /'active' must be true or false/);
    await expect400("/power", { action: "off" }, /'action' must be one of "cut", "restore"/);
    await expect400("/network", { action: "cut" }, /"drop", "restore"/);
    await expect400("/ev", JSON.stringify({ connector: 1, state: "B", pad: "x".repeat(2000) }), /body too large/);
    await expect400("/csms/reserveNow", { connector: 1, idTag: "A", expiryDate: "tomorrow", reservationId: 1 }, /ISO 8601/);
    await expect400(
      "/csms/sendLocalList",
      { listVersion: 1, updateType: "Full", localAuthorizationList: [{ idTag: "A", idTagInfo: { status: "Maybe" } }] },
      /'localAuthorizationList\[0\]\.idTagInfo\.status' must be one of/,
    );
    assert.equal(target.calls.length, 0, "no bad request reached the target");
  });

  it("answers unknown paths with 404 and wrong methods with 405", async () => {
    const missing = await fetch(api.url + "/nope");
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: string }).error, /no such endpoint: \/nope/);
    const action = await post("/csms/selfDestruct", {});
    assert.equal(action.status, 404);
    assert.match(action.json.error as string, /unknown CSMS action 'selfDestruct'/);

    const wrong = await fetch(api.url + "/ev");
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "POST");
    const wrongGet = await post("/state", {});
    assert.equal(wrongGet.status, 405);
    assert.match(wrongGet.json.error as string, /method POST not allowed here; use GET/);
  });

  it("answers 409 when the target refuses an action", async () => {
    await post("/network", { action: "drop" });
    const res = await post("/csms/reset", { type: "Soft" });
    assert.equal(res.status, 409);
    assert.match(res.json.error as string, /not connected/);
  });

  it("streams state updates and frames over Server-Sent Events", async () => {
    target.pushFrame("cp-to-csms", '[2,"9","Heartbeat",{}]');
    const reader = await SseReader.open(api.url + "/events");
    readers.push(reader);
    assert.equal(reader.status, 200);
    assert.match(reader.contentType, /text\/event-stream/);

    const first = await reader.next((e) => e.event === "state");
    assert.equal((first.data as { connectors: { pilot: string }[] }).connectors[0].pilot, "A");
    const backlog = await reader.next((e) => e.event === "frame");
    assert.equal((backlog.data as { text: string }).text, '[2,"9","Heartbeat",{}]');

    await post("/ev", { connector: 1, state: "C" });
    const update = await reader.next((e) => e.event === "state");
    assert.equal((update.data as { connectors: { ev: string }[] }).connectors[0].ev, "C");

    await post("/csms/reset", { type: "Soft" });
    const frame = await reader.next((e) => e.event === "frame");
    assert.equal((frame.data as { direction: string }).direction, "csms-to-cp");
    assert.match((frame.data as { text: string }).text, /"Reset"/);
    assert.equal(target.listenerCount, 1);

    reader.close();
    for (let i = 0; i < 200 && target.listenerCount > 0; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(target.listenerCount, 0, "a closed stream unsubscribes from the target");
  });
});
