/**
 * OCTT Smart Charging cases (reference §2.6, §4.7, §6) against the booted
 * firmware over a strict ocpp-rpc websocket CSMS: the answers, the composite
 * schedules of the worked examples (wall clock T0 from BootNotification), and
 * the current the connector offers the EV following the composite limit.
 */
import { strict as assert } from "node:assert";
import { advance, offeredA, offers, ProfileHarness, secondsBetween, T0, type Rig, type CsmsAnswer } from "../support/profile-harness.ts";

type Purpose = "ChargePointMaxProfile" | "TxDefaultProfile" | "TxProfile";

interface ProfileSpec {
  id: number;
  stackLevel: number;
  purpose: Purpose;
  periods: Array<[number, number]>;
  duration?: number;
  transactionId?: number;
  unit?: "A" | "W";
  kind?: "Absolute" | "Relative";
}

function profile(spec: ProfileSpec): Record<string, unknown> {
  const kind = spec.kind ?? "Absolute";
  const schedule: Record<string, unknown> = {
    chargingRateUnit: spec.unit ?? "A",
    chargingSchedulePeriod: spec.periods.map(([startPeriod, limit]) => ({ startPeriod, limit })),
  };
  if (kind === "Absolute") schedule.startSchedule = T0;
  if (spec.duration !== undefined) schedule.duration = spec.duration;
  const result: Record<string, unknown> = {
    chargingProfileId: spec.id,
    stackLevel: spec.stackLevel,
    chargingProfilePurpose: spec.purpose,
    chargingProfileKind: kind,
    chargingSchedule: schedule,
  };
  if (spec.transactionId !== undefined) result.transactionId = spec.transactionId;
  return result;
}

/**
 * The expected composite of periods given from T0, seen from `shiftS`
 * seconds after T0: starts moved back by the shift, ones already over dropped.
 */
function shifted(periods: Array<[number, number]>, shiftS: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < periods.length; i++) {
    const next = i + 1 < periods.length ? periods[i + 1][0] : Infinity;
    if (next <= shiftS) continue;
    out.push([Math.max(0, periods[i][0] - shiftS), periods[i][1]]);
  }
  return out;
}

describe("profiles: Smart Charging (OCTT)", function () {
  this.timeout(20_000);
  const h = new ProfileHarness();
  beforeEach(() => h.open());
  afterEach(() => h.close());

  async function set(rig: Rig, connectorId: number, spec: ProfileSpec): Promise<CsmsAnswer> {
    return h.call(rig, "SetChargingProfile", { connectorId, csChargingProfiles: profile(spec) });
  }

  /** GetCompositeSchedule: [startPeriod, limit] pairs and the seconds from T0 to scheduleStart. */
  async function composite(
    rig: Rig,
    connectorId: number,
    duration: number,
    unit?: "A" | "W",
  ): Promise<{ periods: Array<[number, number]>; shiftS: number; duration: number; unit: string }> {
    const request: Record<string, unknown> = { connectorId, duration };
    if (unit) request.chargingRateUnit = unit;
    const answer = await h.call(rig, "GetCompositeSchedule", request);
    assert.equal(answer.status, "Accepted", JSON.stringify(answer));
    assert.equal(answer.connectorId, connectorId);
    const schedule = answer.chargingSchedule;
    assert.equal(schedule.startSchedule, undefined, "no startSchedule inside [ERR 3.57]");
    const shiftS = secondsBetween(T0, answer.scheduleStart);
    assert.ok(Number.isInteger(shiftS) && shiftS >= 0, `scheduleStart ${answer.scheduleStart} is T0 + whole seconds`);
    const periods = (schedule.chargingSchedulePeriod as Array<{ startPeriod: number; limit: number }>).map((p): [number, number] => [
      p.startPeriod,
      p.limit,
    ]);
    return { periods, shiftS, duration: schedule.duration, unit: schedule.chargingRateUnit };
  }

  /** Plug, card and a running transaction on connector 1; returns its transactionId. */
  async function transaction(rig: Rig): Promise<number> {
    await h.plug(rig);
    await h.card(rig, "SC-TAG");
    await h.started(rig);
    await h.status(rig, 1, "Charging");
    return h.transactionId(rig);
  }

  it("TC_056: TxDefaultProfile 6 A (and 6000 W) → Accepted; the composite schedule reflects it", async () => {
    const rig = await h.start();
    assert.equal((await set(rig, 1, { id: 1, stackLevel: 0, purpose: "TxDefaultProfile", periods: [[0, 6]] })).status, "Accepted");
    const amps = await composite(rig, 1, 300, "A");
    assert.deepEqual(amps.periods, [[0, 6]]);
    assert.equal(amps.duration, 300);
    assert.equal(amps.unit, "A");
    assert.equal(
      (await set(rig, 1, { id: 2, stackLevel: 0, purpose: "TxDefaultProfile", periods: [[0, 6000]], unit: "W" })).status,
      "Accepted",
    );
    const watts = await composite(rig, 1, 300, "W");
    assert.deepEqual(watts.periods, [[0, 6000]], "the same stackLevel and purpose replaced the 6 A profile");
    assert.equal(watts.unit, "W");
  });

  it("TC_082: TxDefaultProfile during a running transaction → Accepted, composite and offered current follow it", async () => {
    const rig = await h.start();
    await transaction(rig);
    assert.ok(offeredA(rig) > 6, `offered ${offeredA(rig)} A before`);
    assert.equal((await set(rig, 0, { id: 3, stackLevel: 0, purpose: "TxDefaultProfile", periods: [[0, 6]] })).status, "Accepted");
    assert.deepEqual((await composite(rig, 1, 300)).periods, [[0, 6]]);
    await offers(rig, 6);
  });

  it("TC_057: TxProfile for the running transaction → Accepted, composite and offered current follow it", async () => {
    const rig = await h.start();
    const transactionId = await transaction(rig);
    assert.equal((await set(rig, 1, { id: 4, stackLevel: 0, purpose: "TxProfile", periods: [[0, 10]], transactionId })).status, "Accepted");
    assert.deepEqual((await composite(rig, 1, 300)).periods, [[0, 10]]);
    await offers(rig, 10);
  });

  it("TC_058_1: TxProfile without a transaction → Rejected (or CALLERROR PropertyConstraintViolation)", async () => {
    const rig = await h.start();
    const answer = await set(rig, 1, { id: 5, stackLevel: 0, purpose: "TxProfile", periods: [[0, 10]] });
    if (answer.callError !== undefined) assert.equal(answer.callError, "PropertyConstraintViolation");
    else assert.equal(answer.status, "Rejected");
    assert.deepEqual((await composite(rig, 1, 60)).periods, [[0, 32]], "nothing installed");
  });

  it("TC_058_2: TxProfile with another transactionId → Rejected, the offered current unchanged", async () => {
    const rig = await h.start();
    const transactionId = await transaction(rig);
    const before = offeredA(rig);
    assert.equal(
      (await set(rig, 1, { id: 6, stackLevel: 0, purpose: "TxProfile", periods: [[0, 6]], transactionId: transactionId + 1 })).status,
      "Rejected",
    );
    await advance(rig, 2000);
    assert.equal(offeredA(rig), before);
    assert.deepEqual((await composite(rig, 1, 60)).periods, [[0, 32]]);
  });

  it("TC_066: ChargePointMax 10 A + TxDefault + TxProfile → 0→8, 50→10, 200→6, 240→10, and the connector follows", async () => {
    const rig = await h.start();
    const transactionId = await transaction(rig);
    assert.equal((await set(rig, 0, { id: 10, stackLevel: 0, purpose: "ChargePointMaxProfile", periods: [[0, 10]] })).status, "Accepted");
    const txDefault: Array<[number, number]> = [
      [0, 6],
      [60, 10],
      [120, 8],
      [180, 15],
      [260, 8],
    ];
    assert.equal(
      (await set(rig, 0, { id: 11, stackLevel: 0, purpose: "TxDefaultProfile", periods: txDefault, duration: 300 })).status,
      "Accepted",
    );
    const txProfile: Array<[number, number]> = [
      [0, 8],
      [50, 11],
      [140, 16],
      [200, 6],
      [240, 12],
    ];
    assert.equal(
      (await set(rig, 1, { id: 12, stackLevel: 0, purpose: "TxProfile", periods: txProfile, duration: 260, transactionId })).status,
      "Accepted",
    );
    const result = await composite(rig, 1, 400);
    const expected: Array<[number, number]> = [
      [0, 8],
      [50, 10],
      [200, 6],
      [240, 10],
    ];
    assert.ok(result.shiftS < 50, `shift ${result.shiftS} s`);
    assert.deepEqual(result.periods, shifted(expected, result.shiftS));

    await offers(rig, 8);
    await advance(rig, (60 - result.shiftS) * 1000, 250);
    await offers(rig, 10);
    await advance(rig, 145_000, 250); // T0 + ~205 s
    await offers(rig, 6);
    await advance(rig, 40_000, 250); // T0 + ~245 s
    await offers(rig, 10);
    await advance(rig, 30_000, 250); // T0 + ~275 s: TxProfile over, TxDefault not consulted again
    assert.equal(offeredA(rig), 10);
  });

  it("TC_067: ClearChargingProfile by id, by purpose + stackLevel, then all; the composite after each", async () => {
    const rig = await h.start();
    assert.equal((await set(rig, 1, { id: 21, stackLevel: 2, purpose: "TxDefaultProfile", periods: [[0, 6]] })).status, "Accepted");
    assert.equal((await set(rig, 1, { id: 22, stackLevel: 1, purpose: "TxDefaultProfile", periods: [[0, 8]] })).status, "Accepted");
    assert.equal((await set(rig, 0, { id: 23, stackLevel: 0, purpose: "TxDefaultProfile", periods: [[0, 10]] })).status, "Accepted");
    assert.deepEqual((await composite(rig, 1, 60)).periods, [[0, 6]]);

    assert.equal((await h.call(rig, "ClearChargingProfile", { id: 21 })).status, "Accepted");
    assert.deepEqual((await composite(rig, 1, 60)).periods, [[0, 8]]);
    assert.equal((await h.call(rig, "ClearChargingProfile", { id: 21 })).status, "Unknown");

    assert.equal(
      (await h.call(rig, "ClearChargingProfile", { chargingProfilePurpose: "TxDefaultProfile", stackLevel: 1 })).status,
      "Accepted",
    );
    assert.deepEqual((await composite(rig, 1, 60)).periods, [[0, 10]]);
    assert.equal(
      (await h.call(rig, "ClearChargingProfile", { chargingProfilePurpose: "ChargePointMaxProfile", stackLevel: 0 })).status,
      "Unknown",
    );

    assert.equal((await h.call(rig, "ClearChargingProfile", {})).status, "Accepted");
    assert.deepEqual((await composite(rig, 1, 60)).periods, [[0, 32]], "no profile: the connector's own maximum");
    assert.equal((await h.call(rig, "ClearChargingProfile", {})).status, "Unknown");
  });

  it("TC_072: two TxDefault stack levels → 0→7, 100→9, 150→8, 200→10; the running transaction follows", async () => {
    const rig = await h.start();
    assert.equal(
      (
        await set(rig, 0, {
          id: 31,
          stackLevel: 0,
          purpose: "TxDefaultProfile",
          periods: [
            [0, 6],
            [100, 8],
            [200, 10],
          ],
          duration: 400,
        })
      ).status,
      "Accepted",
    );
    assert.equal(
      (
        await set(rig, 0, {
          id: 32,
          stackLevel: 1,
          purpose: "TxDefaultProfile",
          periods: [
            [0, 7],
            [100, 9],
          ],
          duration: 150,
        })
      ).status,
      "Accepted",
    );
    const result = await composite(rig, 1, 400);
    assert.equal(result.shiftS, 0, "asked within the first second after the boot set the clock");
    assert.deepEqual(result.periods, [
      [0, 7],
      [100, 9],
      [150, 8],
      [200, 10],
    ]);

    await transaction(rig);
    await offers(rig, 7);
    await advance(rig, 100_000, 250);
    await offers(rig, 9);
    await advance(rig, 50_000, 250);
    await offers(rig, 8);
    await advance(rig, 50_000, 250);
    await offers(rig, 10);
  });

  it("TC_059: RemoteStartTransaction with a TxProfile → Accepted, the transaction follows it", async () => {
    const rig = await h.start();
    const chargingProfile = profile({ id: 41, stackLevel: 0, purpose: "TxProfile", kind: "Relative", periods: [[0, 7]] });
    assert.equal((await h.call(rig, "RemoteStartTransaction", { connectorId: 1, idTag: "REMOTE-1", chargingProfile })).status, "Accepted");
    await h.plug(rig);
    const start = await h.started(rig);
    assert.equal(start.params.idTag, "REMOTE-1");
    await offers(rig, 7);
    assert.deepEqual((await composite(rig, 1, 120)).periods, [[0, 7]]);
  });

  it("TC_060: RemoteStartTransaction with a profile of another purpose → Rejected, no transaction", async () => {
    const rig = await h.start();
    const chargingProfile = profile({ id: 42, stackLevel: 0, purpose: "TxDefaultProfile", periods: [[0, 7]] });
    const answer = await h.call(rig, "RemoteStartTransaction", { connectorId: 1, idTag: "REMOTE-2", chargingProfile });
    if (answer.callError !== undefined)
      assert.ok(["PropertyConstraintViolation", "OccurenceConstraintViolation"].includes(answer.callError));
    else assert.equal(answer.status, "Rejected");
    await h.plug(rig);
    await advance(rig, 2000);
    assert.equal(h.calls("StartTransaction").length, 0);
    assert.deepEqual((await composite(rig, 1, 60)).periods, [[0, 32]], "the refused profile was not installed");
  });
});
