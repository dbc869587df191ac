/**
 * The EV emulator's entry (the manifest's `main`): the target
 * (`ev-emulator/target`: the ESP32 board on esp32, the simulated pilot line
 * with a TCP link on lin) builds and starts everything.
 */
import config from "mc/config";
import { startEvEmulator } from "ev-emulator/target";

startEvEmulator(config);
