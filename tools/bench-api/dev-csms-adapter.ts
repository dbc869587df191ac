// Glue for a BenchTarget whose charger talks to the development CSMS: the bench's CSMS-side
// buttons become DevCsms.send calls, and the CSMS's frame log becomes the bench's.
import type { DevCsms, FrameRecord } from "../csms/dev-csms.ts";
import type { CsmsAction, CsmsRequest, CsmsResponse } from "../csms/ocpp-types.ts";
import { BenchTargetError, type BenchCsms, type BenchFrame } from "./target.ts";

/**
 * CSMS-side bench actions sent to `identity` (a function: the identity as the charger reports it
 * at the time, a rig's board); a refusal (not connected, CALLERROR, timeout) becomes a BenchTargetError.
 */
export function benchCsmsFor(csms: DevCsms, identity: string | (() => string)): BenchCsms {
  const send =
    <A extends CsmsAction>(action: A) =>
    async (req: CsmsRequest<A>): Promise<CsmsResponse<A>> => {
      try {
        return await csms.send(typeof identity === "string" ? identity : identity(), action, req);
      } catch (error) {
        const rpc = error as Error & { rpcErrorCode?: string };
        const code = rpc.rpcErrorCode ? `CALLERROR ${rpc.rpcErrorCode}: ` : "";
        throw new BenchTargetError(`${action} failed: ${code}${rpc.message}`);
      }
    };
  return {
    remoteStart: send("RemoteStartTransaction"),
    remoteStop: send("RemoteStopTransaction"),
    setChargingProfile: send("SetChargingProfile"),
    changeConfiguration: send("ChangeConfiguration"),
    reset: send("Reset"),
    sendLocalList: send("SendLocalList"),
    reserveNow: send("ReserveNow"),
    triggerMessage: send("TriggerMessage"),
    updateFirmware: send("UpdateFirmware"),
    unlockConnector: send("UnlockConnector"),
  };
}

export function benchFrameOf(frame: FrameRecord): BenchFrame {
  return { at: frame.at, direction: frame.direction, text: frame.text };
}

const NO_DEV_CSMS = "CSMS-side actions need the development CSMS (the charger is connected to an external CSMS)";

/** The CSMS side of a charger connected to an external CSMS: every action refused with a clear message. */
export function refusingCsms(): BenchCsms {
  const refuse = async (): Promise<never> => {
    throw new BenchTargetError(NO_DEV_CSMS);
  };
  return {
    remoteStart: refuse,
    remoteStop: refuse,
    setChargingProfile: refuse,
    changeConfiguration: refuse,
    reset: refuse,
    sendLocalList: refuse,
    reserveNow: refuse,
    triggerMessage: refuse,
    updateFirmware: refuse,
    unlockConnector: refuse,
  };
}
