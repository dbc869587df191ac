/**
 * Realistic OCPP 1.6J frames for storage tests: a transaction's
 * StartTransaction, periodic MeterValues with 5 samples, and a
 * StopTransaction with transactionData (about 150-700 bytes each).
 */
let counter = 0;

function messageId(): string {
  counter++;
  const hex = ((counter * 2654435761) >>> 0).toString(16).padStart(8, "0");
  return `${hex}-4c2a-4b1e-9d7f-${((counter * 40503) >>> 0).toString(16).padStart(12, "0")}`;
}

function at(minute: number): string {
  return new Date(Date.UTC(2025, 4, 1) + minute * 60000).toISOString();
}

export function startTransaction(tx: number): string {
  return `[2,"${messageId()}","StartTransaction",{"connectorId":1,"idTag":"04A1B2C3D4${(tx % 100).toString().padStart(2, "0")}","meterStart":${1234567 + tx * 9000},"timestamp":"${at(tx * 100)}"}]`;
}

export function meterValues(tx: number, k: number): string {
  const e = 1234567 + tx * 9000 + k * 1500;
  return (
    `[2,"${messageId()}","MeterValues",{"connectorId":1,"transactionId":${1000 + tx},"meterValue":[{"timestamp":"${at(tx * 100 + k * 15)}","sampledValue":[` +
    `{"value":"${e}","context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","unit":"Wh"},` +
    `{"value":"${(15.5 + k * 0.37).toFixed(2)}","context":"Sample.Periodic","measurand":"Current.Import","phase":"L1","unit":"A"},` +
    `{"value":"${(15.1 + k * 0.21).toFixed(2)}","context":"Sample.Periodic","measurand":"Current.Import","phase":"L2","unit":"A"},` +
    `{"value":"${(15.9 + k * 0.11).toFixed(2)}","context":"Sample.Periodic","measurand":"Current.Import","phase":"L3","unit":"A"},` +
    `{"value":"${10950 + k * 17 + tx}","context":"Sample.Periodic","measurand":"Power.Active.Import","unit":"W"}]}]}]`
  );
}

export function stopTransaction(tx: number): string {
  const begin = 1234567 + tx * 9000;
  return (
    `[2,"${messageId()}","StopTransaction",{"transactionId":${1000 + tx},"idTag":"04A1B2C3D4${(tx % 100).toString().padStart(2, "0")}","meterStop":${begin + 8000},"timestamp":"${at(tx * 100 + 90)}","reason":"EVDisconnected","transactionData":[` +
    `{"timestamp":"${at(tx * 100)}","sampledValue":[{"value":"${begin}","context":"Transaction.Begin","measurand":"Energy.Active.Import.Register","unit":"Wh"}]},` +
    `{"timestamp":"${at(tx * 100 + 90)}","sampledValue":[{"value":"${begin + 8000}","context":"Transaction.End","measurand":"Energy.Active.Import.Register","unit":"Wh"},` +
    `{"value":"0.00","context":"Transaction.End","measurand":"Current.Import","phase":"L1","unit":"A"},{"value":"231.4","context":"Transaction.End","measurand":"Voltage","phase":"L1-N","unit":"V"}]}]}]`
  );
}

/** The frames of one transaction: start, three meter values, stop. */
export function transactionFrames(tx: number): string[] {
  return [startTransaction(tx), meterValues(tx, 1), meterValues(tx, 2), meterValues(tx, 3), stopTransaction(tx)];
}
