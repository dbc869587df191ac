/**
 * Preset dictionary for the LZ codec: OCPP 1.6J vocabulary that every
 * stored frame repeats. Compression and decompression both start with it
 * in the window, so even a short record finds long matches. Changing this
 * text changes how codec-1 records decode: never edit it in place; add a
 * new codec number with a new dictionary instead.
 */
export const OCPP_DICTIONARY =
  '"status":"Available","Preparing","Charging","SuspendedEV","SuspendedEVSE","Finishing","Reserved","Unavailable","Faulted"' +
  ',"errorCode":"NoError","info":"","vendorErrorCode":"' +
  '[2,"","StatusNotification",{"connectorId":1,' +
  '"reason":"Local","EVDisconnected","Remote","PowerLoss","Reboot","HardReset","SoftReset","DeAuthorized","EmergencyStop","Other","UnlockCommand"' +
  ',"phase":"L1","L2","L3","L1-N","L2-N","L3-N","N","location":"Outlet","Inlet","Body","Cable","EV"' +
  ',"format":"Raw","SignedData"' +
  ',"unit":"W","kW","kWh","A","V","Celsius","Percent","K","Fahrenheit","varh","kvarh","var","kvar","VA","kVA"' +
  ',"measurand":"Power.Active.Import","Current.Import","Current.Offered","Voltage","Frequency","Temperature","SoC","Power.Offered"' +
  ',"context":"Transaction.Begin","Transaction.End","Sample.Clock","Trigger","Interruption.Begin","Interruption.End","Other"' +
  '[2,"","DataTransfer",{"vendorId":"","messageId":"","data":"' +
  '[2,"","StartTransaction",{"connectorId":1,"idTag":"","meterStart":0,"reservationId":' +
  '[2,"","StopTransaction",{"transactionId":1,"idTag":"","meterStop":0,"reason":"Local","transactionData":[' +
  '[2,"","MeterValues",{"connectorId":1,"transactionId":1,"meterValue":[' +
  '{"timestamp":"2025-01-01T00:00:00.000Z","sampledValue":[{"value":"0","context":"Sample.Periodic","measurand":"Energy.Active.Import.Register","unit":"Wh"}]}]}]' +
  ',{"value":"0.0","context":"Sample.Periodic","measurand":"Current.Import","phase":"L1","unit":"A"}' +
  ',{"value":"0.0","context":"Sample.Periodic","measurand":"Power.Active.Import","unit":"W"}' +
  ',{"value":"230.0","context":"Sample.Periodic","measurand":"Voltage","phase":"L1-N","unit":"V"}' +
  '"timestamp":"2025-01-01T00:00:00Z"},{"value":"0","context":"Transaction.End","measurand":"Energy.Active.Import.Register","unit":"Wh"}]}';
