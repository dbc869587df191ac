/**
 * The rig's relays on ESP32 GPIOs (`embedded:io/digital` handed in). Every
 * change opens first and closes after, so going from C to D never puts
 * both resistors in, and a fault switched off is gone before the next one
 * comes on.
 */
import { openOutput, type DigitalClass, type DigitalPort } from "hal/esp32/io";
import { SWITCH_NAMES, type SwitchName, type SwitchSet } from "./ev-network";
import type { RelayPin } from "./esp32-board";
import type { SwitchBank } from "./ports";

export class Esp32SwitchBank implements SwitchBank {
  readonly #outputs: DigitalPort[] = [];
  readonly #activeLow: boolean[] = [];
  readonly #closed: boolean[] = [];

  /** Opens every relay's output, de-asserted (all relays released: unplugged, PE connected). */
  constructor(relays: Readonly<Record<SwitchName, RelayPin>>, io: DigitalClass) {
    for (let i = 0; i < SWITCH_NAMES.length; i++) {
      const relay = relays[SWITCH_NAMES[i]];
      this.#outputs.push(openOutput({ io, pin: relay.pin, activeLow: relay.activeLow }));
      this.#activeLow.push(relay.activeLow === true);
      this.#closed.push(false);
    }
  }

  apply(switches: Readonly<SwitchSet>): void {
    for (let pass = 0; pass < 2; pass++) {
      const closing = pass === 1;
      for (let i = 0; i < SWITCH_NAMES.length; i++) {
        const wanted = switches[SWITCH_NAMES[i]];
        if (wanted !== closing || wanted === this.#closed[i]) continue;
        this.#outputs[i].write(wanted !== this.#activeLow[i] ? 1 : 0);
        this.#closed[i] = wanted;
      }
    }
  }

  close(): void {
    for (let i = 0; i < this.#outputs.length; i++) this.#outputs[i].close();
  }
}
