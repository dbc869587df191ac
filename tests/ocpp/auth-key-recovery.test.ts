/** AuthorizationKey recovery policy (issue 10 #4, docs/configuration-keys.md): which key the charger tries, and when. */
import { strict as assert } from "node:assert";
import { Logger } from "ports/log";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { ConfigurationRegistry } from "ocpp/core/configuration";
import { CORE_KEYS, coreKeyDefaults } from "ocpp/core/core-keys";
import { AuthKeyRecovery, FALLBACK_AFTER_REFUSALS } from "ocpp/core/auth-key-recovery";
import { MemoryLog } from "../support/logs.ts";

const OLD = "00112233445566778899AABBCCDDEEFF";
const NEW = "FFEEDDCCBBAA99887766554433221100";

function setup(kv = new MemoryKeyValueStore()): { kv: MemoryKeyValueStore; config: ConfigurationRegistry; recovery: AuthKeyRecovery } {
  const config = new ConfigurationRegistry(kv);
  config.declareAll(CORE_KEYS, coreKeyDefaults(1, ["Core"]));
  const recovery = new AuthKeyRecovery({ kv, config, log: new Logger(new MemoryLog(), "ws") });
  return { kv, config, recovery };
}

/** ChangeConfiguration AuthorizationKey as the action handler does it. */
function change(s: ReturnType<typeof setup>, key: string): void {
  s.recovery.changing(s.config.string("AuthorizationKey"), key);
  assert.equal(s.config.change("AuthorizationKey", key), "Accepted");
}

function refuse(s: ReturnType<typeof setup>, times: number, httpStatus = 401): void {
  for (let i = 0; i < times; i++) s.recovery.refused(httpStatus);
}

describe("AuthorizationKey recovery", function () {
  it("swaps to the kept key after FALLBACK_AFTER_REFUSALS 401s in a row, and back after as many with that one", function () {
    const s = setup();
    change(s, OLD);
    s.recovery.loggedIn();
    change(s, NEW);
    refuse(s, FALLBACK_AFTER_REFUSALS - 1);
    assert.equal(s.config.string("AuthorizationKey"), NEW);
    refuse(s, 1);
    assert.equal(s.config.string("AuthorizationKey"), OLD);
    assert.equal(s.kv.get("authkey", "other"), NEW, "the new key is kept too: the CSMS may have taken it after all");
    refuse(s, FALLBACK_AFTER_REFUSALS);
    assert.equal(s.config.string("AuthorizationKey"), NEW);
    s.recovery.loggedIn();
    assert.equal(s.recovery.unconfirmed, false);
    assert.equal(s.kv.get("authkey", "other"), undefined);
    refuse(s, FALLBACK_AFTER_REFUSALS * 2);
    assert.equal(s.config.string("AuthorizationKey"), NEW, "a confirmed key is never given up");
  });

  it("counts only HTTP 401 (not network failures or 5xx answers)", function () {
    const s = setup();
    change(s, NEW);
    refuse(s, 10, 503);
    refuse(s, FALLBACK_AFTER_REFUSALS - 1);
    assert.equal(s.config.string("AuthorizationKey"), NEW);
    assert.equal(s.recovery.unconfirmed, true);
  });

  it("a second change before any login keeps the key that last logged in; survives a restart (NVS)", function () {
    const s = setup();
    change(s, OLD);
    s.recovery.loggedIn();
    change(s, NEW);
    change(s, "0123456789ABCDEF0123456789ABCDEF");
    const restarted = setup(s.kv);
    assert.equal(restarted.recovery.unconfirmed, true);
    refuse(restarted, FALLBACK_AFTER_REFUSALS);
    assert.equal(restarted.config.string("AuthorizationKey"), OLD);
  });
});
