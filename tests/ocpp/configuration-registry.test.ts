/**
 * The configuration-key registry on its own: declaration from constant tables with boot-time
 * defaults, case-insensitive lookup through its name index, persistence, guards and listeners.
 */
import { strict as assert } from "node:assert";
import { ConfigurationRegistry, type ConfigKeyDefinition } from "ocpp/core/configuration";
import { CORE_KEYS, coreKeyDefaults } from "ocpp/core/core-keys";
import { SECURITY_KEYS } from "ocpp/security/config-keys";
import { SMART_CHARGING_KEYS } from "ocpp/smartcharging/config-keys";
import { LOCAL_AUTH_LIST_KEYS } from "ocpp/localauth/config-keys";
import { RESERVATION_KEYS } from "ocpp/reservation/config-keys";
import { FIRMWARE_KEYS } from "ocpp/firmware-management/config-keys";
import { MemoryKeyValueStore } from "platform/common/memory-kv";

const ALL_TABLES: readonly (readonly ConfigKeyDefinition[])[] = [
  CORE_KEYS,
  LOCAL_AUTH_LIST_KEYS,
  RESERVATION_KEYS,
  SMART_CHARGING_KEYS,
  FIRMWARE_KEYS,
  SECURITY_KEYS,
];

function key(name: string, nvsKey: string, extra: Partial<ConfigKeyDefinition> = {}): ConfigKeyDefinition {
  return { name, nvsKey, type: "integer", access: "RW", default: 1, ...extra };
}

describe("ConfigurationRegistry", () => {
  it("declares every profile's table together: names and NVS keys unique, every key found in any case", () => {
    const config = new ConfigurationRegistry(new MemoryKeyValueStore());
    for (const table of ALL_TABLES) config.declareAll(table, table === CORE_KEYS ? coreKeyDefaults(2, ["Core"]) : undefined);
    const names = ALL_TABLES.flatMap((table) => table.map((def) => def.name));
    assert.equal(config.definitions().length, names.length);
    for (const name of names) {
      assert.ok(config.has(name), name);
      assert.ok(config.has(name.toUpperCase()), name.toUpperCase());
      assert.ok(config.has(name.toLowerCase()), name.toLowerCase());
      assert.deepEqual(config.get(name.toLowerCase()), config.get(name));
    }
    assert.equal(config.has("NoSuchKey"), false);
    assert.equal(config.has("HeartbeatInterva"), false);
    assert.equal(config.int("NumberOfConnectors"), 2);
    assert.equal(config.int("ConnectorPhaseRotationMaxLength"), 3);
    assert.equal(config.string("SupportedFeatureProfiles"), "Core");
  });

  it("keeps the declaration order in GetConfiguration and reports unknown keys as given", () => {
    const config = new ConfigurationRegistry(new MemoryKeyValueStore());
    config.declareAll([key("Zeta", "z"), key("Alpha", "a"), key("Mid", "m", { access: "W" })]);
    const all = config.report(undefined);
    assert.deepEqual(
      all.configurationKey.map((k) => k.key),
      ["Zeta", "Alpha"],
    );
    const some = config.report(["alpha", "Nope", "MID"]);
    assert.deepEqual(
      some.configurationKey.map((k) => k.key),
      ["Alpha"],
    );
    assert.deepEqual(some.unknownKey, ["Nope"]);
  });

  it("refuses a key declared twice (in another case too) and an NVS key used twice", () => {
    const config = new ConfigurationRegistry(new MemoryKeyValueStore());
    config.declare(key("Interval", "intvl"));
    assert.throws(() => config.declare(key("INTERVAL", "other")), /declared twice/);
    assert.throws(() => config.declare(key("Other", "intvl")), /already used/);
    config.declareMissing([key("Interval", "x1"), key("Fresh", "fresh")]);
    assert.equal(config.definitions().length, 2);
  });

  it("finds every key when many names share index slots (colliding hashes probe on)", () => {
    const config = new ConfigurationRegistry(new MemoryKeyValueStore());
    const names: string[] = [];
    for (let i = 0; i < 128; i++) names.push(`K${i}`);
    for (const name of names) config.declare(key(name, name, { default: names.indexOf(name) }));
    for (const name of names) assert.equal(config.int(name.toLowerCase()), names.indexOf(name));
    assert.throws(() => config.declare(key("OneTooMany", "extra")), /full/);
  });

  it("a boot-time default replaces the table's, and the stored value wins over both", () => {
    const kv = new MemoryKeyValueStore();
    const first = new ConfigurationRegistry(kv);
    first.declareAll([key("Limit", "limit", { default: 5 })], { Limit: 9 });
    assert.equal(first.int("Limit"), 9);
    assert.equal(first.change("limit", "12"), "Accepted");
    const second = new ConfigurationRegistry(kv);
    second.declareAll([key("Limit", "limit", { default: 5 })], { Limit: 9 });
    assert.equal(second.int("Limit"), 12);
  });

  it("a guard refuses values the definition allows, listeners hear accepted changes only", () => {
    const config = new ConfigurationRegistry(new MemoryKeyValueStore());
    config.declareAll([key("Level", "level", { min: 0, max: 3, default: 0 }), key("Other", "other")]);
    const heard: string[] = [];
    config.onChange("Level", (value) => heard.push(`level ${String(value)}`));
    config.onChange("Other", (value) => heard.push(`other ${String(value)}`));
    config.guard("LEVEL", (value) => Number(value) > config.int("Level"));
    assert.equal(config.change("Level", "2"), "Accepted");
    assert.equal(config.change("Level", "1"), "Rejected");
    assert.equal(config.change("Level", "4"), "Rejected");
    assert.equal(config.setLocal("Level", 2), false);
    assert.equal(config.change("other", "7"), "Accepted");
    assert.deepEqual(heard, ["level 2", "other 7"]);
    assert.equal(config.int("Level"), 2);
    assert.throws(() => config.guard("Missing", () => true), /not declared/);
  });
});
