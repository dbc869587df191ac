// Production-line provisioning (tools/provision): the firmware's rules refuse bad settings, a
// state dir reads back through loadSettings, the NVS CSV has the preference module's types, a
// fleet gives one output per charger, and no password is ever printed.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSettings, SETTING_DEFINITIONS, SETTINGS_NAMESPACE } from "boot/settings";
import { checkKvName } from "ports/kv";
import { FileKeyValueStore } from "platform/host/kv-file";
import { checkFleet, checkSettings, nvsCsv, nvsCsvRow, parseFleetCsv, writeStateDir } from "../../tools/provision/provision.ts";

const VALID = {
  deviceId: "CP-0001",
  csmsUrlTemplate: "wss://csms.example.com/ocpp/{deviceId}",
  initialPassword: "shared-Secret-42",
  password: "own-Secret-17",
  freeCharging: true,
  legacyIdentity: false,
  freeChargingIdTag: 'Free, "quoted"',
  webSocketPingIntervalS: 300,
  connectors: 2,
  circuitLimitA: 25,
  logLevel: "warn",
};

function runCli(args: string[]): { status: number | null; out: string; err: string } {
  const result = spawnSync(process.execPath, ["--import", "tsx", "tools/provision/cli.ts", ...args], { encoding: "utf8" });
  return { status: result.status, out: result.stdout, err: result.stderr };
}

describe("provision (tools/provision)", function () {
  this.timeout(30_000);
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), "oxs-provision-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("a valid file passes and its state dir reads back through loadSettings exactly", () => {
    const result = checkSettings(VALID, "charger.json");
    assert.deepEqual(result.errors, []);
    assert.ok(result.charger);
    const dir = tempDir();
    // A stale setting from an earlier run is replaced; another namespace stays.
    const before = new FileKeyValueStore(join(dir, "nvs.json"));
    before.set(SETTINGS_NAMESPACE, "csmsUrl", "ws://old.example.com/x");
    before.set("ocppcfg", "FreeCharging", false);
    writeStateDir(dir, result.charger);

    const kv = new FileKeyValueStore(join(dir, "nvs.json"));
    const loaded = loadSettings(kv, {});
    assert.deepEqual(loaded.errors, []);
    for (const [name, value] of Object.entries(VALID)) {
      assert.equal(loaded.settings[name as keyof typeof loaded.settings], value, name);
      assert.equal(loaded.sources[name], "nvs", name);
    }
    assert.equal(loaded.settings.csmsUrl, "", "the stale csmsUrl is gone");
    assert.equal(kv.get("ocppcfg", "FreeCharging"), false);
    assert.deepEqual(
      kv.keys(SETTINGS_NAMESPACE).sort(),
      SETTING_DEFINITIONS.filter((d) => d.name in VALID)
        .map((d) => d.nvsKey)
        .sort(),
    );
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ["a deviceId with a space", { deviceId: "CP 0001" }, "settings.deviceId"],
    ["a URL template without {deviceId}", { csmsUrlTemplate: "wss://csms.example.com/ocpp/" }, "settings.csmsUrlTemplate"],
    ["a URL template that is not ws/wss", { csmsUrlTemplate: "https://csms.example.com/ocpp/{deviceId}" }, "settings.csmsUrlTemplate"],
    ["a charger URL that is not ws/wss", { csmsUrl: "http://csms.example.com/ocpp/CP-0001" }, "settings.csmsUrl"],
    ["a non-integer circuit limit", { circuitLimitA: 16.5 }, "settings.circuitLimitA"],
    ["a circuit limit that is not a number", { circuitLimitA: "lots" }, "settings.circuitLimitA"],
    ["five connectors", { connectors: 5 }, "settings.connectors"],
    ["a boolean given as a word", { freeCharging: "yes" }, "settings.freeCharging"],
    ["an id tag over 20 characters", { freeChargingIdTag: "x".repeat(21) }, "settings.freeChargingIdTag"],
    ["an id tag with a line break (cannot go into the NVS CSV)", { freeChargingIdTag: "a\nb" }, "settings.freeChargingIdTag"],
    ["an unknown setting", { circuitLimit: 16 }, '"circuitLimit"'],
    ["a null value", { logLevel: null }, "settings.logLevel"],
  ];
  for (const [what, change, named] of invalid) {
    it(`refuses ${what}, naming the setting`, () => {
      const result = checkSettings({ ...VALID, ...change }, "charger.json");
      assert.equal(result.charger, undefined);
      assert.equal(result.errors.length, 1, result.errors.join("\n"));
      assert.ok(result.errors[0].startsWith("charger.json: "), result.errors[0]);
      assert.ok(result.errors[0].includes(named), result.errors[0]);
    });
  }

  it("refuses a charger without a deviceId or without any CSMS URL", () => {
    const noId = checkSettings({ csmsUrl: "ws://csms.example.com/ocpp/CP-1" }, "c.json");
    assert.match(noId.errors.join("\n"), /settings\.deviceId: missing/);
    const noUrl = checkSettings({ deviceId: "CP-1" }, "c.json");
    assert.match(noUrl.errors.join("\n"), /neither csmsUrlTemplate nor csmsUrl/);
    assert.equal(checkSettings([], "c.json").errors.length, 1);
  });

  it("every NVS key is a valid NVS name and a 16-character key is refused for the CSV", () => {
    for (const def of SETTING_DEFINITIONS) assert.doesNotThrow(() => checkKvName("key", def.nvsKey), def.nvsKey);
    assert.throws(() => nvsCsvRow({ name: "deviceId", key: "sixteenCharKey16", value: "x" }), /15 characters/);
    assert.throws(() => nvsCsvRow({ name: "circuitLimitA", key: "circuitLimitA", value: 16.5 }), /not an integer/);
  });

  it("a password is never in an error message", () => {
    const result = checkSettings({ ...VALID, password: "has space secret" }, "charger.json");
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0], /settings\.password/);
    assert.ok(!result.errors[0].includes("space secret"), result.errors[0]);
  });

  it("the NVS CSV of a known file uses u8 / i32 / string as the preference module does", () => {
    const result = checkSettings(VALID, "charger.json");
    assert.ok(result.charger);
    assert.equal(
      nvsCsv(result.charger),
      [
        "key,type,encoding,value",
        "settings,namespace,,",
        "deviceId,data,string,CP-0001",
        "csmsUrlTemplate,data,string,wss://csms.example.com/ocpp/{deviceId}",
        "password,data,string,own-Secret-17",
        "initialPassword,data,string,shared-Secret-42",
        "legacyIdentity,data,u8,0",
        "freeCharging,data,u8,1",
        'freeChargeTag,data,string,"Free, ""quoted"""',
        "wsPingS,data,i32,300",
        "connectors,data,i32,2",
        "circuitLimitA,data,i32,25",
        "logLevel,data,string,warn",
        "",
      ].join("\n"),
    );
  });

  it("parses a fleet CSV and refuses bad headers, short rows and duplicate ids", () => {
    const good = parseFleetCsv('csmsUrl,deviceId,password\r\n,CP-1,pw-1\r\n"ws://h/ocpp/x,y",CP-2,"p""w"\r\n\r\n', "fleet.csv");
    assert.deepEqual(good.errors, []);
    assert.deepEqual(good.rows, [
      { line: 2, deviceId: "CP-1", password: "pw-1", csmsUrl: undefined },
      { line: 3, deviceId: "CP-2", password: 'p"w', csmsUrl: "ws://h/ocpp/x,y" },
    ]);
    assert.match(parseFleetCsv("deviceId,pass\nCP-1,x\n", "f.csv").errors.join("\n"), /unknown column "pass"/);
    assert.match(parseFleetCsv("deviceId,password\nCP-1\n", "f.csv").errors.join("\n"), /f\.csv line 2: 1 fields/);
    assert.match(
      parseFleetCsv("deviceId,password\nCP-1,a\ncp-1,b\n", "f.csv").errors.join("\n"),
      /line 3: settings\.deviceId: "cp-1" is already on line 2/,
    );
    assert.match(parseFleetCsv("", "f.csv").errors.join("\n"), /empty/);
  });

  it("a fleet refuses per-charger settings in the shared file and names the row of a bad value", () => {
    const rows = parseFleetCsv("deviceId,password\nCP-1,pw-1\nCP 2,pw-2\n", "fleet.csv").rows;
    const checked = checkFleet({ ...VALID }, "shared.json", rows, "fleet.csv");
    const text = checked.errors.join("\n");
    assert.deepEqual(checked.chargers, []);
    assert.match(text, /shared\.json: settings\.deviceId: set per charger/);
    assert.match(text, /shared\.json: settings\.password: set per charger/);
    assert.match(text, /fleet\.csv line 3: settings\.deviceId: "CP 2"/);
  });

  it("the CLI writes one state dir and one NVS CSV per fleet charger, each with its own password", () => {
    const dir = tempDir();
    const shared = join(dir, "shared.json");
    writeFileSync(
      shared,
      JSON.stringify({ csmsUrlTemplate: "ws://csms.example.com/ocpp/{deviceId}", initialPassword: "install-Shared-9", circuitLimitA: 16 }),
    );
    const fleet = join(dir, "fleet.csv");
    writeFileSync(fleet, "deviceId,password,csmsUrl\nCP-A,alpha-Pass-1,\nCP-B,bravo-Pass-2,wss://other.example.com/ocpp/B\n");
    const result = runCli(["--settings", shared, "--fleet", fleet, "--state-dir", join(dir, "state"), "--nvs-csv", join(dir, "nvs")]);
    assert.equal(result.status, 0, result.err);
    for (const secret of ["alpha-Pass-1", "bravo-Pass-2", "install-Shared-9"])
      assert.ok(!(result.out + result.err).includes(secret), secret);
    assert.deepEqual(readdirSync(join(dir, "nvs")).sort(), ["CP-A.csv", "CP-B.csv"]);
    assert.deepEqual(readdirSync(join(dir, "state")).sort(), ["CP-A", "CP-B"]);

    const a = loadSettings(new FileKeyValueStore(join(dir, "state", "CP-A", "nvs.json")), {});
    const b = loadSettings(new FileKeyValueStore(join(dir, "state", "CP-B", "nvs.json")), {});
    assert.deepEqual([a.errors, b.errors], [[], []]);
    assert.equal(a.settings.deviceId, "CP-A");
    assert.equal(a.settings.password, "alpha-Pass-1");
    assert.equal(a.settings.csmsUrl, "");
    assert.equal(b.settings.deviceId, "CP-B");
    assert.equal(b.settings.password, "bravo-Pass-2");
    assert.equal(b.settings.csmsUrl, "wss://other.example.com/ocpp/B");
    for (const s of [a.settings, b.settings]) {
      assert.equal(s.initialPassword, "install-Shared-9");
      assert.equal(s.csmsUrlTemplate, "ws://csms.example.com/ocpp/{deviceId}");
      assert.equal(s.circuitLimitA, 16);
    }
    const csvA = readFileSync(join(dir, "nvs", "CP-A.csv"), "utf8");
    const csvB = readFileSync(join(dir, "nvs", "CP-B.csv"), "utf8");
    assert.ok(csvA.includes("password,data,string,alpha-Pass-1\n") && !csvA.includes("bravo"), csvA);
    assert.ok(csvB.includes("password,data,string,bravo-Pass-2\n") && !csvB.includes("alpha"), csvB);
    assert.ok(csvB.includes("csmsUrl,data,string,wss://other.example.com/ocpp/B\n"), csvB);
  });

  it("the CLI prints every error, exits 2 and writes nothing", () => {
    const dir = tempDir();
    const file = join(dir, "charger.json");
    writeFileSync(file, JSON.stringify({ ...VALID, deviceId: "CP 1", circuitLimitA: 12.5, password: "bad secret" }));
    const result = runCli(["--settings", file, "--state-dir", join(dir, "state"), "--nvs-csv", join(dir, "out.csv")]);
    assert.equal(result.status, 2);
    for (const name of ["settings.deviceId", "settings.circuitLimitA", "settings.password"])
      assert.ok(result.err.includes(name), result.err);
    assert.ok(!(result.out + result.err).includes("bad secret"));
    assert.ok(!(result.out + result.err).includes("shared-Secret-42"));
    assert.equal(existsSync(join(dir, "state")), false);
    assert.equal(existsSync(join(dir, "out.csv")), false);
  });

  it("the CLI writes a single charger's NVS CSV and hides passwords in its listing", () => {
    const dir = tempDir();
    const file = join(dir, "charger.json");
    writeFileSync(file, JSON.stringify(VALID));
    const out = join(dir, "out.csv");
    const result = runCli(["--settings", file, "--nvs-csv", out]);
    assert.equal(result.status, 0, result.err);
    assert.ok(result.out.includes("password (NVS password) = (hidden)"), result.out);
    assert.ok(!result.out.includes("own-Secret-17") && !result.out.includes("shared-Secret-42"), result.out);
    assert.equal(readFileSync(out, "utf8"), nvsCsv(checkSettings(VALID, "x").charger!));
  });

  it("--help lists every option and the two flashing commands; a bad option exits 2", () => {
    const help = runCli(["--help"]);
    assert.equal(help.status, 0);
    for (const text of [
      "--settings",
      "--fleet",
      "--state-dir",
      "--nvs-csv",
      "--help",
      "nvs_partition_gen.py",
      "generate OUT.csv nvs.bin 0x10000",
      "esptool.py write_flash 0x9000 nvs.bin",
    ]) {
      assert.ok(help.out.includes(text), text);
    }
    assert.equal(runCli(["--bogus"]).status, 2);
    assert.equal(runCli([]).status, 2);
  });
});
