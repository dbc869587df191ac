/**
 * XS entry for the foundation tests: core platform code exercised on the
 * real XS engine through the xsnap platform.
 */
import { createXsnapPlatform } from "platform/xsnap/index";
import { KvError } from "ports/kv";
import { Logger } from "ports/log";
import { decodeUtf8, encodeUtf8 } from "util/utf8";

const platform = createXsnapPlatform();
const log = new Logger(platform.log, "xs-test");

platform.expose("kvRoundTrip", (key: unknown, value: unknown) => {
  platform.kv.set("test", String(key), value as number | string | boolean);
  return platform.kv.get("test", String(key));
});

platform.expose("kvRejects", (key: unknown, value: unknown) => {
  try {
    platform.kv.set("test", String(key), value as number | string | boolean);
    return "accepted";
  } catch (error) {
    return error instanceof KvError ? error.code : `other: ${String(error)}`;
  }
});

platform.expose("flashWriteRead", (offset: unknown, text: unknown) => {
  const flash = platform.openFlash("journal");
  const bytes = encodeUtf8(String(text));
  flash.write(Number(offset), bytes);
  const back = new Uint8Array(bytes.length);
  flash.read(Number(offset), back);
  return decodeUtf8(back);
});

platform.expose("flashErase", (sector: unknown) => {
  try {
    platform.openFlash("journal").erase(Number(sector));
    return "erased";
  } catch (error) {
    return error instanceof Error ? error.name : "unknown";
  }
});

// Timers on virtual time: a periodic and a one-shot, counted.
let periodicFires = 0;
let onceFiredAtMs = -1;
platform.expose("armTimers", () => {
  platform.timers.every(() => {
    periodicFires++;
  }, 100);
  platform.timers.once(() => {
    onceFiredAtMs = platform.clock.monotonicMs();
  }, 250);
  return platform.timers === platform.time;
});
platform.expose("timerCounts", () => ({ periodicFires, onceFiredAtMs }));

platform.expose("clock", (setUtcMs: unknown) => {
  const before = platform.clock.isSynced();
  if (typeof setUtcMs === "number") platform.clock.setUtc(setUtcMs, "ocpp");
  return { before, after: platform.clock.isSynced(), utcMs: platform.clock.utcMs() };
});

platform.expose("log", (message: unknown) => {
  log.info(String(message));
  log.debug("not shown at info level");
  return true;
});

platform.expose("noNodeGlobals", () => ({
  process: typeof (globalThis as Record<string, unknown>).process,
  Buffer: typeof (globalThis as Record<string, unknown>).Buffer,
  require: typeof (globalThis as Record<string, unknown>).require,
}));

// WebSocket through the bridge: connect, send once open, record what comes back.
const socketEvents: string[] = [];
platform.expose("wsConnect", (url: unknown) => {
  const connection = platform.websocket.connect(
    { url: String(url), protocols: ["ocpp1.6"], headers: { Authorization: "Basic eHM6eHM=" } },
    {
      onOpen: (protocol) => {
        socketEvents.push(`open:${protocol}`);
        connection.sendText("hello from XS");
      },
      onText: (text) => {
        socketEvents.push(`text:${text}`);
        connection.close(1000, "done");
      },
      onPong: () => socketEvents.push("pong"),
      onClose: (code) => socketEvents.push(`close:${code}`),
      onError: (message) => socketEvents.push(`error:${message}`),
    },
  );
  return true;
});
platform.expose("wsEvents", () => socketEvents);
