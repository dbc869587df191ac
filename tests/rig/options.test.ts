// `npm start -- --rig/--ev/--proxy-listen`: addresses parsed, bad values and options that do not
// apply to a rig refused with a message that says what is accepted, and the CLI exits 2 with it.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { parseRigAddress, RigAddressError } from "../../tools/rig/address.ts";
import { rigOptionsFrom } from "../../tools/rig/options.ts";
import { PROJECT_ROOT } from "../../tools/xs/bundle.ts";

const run = promisify(execFile);

describe("rig options", () => {
  it("parses serial and TCP addresses", () => {
    assert.deepEqual(parseRigAddress("serial:/dev/ttyUSB0"), { kind: "serial", path: "/dev/ttyUSB0", baudRate: 115_200 });
    assert.deepEqual(parseRigAddress("serial:/dev/ttyACM1@921600"), { kind: "serial", path: "/dev/ttyACM1", baudRate: 921_600 });
    assert.deepEqual(parseRigAddress("tcp:127.0.0.1:7000"), { kind: "tcp", host: "127.0.0.1", port: 7000 });
    assert.deepEqual(parseRigAddress("tcp:localhost:1"), { kind: "tcp", host: "localhost", port: 1 });
  });

  it("refuses bad addresses, saying which forms it takes and what is wrong", () => {
    const cases: [string, RegExp][] = [
      ["", /no scheme/],
      ["/dev/ttyUSB0", /no scheme/],
      ["usb:/dev/ttyUSB0", /unknown scheme 'usb'/],
      ["serial:", /absolute path/],
      ["serial:ttyUSB0", /absolute path/],
      ["serial:/dev/ttyUSB0@9601", /baud rate must be one of/],
      ["serial:/dev/ttyUSB0@fast", /baud rate must be one of/],
      ["tcp:127.0.0.1", /host name or IPv4 address and a port/],
      ["tcp::7000", /host name or IPv4 address and a port/],
      ["tcp:127.0.0.1:0", /port must be a number from 1 to 65535/],
      ["tcp:127.0.0.1:70000", /port must be a number from 1 to 65535/],
      ["tcp:127.0.0.1:70x", /port must be a number from 1 to 65535/],
    ];
    for (const [text, why] of cases) {
      assert.throws(
        () => parseRigAddress(text),
        (error: Error) =>
          error instanceof RigAddressError &&
          error.message.startsWith("--rig must be serial:<device>[@<baud>] or tcp:<host>:<port>") &&
          why.test(error.message),
        text,
      );
    }
    assert.throws(() => parseRigAddress("x", "--ev"), /^RigAddressError: --ev must be/);
  });

  it("checks the rig options together", () => {
    assert.equal(rigOptionsFrom({}), undefined);
    assert.deepEqual(rigOptionsFrom({ rig: "tcp:127.0.0.1:7000", ev: "serial:/dev/ttyUSB1", "proxy-listen": "0.0.0.0:9000" }), {
      rig: { kind: "tcp", host: "127.0.0.1", port: 7000 },
      ev: { kind: "serial", path: "/dev/ttyUSB1", baudRate: 115_200 },
      proxyHost: "0.0.0.0",
      proxyPort: 9000,
    });
    assert.throws(() => rigOptionsFrom({ ev: "serial:/dev/ttyUSB1" }), /--ev needs --rig/);
    assert.throws(() => rigOptionsFrom({ rig: "tcp:127.0.0.1:7000", target: "lin" }), /--target does not apply with --rig/);
    assert.throws(() => rigOptionsFrom({ rig: "tcp:127.0.0.1:7000", chargers: "3" }), /--chargers does not apply with --rig/);
    assert.throws(() => rigOptionsFrom({ rig: "serial:/dev/ttyUSB0", ev: "serial:/dev/ttyUSB0" }), /name the same port/);
    assert.throws(() => rigOptionsFrom({ rig: "tcp:127.0.0.1:7000", "proxy-listen": "9000" }), /--proxy-listen must be <host>:<port>/);
  });

  it("npm start exits 2 with the message for a bad --rig, before starting anything", async () => {
    await assert.rejects(
      run(process.execPath, ["--import", "tsx", "tools/start.ts", "--rig", "tcp:127.0.0.1"], { cwd: PROJECT_ROOT, timeout: 30_000 }),
      (error: Error & { code?: number; stderr?: string }) =>
        error.code === 2 &&
        /npm start: --rig must be serial:<device>\[@<baud>\] or tcp:<host>:<port> .*'tcp:127\.0\.0\.1': give a host name/.test(
          error.stderr ?? "",
        ),
    );
  });
});
