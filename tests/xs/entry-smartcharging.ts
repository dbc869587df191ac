/**
 * XS entry for the Smart Charging service: the OCTT TC_066 composite
 * computed on the real XS engine, with profiles persisted through the
 * bridged key-value store and read back by a second service ("reboot").
 */
import { createXsnapPlatform } from "platform/xsnap/index";
import { parseIsoUtcMs, formatIsoUtc } from "util/iso8601";
import { FakeTransactions, makeService, runTc066 } from "../smartcharging/scenarios";

const platform = createXsnapPlatform();

platform.expose("tc066", (t0: unknown, askAfterS: unknown) => {
  const transactions = new FakeTransactions();
  const service = makeService(platform.kv, transactions);
  const { statuses, composite } = runTc066(service, transactions, Number(t0), Number(askAfterS));
  // A second service over the same store: what the charger finds after a reboot.
  const rebooted = makeService(platform.kv, transactions);
  const afterReboot = rebooted.compositeSchedule(1, 400, "A", Number(t0) + Number(askAfterS) * 1000);
  return {
    statuses,
    composite,
    afterReboot,
    limitAt100s: rebooted.currentLimitA(1, Number(t0) + 100000),
    nextChangeAt: rebooted.nextChangeUtcMs(1, Number(t0)),
  };
});

platform.expose("iso", (text: unknown) => {
  const ms = parseIsoUtcMs(String(text));
  return { ms: Number.isNaN(ms) ? null : ms, back: Number.isNaN(ms) ? null : formatIsoUtc(ms) };
});
