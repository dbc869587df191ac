/**
 * XS entry for the Local List: fills the "authlist" flash partition through
 * SendLocalList and looks tags up, on the real XS engine.
 */
import { AuthorizationCache } from "ocpp/localauth/auth-cache";
import { FixedLocalAuthSettings } from "ocpp/localauth/config-keys";
import { LocalAuthService } from "ocpp/localauth/local-auth-service";
import { LocalListStore } from "ocpp/localauth/local-list-store";
import type { LocalListEntry } from "ocpp/localauth/types";
import { createXsnapPlatform } from "platform/xsnap/index";

const platform = createXsnapPlatform();
const settings = new FixedLocalAuthSettings({ preAuthorize: true });
let service: LocalAuthService | undefined;

function boot(): LocalAuthService {
  const list = new LocalListStore(platform.openFlash("authlist"), { maxEntries: 1200 });
  const cache = new AuthorizationCache(platform.kv, { nowUtcMs: () => platform.clock.utcMs() });
  service = new LocalAuthService({ list, cache, settings, clock: platform.clock });
  return service;
}

function tag(i: number): string {
  return `TAG${String(i).padStart(5, "0")}`;
}

/** Sends tags from..from+count in one SendLocalList (Full when from is 0). */
platform.expose("sendRange", (from: unknown, count: unknown, version: unknown) => {
  const s = service ?? boot();
  const entries: LocalListEntry[] = [];
  for (let i = Number(from); i < Number(from) + Number(count); i++) {
    entries.push({ idTag: tag(i), idTagInfo: i % 10 === 0 ? { status: "Accepted", parentIdTag: "FLEET" } : { status: "Accepted" } });
  }
  return s.sendLocalList({
    listVersion: Number(version),
    updateType: Number(from) === 0 ? "Full" : "Differential",
    localAuthorizationList: entries,
  });
});

platform.expose("boot", () => {
  boot();
  return true;
});

platform.expose("version", () => (service ?? boot()).getLocalListVersion());

/** Looks up `count` tags spread over 0..limit; returns how many were found and accepted. */
platform.expose("lookupMany", (count: unknown, limit: unknown) => {
  const s = service ?? boot();
  let accepted = 0;
  for (let k = 0; k < Number(count); k++) {
    const decision = s.authorize(tag((k * 7919) % Number(limit)), false);
    if (decision.action === "accept" && decision.source === "list") accepted++;
  }
  return accepted;
});

platform.expose("lookupOne", (idTag: unknown) => {
  const found = (service ?? boot()).lookup(String(idTag));
  return found ? { source: found.source, status: found.idTagInfo.status, parent: found.idTagInfo.parentIdTag ?? null } : null;
});

platform.expose("gc", () => {
  const g = globalThis as unknown as { gc?: () => void };
  if (typeof g.gc === "function") g.gc();
  return typeof g.gc;
});
