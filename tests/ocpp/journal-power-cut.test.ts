/**
 * Transaction journal under power cuts: a multi-session script (online and
 * offline sessions, sampled MeterValues) is run once to count its flash
 * writes, then again with the power cut at every one of them (torn and
 * lost); after each cut the engine reboots on the same SimFlash and KV and
 * drains its journal. The CSMS must have received every transaction
 * message whose journal write completed, exactly once, in order.
 *
 * The CSMS here is an in-process loopback (answers on the next microtask)
 * so that hundreds of reboots stay fast; the frames it gets are checked by
 * the validators generated from the official schemas. Real-socket behaviour
 * is covered by the other tests.
 */
import { strict as assert } from "node:assert";
import type { WebSocketConnectOptions, WebSocketConnection, WebSocketEvents, WebSocketFactory } from "ports/websocket";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { OffsetClock } from "platform/common/offset-clock";
import { PowerCutError, SimFlash, type PowerCutMode } from "platform/common/sim-flash";
import { TimersLoopDriver, VirtualTime } from "platform/common/virtual-timers";
import { FlashQueue } from "storage/flash-queue";
import { ChargePoint } from "ocpp/charge-point";
import { OCPP16_VALIDATORS } from "ocpp/generated/ocpp16";
import { FakeHardware } from "../support/csms-harness.ts";
import { MemoryLog } from "../support/logs.ts";

class LoopbackCsms implements WebSocketFactory {
  online = true;
  received: string[] = [];
  invalid: string[] = [];
  #events: WebSocketEvents | undefined;
  #nextTx = 500;
  #time: VirtualTime | undefined;

  attach(time: VirtualTime): void {
    this.#time = time;
    this.#events = undefined;
  }

  connect(_options: WebSocketConnectOptions, events: WebSocketEvents): WebSocketConnection {
    const time = this.#time!;
    let open = false;
    time.once(() => {
      if (!this.online) {
        events.onClose(1006, "offline");
        return;
      }
      open = true;
      this.#events = events;
      events.onOpen("ocpp1.6");
    }, 5);
    return {
      sendText: (text: string) => {
        if (!open || !this.online) return false;
        this.#answer(text, events);
        return true;
      },
      ping: () => undefined,
      close: () => {
        if (!open) return;
        open = false;
        queueMicrotask(() => events.onClose(1000, ""));
      },
    };
  }

  dropConnection(): void {
    this.online = false;
    const events = this.#events;
    this.#events = undefined;
    if (events) events.onClose(1006, "network down");
  }

  #answer(text: string, events: WebSocketEvents): void {
    const frame = JSON.parse(text) as unknown[];
    if (frame[0] !== 2) return;
    const [, id, action, payload] = frame as [number, string, string, Record<string, unknown>];
    if (OCPP16_VALIDATORS[action].request(payload)) this.invalid.push(text);
    let conf: Record<string, unknown> = {};
    switch (action) {
      case "BootNotification":
        conf = { status: "Accepted", currentTime: "2030-01-01T00:00:00Z", interval: 3600 };
        break;
      case "Heartbeat":
        conf = { currentTime: "2030-01-01T00:00:00Z" };
        break;
      case "Authorize":
        conf = { idTagInfo: { status: "Accepted" } };
        break;
      case "StartTransaction":
        this.received.push(`S:${payload.meterStart}`);
        conf = { transactionId: this.#nextTx++, idTagInfo: { status: "Accepted" } };
        break;
      case "MeterValues": {
        const mv = payload.meterValue as Array<{ sampledValue: Array<{ value: string }> }>;
        this.received.push(`M:${mv[0].sampledValue[0].value}@${payload.transactionId}`);
        break;
      }
      case "StopTransaction":
        this.received.push(`E:${payload.meterStop}@${payload.transactionId}`);
        break;
    }
    queueMicrotask(() => events.onText(JSON.stringify([3, id, conf])));
  }
}

/** The fake meter counts up on every read so each journal record is unique. */
class CountingHardware extends FakeHardware {
  constructor(counter: { wh: number }) {
    super(1);
    const connector = this.connectors[0];
    const read = connector.readMeter.bind(connector);
    connector.readMeter = (into) => {
      counter.wh += 7;
      connector.energyWh = counter.wh;
      return read(into);
    };
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class Board {
  readonly time = new VirtualTime(0);
  readonly hardware: CountingHardware;
  readonly cp: ChargePoint;
  readonly pushed: string[];

  constructor(flash: SimFlash, kv: MemoryKeyValueStore, csms: LoopbackCsms, counter: { wh: number }, pushed: string[]) {
    this.pushed = pushed;
    this.hardware = new CountingHardware(counter);
    csms.attach(this.time);
    const time = this.time;
    const queue = new FlashQueue(flash);
    // Note what became durable: the CSMS must get exactly these.
    const journal = {
      push: (record: string): number => {
        const seq = queue.push(record);
        const r = JSON.parse(record) as { k: string; ms?: number; me?: number; mv?: Array<{ sv: Array<{ value: string }> }> };
        pushed.push(r.k === "S" ? `S:${r.ms}` : r.k === "E" ? `E:${r.me}` : `M:${r.mv![0].sv[0].value}`);
        return seq;
      },
      peek: () => queue.peek(),
      pop: (seq: number) => queue.pop(seq),
      get size() {
        return queue.size;
      },
      get capacityBytes() {
        return queue.capacityBytes;
      },
      get freeBytes() {
        return queue.freeBytes;
      },
    };
    this.cp = new ChargePoint({
      platform: {
        clock: new OffsetClock(() => time.nowMs(), 0, false),
        timers: time,
        loopDriver: new TimersLoopDriver(time, () => time.nowMs()),
        kv,
        openFlash: () => flash,
        websocket: csms,
        log: new MemoryLog(),
      },
      hardware: this.hardware,
      journal,
      settings: {
        deviceId: "CP9",
        installationUrlTemplate: "ws://127.0.0.1:1/ocpp/{deviceId}",
        chargerUrl: "",
        precedence: "installation",
        legacyIdentity: false,
        chargerPassword: "",
        installationInitialPassword: "",
        caCertificates: [],
      },
      boot: { chargePointVendor: "Wattlight", chargePointModel: "T" },
    });
  }

  async run(ms: number): Promise<void> {
    for (let t = 0; t < ms; t += 500) {
      this.time.advance(Math.min(500, ms - t));
      for (let i = 0; i < 4; i++) await flush();
    }
  }
}

/** The script: two sessions online, one offline; throws PowerCutError when the power goes. */
async function script(board: Board, csms: LoopbackCsms, flash: SimFlash): Promise<void> {
  const cut = (): void => {
    if (!flash.powered) throw new PowerCutError();
  };
  const c = board.hardware.connectors[0];
  board.cp.config.change("MeterValueSampleInterval", "10");
  board.cp.config.change("AllowOfflineTxForUnknownId", "true");
  board.cp.start();
  await board.run(1000);
  cut();
  for (let session = 0; session < 3; session++) {
    if (session === 2) csms.dropConnection();
    c.plug();
    cut();
    await board.cp.sessions.presentIdTag(1, `TAG${session}`);
    await board.run(25_000);
    cut();
    await board.cp.sessions.presentIdTag(1, `TAG${session}`);
    cut();
    c.unplug();
    await board.run(1000);
    cut();
  }
  csms.online = true;
  await board.run(30_000);
  cut();
}

function check(csms: LoopbackCsms, pushed: string[], label: string): void {
  assert.deepEqual(csms.invalid, [], `${label}: frames valid`);
  const keys = csms.received.map((r) => r.split("@")[0]);
  assert.equal(new Set(keys).size, keys.length, `${label}: no message twice: ${keys.join(" ")}`);
  for (const p of pushed) assert.ok(keys.includes(p), `${label}: ${p} delivered (got ${keys.join(" ")})`);
  const order = keys.map((k) => pushed.indexOf(k));
  for (let i = 1; i < order.length; i++) assert.ok(order[i] > order[i - 1], `${label}: in order: ${keys.join(" ")}`);
  // Messages of one transaction carry the transactionId the CSMS gave (or -1 when its start was lost).
  for (const r of csms.received) if (!r.startsWith("S:")) assert.ok(!r.endsWith("@undefined"), `${label}: ${r} has a transactionId`);
}

describe("transaction journal survives a power cut at every flash write", function () {
  this.timeout(120_000);

  it("delivers every journaled message exactly once and in order (clean run)", async function () {
    const csms = new LoopbackCsms();
    const flash = new SimFlash(4096, 16);
    const pushed: string[] = [];
    const board = new Board(flash, new MemoryKeyValueStore(), csms, { wh: 1000 }, pushed);
    await script(board, csms, flash);
    check(csms, pushed, "clean");
    assert.ok(csms.received.filter((r) => r.startsWith("S:")).length === 3);
    assert.ok(csms.received.filter((r) => r.startsWith("M:")).length >= 6);
    // The offline session got its real transactionId after reconnecting.
    assert.ok(
      csms.received.some((r) => r.startsWith("E:") && r.endsWith("@502")),
      csms.received.join(" "),
    );
  });

  for (const mode of ["lost", "torn"] as PowerCutMode[]) {
    it(`power cut (${mode}) at each write, reboot on the same flash: none lost, none twice`, async function () {
      const probe = new SimFlash(4096, 16);
      const probeCsms = new LoopbackCsms();
      await script(new Board(probe, new MemoryKeyValueStore(), probeCsms, { wh: 1000 }, []), probeCsms, probe);
      const writes = probe.operationCount;
      assert.ok(writes > 20, `script writes flash (${writes})`);
      if (process.env.DEBUG_JOURNAL) console.log(writes, probeCsms.received.join(" "));
      for (let k = 1; k <= writes; k++) {
        const flash = new SimFlash(4096, 16);
        const kv = new MemoryKeyValueStore();
        const csms = new LoopbackCsms();
        const counter = { wh: 1000 };
        const pushed: string[] = [];
        flash.cutPowerAtOperation(k, mode);
        const first = new Board(flash, kv, csms, counter, pushed);
        try {
          await script(first, csms, flash);
        } catch (error) {
          if (!(error instanceof PowerCutError)) throw error;
        }
        assert.equal(flash.powered, false, `cut ${k} happened`);
        first.cp.stop();
        csms.dropConnection();
        flash.powerOn();
        csms.online = true;
        const second = new Board(flash, kv, csms, counter, pushed);
        second.cp.start();
        await second.run(60_000);
        check(csms, pushed, `${mode} cut at write ${k}/${writes}`);
        second.cp.stop();
      }
    });
  }
});
