// The production-line provisioning command: checks a charger's settings (or a fleet's) with the
// firmware's own rules and writes a simulator state dir and/or an ESP-IDF NVS partition CSV.
// `--help` lists the options. Exit 0 = written, 2 = an input error (nothing written), 1 = a write failed.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseFlags } from "../cli-flags.ts";
import { checkFleet, checkSettings, nvsCsv, parseFleetCsv, showValue, writeStateDir, type ProvisionedCharger } from "./provision.ts";

const HELP = `provision --settings FILE [--fleet FILE] [--state-dir DIR] [--nvs-csv PATH]

Checks charger-maker settings (docs/settings.md) with the firmware's own rules and writes them
for one charger or a fleet. Every error is printed, naming the setting; when there is any, nothing
is written and the exit code is 2. Passwords are never printed.

  --settings FILE   JSON object of settings, e.g.
                    {"deviceId": "CP-0001", "csmsUrlTemplate": "wss://csms.example.com/ocpp/{deviceId}",
                     "initialPassword": "...", "circuitLimitA": 32}
                    With --fleet it is the installation's shared part (csmsUrlTemplate,
                    initialPassword, ...) and must not set deviceId, password or csmsUrl.
  --fleet FILE      CSV with a header "deviceId,password[,csmsUrl]" and one row per charger; each
                    row gets the shared settings plus its own deviceId, password (empty: none, the
                    shared initialPassword applies) and csmsUrl (empty: none)
  --state-dir DIR   write a simulator state dir (DIR/nvs.json; with --fleet DIR/<deviceId>/nvs.json);
                    the namespace "settings" is replaced, other state stays. Boot it with
                    npm start -- --state-dir DIR
  --nvs-csv PATH    write an ESP-IDF NVS partition CSV (namespace "settings"; u8 booleans, i32
                    integers, strings as Moddable's preference module stores them); with --fleet
                    PATH is a directory and each charger gets PATH/<deviceId>.csv. On the line:
                      python $IDF_PATH/components/nvs_flash/nvs_partition_generator/nvs_partition_gen.py \\
                        generate OUT.csv nvs.bin 0x10000
                      esptool.py write_flash 0x9000 nvs.bin
                    (the nvs partition of hal/esp32/partitions.csv: offset 0x9000, size 0x10000)
  --help            this text

Without --state-dir and --nvs-csv the settings are only checked.
`;

function usage(message: string): never {
  process.stderr.write(`provision: ${message}\n(see provision --help)\n`);
  process.exit(2);
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    usage(`--settings ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // JSON.parse messages may quote the text around the error, which could be a password.
    const at = /position (\d+)/.exec((error as Error).message);
    process.stderr.write(`${path}: not valid JSON${at ? ` (at character ${at[1]})` : ""}\n`);
    process.exit(2);
  }
}

function describe(charger: ProvisionedCharger): string {
  const lines = [`${charger.deviceId}: ${charger.entries.length} settings`];
  for (const entry of charger.entries) lines.push(`  ${entry.name} (NVS ${entry.key}) = ${showValue(entry.name, entry.value)}`);
  return lines.join("\n") + "\n";
}

function main(): void {
  const v = parseFlags(
    { settings: { type: "string" }, fleet: { type: "string" }, "state-dir": { type: "string" }, "nvs-csv": { type: "string" } },
    HELP,
    usage,
  );
  if (!v) return;
  if (v.settings === undefined) usage("--settings FILE is required");
  const shared = readJson(v.settings);

  let chargers: ProvisionedCharger[];
  let errors: string[];
  if (v.fleet !== undefined) {
    let text: string;
    try {
      text = readFileSync(v.fleet, "utf8");
    } catch (error) {
      usage(`--fleet ${v.fleet}: ${(error as Error).message}`);
    }
    const fleet = parseFleetCsv(text, v.fleet);
    const checked = checkFleet(shared, v.settings, fleet.rows, v.fleet);
    chargers = checked.chargers;
    errors = [...fleet.errors, ...checked.errors];
  } else {
    const checked = checkSettings(shared, v.settings);
    chargers = checked.charger ? [checked.charger] : [];
    errors = checked.errors;
  }
  if (errors.length > 0) {
    for (const error of errors) process.stderr.write(`error: ${error}\n`);
    process.stderr.write(`provision: ${errors.length} error${errors.length === 1 ? "" : "s"}; nothing written\n`);
    process.exit(2);
  }

  const fleet = v.fleet !== undefined;
  try {
    for (const charger of chargers) {
      process.stdout.write(describe(charger));
      if (v["state-dir"] !== undefined) {
        const path = writeStateDir(fleet ? join(v["state-dir"], charger.deviceId) : v["state-dir"], charger);
        process.stdout.write(`  wrote ${path}\n`);
      }
      if (v["nvs-csv"] !== undefined) {
        let path = v["nvs-csv"];
        if (fleet) {
          mkdirSync(path, { recursive: true });
          path = join(path, `${charger.deviceId}.csv`);
        }
        writeFileSync(path, nvsCsv(charger));
        process.stdout.write(`  wrote ${path}\n`);
      }
    }
  } catch (error) {
    process.stderr.write(`provision: writing failed: ${(error as Error).message}\n`);
    process.exit(1);
  }
  if (v["state-dir"] === undefined && v["nvs-csv"] === undefined) {
    process.stdout.write(
      `${chargers.length} charger${chargers.length === 1 ? "" : "s"} checked; nothing written (no --state-dir or --nvs-csv)\n`,
    );
  }
}

main();
