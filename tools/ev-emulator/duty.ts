/**
 * What a measured PWM duty cycle offers the vehicle (IEC 61851-1 Annex A,
 * Table A.8 in the 2017 edition, as restated in ../shared/charger-hardware.md):
 *
 * | duty            | meaning                                              |
 * |-----------------|------------------------------------------------------|
 * | 3 % – 7 %       | digital communication (5 % nominal; ISO 15118)       |
 * | 8 % – < 10 %    | 6 A                                                  |
 * | 10 % – 85 %     | duty × 0.6 A (6 – 51 A)                              |
 * | > 85 % – 96 %   | (duty − 64) × 2.5 A (up to 80 A)                     |
 * | anything else   | no charging allowed                                  |
 *
 * Steady levels (no PWM) are not duties: measurement.ts classifies them.
 */

export type DutyOfferKind = "ac" | "digital" | "not-allowed";

export interface DutyOffer {
  kind: DutyOfferKind;
  /** Amperes the vehicle may draw per phase ("ac" only). */
  amperes: number | null;
}

/** Bounds of the table above (percent). */
export const DUTY_PERCENT = Object.freeze({
  digitalMin: 3,
  digitalMax: 7,
  sixAmpereMin: 8,
  linearMin: 10,
  linearMax: 85,
  highMax: 96,
});

/** The offer a duty cycle (percent) makes. */
export function offerForDuty(dutyPercent: number): DutyOffer {
  const d = dutyPercent;
  if (!Number.isFinite(d)) return { kind: "not-allowed", amperes: null };
  if (d >= DUTY_PERCENT.digitalMin && d <= DUTY_PERCENT.digitalMax) return { kind: "digital", amperes: null };
  if (d >= DUTY_PERCENT.sixAmpereMin && d < DUTY_PERCENT.linearMin) return { kind: "ac", amperes: 6 };
  if (d >= DUTY_PERCENT.linearMin && d <= DUTY_PERCENT.linearMax) return { kind: "ac", amperes: d * 0.6 };
  if (d > DUTY_PERCENT.linearMax && d <= DUTY_PERCENT.highMax) return { kind: "ac", amperes: (d - 64) * 2.5 };
  return { kind: "not-allowed", amperes: null };
}
