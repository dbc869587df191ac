/**
 * The engine handles received frames and sends from a promise job, never on the stack that brought
 * the frame or asked for the call (issue 9: on the board's 512-slot XS stack, the socket's read
 * path, the handler, the frame log's flash write and its compressor stacked on one another
 * overflowed). What must not change with it: order, answers before triggered work, and a frame
 * that breaks its handling does not hold up the ones after it.
 */
import { strict as assert } from "node:assert";
import { Logger } from "ports/log";
import { VirtualTime } from "platform/common/virtual-timers";
import { MemoryLogSink } from "platform/host/log-console";
import { OcppEngine } from "ocpp/rpc/engine";
import { settle } from "../support/waits.ts";

function engineWithWire(): { engine: OcppEngine; sent: unknown[][]; log: MemoryLogSink } {
  const log = new MemoryLogSink();
  const engine = new OcppEngine({ timers: new VirtualTime(0), log: new Logger(log, "rpc"), messageTimeoutS: () => 30 });
  const sent: unknown[][] = [];
  engine.setAccepted(true);
  engine.connected((text) => sent.push(JSON.parse(text) as unknown[]) > 0);
  return { engine, sent, log };
}

describe("OCPP engine: handled and sent from a promise job", function () {
  it("neither handles nor answers on the receiving stack; answers in the order received", async function () {
    const { engine, sent } = engineWithWire();
    const handled: string[] = [];
    engine.handle(
      "ClearCache",
      () => {
        handled.push("ClearCache");
        return { status: "Accepted" as const };
      },
      undefined,
    );
    for (const id of ["a", "b", "c"]) engine.receive(JSON.stringify([2, id, "ClearCache", {}]));
    engine.receive('[2,"d","NoSuchAction",{}]');
    assert.deepEqual(handled, [], "nothing handled on the socket's stack");
    assert.equal(sent.length, 0, "nothing sent on the socket's stack");
    await settle();
    assert.deepEqual(handled, ["ClearCache", "ClearCache", "ClearCache"]);
    assert.deepEqual(
      sent.map((f) => [f[0], f[1]]),
      [
        [3, "a"],
        [3, "b"],
        [3, "c"],
        [4, "d"],
      ],
    );
  });

  it("sends a call from a job, after the answers waiting before it; afterReply work runs once its answer is out", async function () {
    const { engine, sent } = engineWithWire();
    const order: string[] = [];
    engine.handle(
      "Reset",
      (_request, _context, call) => {
        call.afterReply(() => {
          order.push(`reset after ${sent.length} frames`);
          void engine.call("Heartbeat", {}).catch(() => undefined);
        });
        return { status: "Accepted" as const };
      },
      undefined,
    );
    engine.receive('[2,"r1","Reset",{"type":"Soft"}]');
    void engine.call("StatusNotification", { connectorId: 0, status: "Available", errorCode: "NoError" }).catch(() => undefined);
    assert.equal(sent.length, 0, "nothing sent on the asking stack");
    await settle();
    assert.deepEqual(order, ["reset after 1 frames"], "the reset's work ran right after its CALLRESULT");
    assert.deepEqual(
      sent.map((f) => (f[0] === 2 ? f[2] : `answer ${String(f[1])}`)),
      ["answer r1", "StatusNotification"],
      "the answer first, then one call outstanding",
    );
    engine.receive(JSON.stringify([3, sent[1][1], {}]));
    await settle();
    assert.deepEqual([sent[2][0], sent[2][2]], [2, "Heartbeat"], "the next call once the first was answered");
  });

  it("a handler that throws and a malformed frame do not hold up the frames after them", async function () {
    const { engine, sent, log } = engineWithWire();
    engine.handle(
      "ClearCache",
      () => {
        throw new Error("broken");
      },
      undefined,
    );
    engine.receive('[2,"x1","ClearCache",{}]');
    engine.receive("not json");
    engine.receive('[2,"x2","ClearCache",{}]');
    await settle();
    assert.deepEqual(
      sent.map((f) => [f[0], f[1], f[2]]),
      [
        [4, "x1", "InternalError"],
        [4, "x2", "InternalError"],
      ],
    );
    assert.ok(log.lines.some((l) => l.includes("ClearCache handler failed")));
  });
});
