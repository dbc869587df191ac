// The POST endpoints of the bench API: the body each accepts and what it asks of the target.
import type { ChargingProfile, ChargingProfilePurpose, CsmsRequest, IdTagInfo } from "../csms/ocpp-types.ts";
import { FAULT_KINDS, NETWORK_ACTIONS, PILOT_STATES, POWER_ACTIONS, type BenchTarget } from "./target.ts";
import { BadRequest, type ObjectSpec } from "./validate.ts";
import { TRIGGERABLE_MESSAGES } from "ocpp/trigger/types";
import type { FaultKind, NetworkAction, PilotState, PowerAction } from "./target.ts";

export interface PostRoute {
  body: ObjectSpec;
  /** Resolves with the value returned as `response` (undefined for bench actions). */
  run(target: BenchTarget, body: Record<string, unknown>): Promise<unknown>;
}

const ID_TAG = { kind: "string", minLength: 1, maxLength: 20 } as const;
const PURPOSES = ["ChargePointMaxProfile", "TxDefaultProfile", "TxProfile"] as const;

export const BENCH_ROUTES: Readonly<Record<string, PostRoute>> = {
  "/ev": {
    body: { connector: { kind: "connector" }, state: { kind: "enum", values: PILOT_STATES } },
    run: async (t, b) => t.setEv(b.connector as number, b.state as PilotState),
  },
  "/card": {
    body: { idTag: ID_TAG, connector: { kind: "connector", optional: true } },
    run: async (t, b) => t.presentCard(b.idTag as string, b.connector as number | undefined),
  },
  "/fault": {
    body: {
      connector: { kind: "connector" },
      kind: { kind: "enum", values: FAULT_KINDS },
      active: { kind: "bool" },
    },
    run: async (t, b) => t.setFault(b.connector as number, b.kind as FaultKind, b.active as boolean),
  },
  "/power": {
    body: { action: { kind: "enum", values: POWER_ACTIONS } },
    run: async (t, b) => t.power(b.action as PowerAction),
  },
  "/network": {
    body: { action: { kind: "enum", values: NETWORK_ACTIONS } },
    run: async (t, b) => t.network(b.action as NetworkAction),
  },
};

/** `POST /csms/<name>` endpoints. */
export const CSMS_ROUTES: Readonly<Record<string, PostRoute>> = {
  remoteStart: {
    body: {
      idTag: ID_TAG,
      connector: { kind: "connector", optional: true },
      chargingProfile: { kind: "json-object", optional: true },
    },
    run: (t, b) => {
      const req: CsmsRequest<"RemoteStartTransaction"> = { idTag: b.idTag as string };
      if (b.connector !== undefined) req.connectorId = b.connector as number;
      if (b.chargingProfile !== undefined) req.chargingProfile = b.chargingProfile as unknown as ChargingProfile;
      return t.csms.remoteStart(req);
    },
  },
  remoteStop: {
    body: { transactionId: { kind: "int" } },
    run: (t, b) => t.csms.remoteStop({ transactionId: b.transactionId as number }),
  },
  setChargingProfile: {
    body: {
      connector: { kind: "connector", allowZero: true },
      chargingProfile: { kind: "json-object", optional: true },
      limit: { kind: "number", min: 0, optional: true },
      unit: { kind: "enum", values: ["A", "W"], optional: true },
      purpose: { kind: "enum", values: PURPOSES, optional: true },
      stackLevel: { kind: "int", min: 0, optional: true },
      chargingProfileId: { kind: "int", min: 1, optional: true },
      transactionId: { kind: "int", optional: true },
    },
    run: (t, b) => t.csms.setChargingProfile({ connectorId: b.connector as number, csChargingProfiles: profileFrom(b) }),
  },
  changeConfiguration: {
    body: { key: { kind: "string", minLength: 1, maxLength: 50 }, value: { kind: "string", maxLength: 500 } },
    run: (t, b) => t.csms.changeConfiguration({ key: b.key as string, value: b.value as string }),
  },
  reset: {
    body: { type: { kind: "enum", values: ["Hard", "Soft"] } },
    run: (t, b) => t.csms.reset({ type: b.type as "Hard" | "Soft" }),
  },
  sendLocalList: {
    body: {
      listVersion: { kind: "int", min: 1 },
      updateType: { kind: "enum", values: ["Full", "Differential"] },
      localAuthorizationList: {
        kind: "array",
        optional: true,
        maxItems: 1000,
        items: {
          kind: "object",
          fields: {
            idTag: ID_TAG,
            idTagInfo: {
              kind: "object",
              optional: true,
              fields: {
                status: { kind: "enum", values: ["Accepted", "Blocked", "Expired", "Invalid", "ConcurrentTx"] },
                expiryDate: { kind: "datetime", optional: true },
                parentIdTag: { ...ID_TAG, optional: true },
              },
            },
          },
        },
      },
    },
    run: (t, b) => {
      const req: CsmsRequest<"SendLocalList"> = {
        listVersion: b.listVersion as number,
        updateType: b.updateType as "Full" | "Differential",
      };
      if (b.localAuthorizationList !== undefined) {
        req.localAuthorizationList = b.localAuthorizationList as { idTag: string; idTagInfo?: IdTagInfo }[];
      }
      return t.csms.sendLocalList(req);
    },
  },
  reserveNow: {
    body: {
      connector: { kind: "connector", allowZero: true },
      idTag: ID_TAG,
      expiryDate: { kind: "datetime" },
      reservationId: { kind: "int" },
      parentIdTag: { ...ID_TAG, optional: true },
    },
    run: (t, b) => {
      const req: CsmsRequest<"ReserveNow"> = {
        connectorId: b.connector as number,
        idTag: b.idTag as string,
        expiryDate: b.expiryDate as string,
        reservationId: b.reservationId as number,
      };
      if (b.parentIdTag !== undefined) req.parentIdTag = b.parentIdTag as string;
      return t.csms.reserveNow(req);
    },
  },
  triggerMessage: {
    body: {
      requestedMessage: {
        kind: "enum",
        values: TRIGGERABLE_MESSAGES,
      },
      connector: { kind: "connector", optional: true },
    },
    run: (t, b) => {
      const req = { requestedMessage: b.requestedMessage } as CsmsRequest<"TriggerMessage">;
      if (b.connector !== undefined) req.connectorId = b.connector as number;
      return t.csms.triggerMessage(req);
    },
  },
  unlockConnector: {
    body: { connector: { kind: "connector" } },
    run: (t, b) => t.csms.unlockConnector({ connectorId: b.connector as number }),
  },
  updateFirmware: {
    body: {
      location: { kind: "string", minLength: 1, maxLength: 512 },
      retrieveDate: { kind: "datetime", optional: true },
      retries: { kind: "int", min: 0, optional: true },
      retryInterval: { kind: "int", min: 0, optional: true },
    },
    run: (t, b) => {
      const req: CsmsRequest<"UpdateFirmware"> = {
        location: b.location as string,
        retrieveDate: (b.retrieveDate as string | undefined) ?? new Date().toISOString(),
      };
      if (b.retries !== undefined) req.retries = b.retries as number;
      if (b.retryInterval !== undefined) req.retryInterval = b.retryInterval as number;
      return t.csms.updateFirmware(req);
    },
  },
};

/** A full profile from the body, or a one-period Relative profile from its `limit` shorthand. */
function profileFrom(b: Record<string, unknown>): ChargingProfile {
  const shorthand = ["limit", "unit", "purpose", "stackLevel", "chargingProfileId", "transactionId"].filter((k) => b[k] !== undefined);
  if (b.chargingProfile !== undefined) {
    if (shorthand.length) throw new BadRequest(`give either 'chargingProfile' or '${shorthand.join("', '")}', not both`);
    return b.chargingProfile as unknown as ChargingProfile;
  }
  if (b.limit === undefined) throw new BadRequest("missing field 'limit' (or give a full 'chargingProfile')");
  const purpose = (b.purpose as ChargingProfilePurpose | undefined) ?? "TxDefaultProfile";
  const profile: ChargingProfile = {
    chargingProfileId: (b.chargingProfileId as number | undefined) ?? 1,
    stackLevel: (b.stackLevel as number | undefined) ?? 0,
    chargingProfilePurpose: purpose,
    chargingProfileKind: "Relative",
    chargingSchedule: {
      chargingRateUnit: (b.unit as "A" | "W" | undefined) ?? "A",
      chargingSchedulePeriod: [{ startPeriod: 0, limit: b.limit as number }],
    },
  };
  if (b.transactionId !== undefined) profile.transactionId = b.transactionId as number;
  return profile;
}
