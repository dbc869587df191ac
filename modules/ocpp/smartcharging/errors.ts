/**
 * The CALLERROR a Smart Charging handler asks the engine to answer with,
 * where the spec wants an error rather than a status (e.g. SetChargingProfile
 * on a connector that does not exist: PropertyConstraintViolation [ERR 3.38]).
 */
export type SmartChargingCallErrorCode = "PropertyConstraintViolation" | "NotSupported" | "InternalError";

export class SmartChargingCallError extends Error {
  readonly code: SmartChargingCallErrorCode;
  constructor(code: SmartChargingCallErrorCode, message: string) {
    super(message);
    this.name = "SmartChargingCallError";
    this.code = code;
  }
}
