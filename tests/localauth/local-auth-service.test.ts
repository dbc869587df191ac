import { strict as assert } from "node:assert";
import { AuthorizationCache } from "ocpp/localauth/auth-cache";
import { FixedLocalAuthSettings } from "ocpp/localauth/config-keys";
import { handleGetLocalListVersion } from "ocpp/localauth/GetLocalListVersion";
import { LocalAuthService } from "ocpp/localauth/local-auth-service";
import { handleSendLocalList } from "ocpp/localauth/SendLocalList";
import type { SendLocalListReq } from "ocpp/generated/ocpp16";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { OffsetClock } from "platform/common/offset-clock";
import { makeRig, manyEntries, NOW_MS } from "./helpers.ts";

const accepted = { status: "Accepted" as const };

describe("LocalAuthService: Local List management (OCTT section 6)", function () {
  it("TC_042_1: without Local List support GetLocalListVersion is -1 and SendLocalList NotSupported", function () {
    const clock = new OffsetClock(() => 0, NOW_MS, true);
    const service = new LocalAuthService({
      cache: new AuthorizationCache(new MemoryKeyValueStore()),
      settings: new FixedLocalAuthSettings(),
      clock,
    });
    assert.deepEqual(handleGetLocalListVersion({}, service), { listVersion: -1 });
    assert.deepEqual(handleSendLocalList({ listVersion: 1, updateType: "Full" }, service), { status: "NotSupported" });
  });

  it("TC_042_2: an empty Full list is Accepted and reports version 0", function () {
    const { service } = makeRig();
    const send = (request: SendLocalListReq) => handleSendLocalList(request, service);
    assert.deepEqual(send({ listVersion: 1, updateType: "Full", localAuthorizationList: [] }), { status: "Accepted" });
    assert.deepEqual(handleGetLocalListVersion({}, service), { listVersion: 0 });
    assert.deepEqual(send({ listVersion: 1, updateType: "Full" }), { status: "Accepted" });
    assert.equal(service.getLocalListVersion(), 0);
  });

  it("TC_043: Full then Differential are Accepted and the listed ids are authorised locally", function () {
    const { service, settings } = makeRig({ settings: { preAuthorize: true } });
    const send = (request: SendLocalListReq) => handleSendLocalList(request, service);
    assert.equal(
      send({ listVersion: 1, updateType: "Full", localAuthorizationList: [{ idTag: "TAG-1", idTagInfo: accepted }] }).status,
      "Accepted",
    );
    assert.equal(service.getLocalListVersion(), 1);
    assert.equal(
      send({ listVersion: 2, updateType: "Differential", localAuthorizationList: [{ idTag: "TAG-2", idTagInfo: accepted }] }).status,
      "Accepted",
    );
    assert.equal(service.getLocalListVersion(), 2);
    assert.deepEqual(service.authorize("tag-1", true), { action: "accept", source: "list", idTagInfo: accepted });
    assert.equal(service.authorize("TAG-2", true).action, "accept");
    settings.preAuthorize = false;
    assert.equal(service.authorize("TAG-2", true).action, "authorize", "online without LocalPreAuthorize: ask the CSMS");
  });

  it("TC_043_1: SendLocalList is NotSupported while LocalAuthListEnabled is false", function () {
    const { service, settings } = makeRig({ settings: { listEnabled: false } });
    assert.equal(service.sendLocalList({ listVersion: 1, updateType: "Full", localAuthorizationList: [] }), "NotSupported");
    assert.equal(service.sendLocalList({ listVersion: 1, updateType: "Differential" }), "NotSupported");
    settings.listEnabled = true;
    assert.equal(
      service.sendLocalList({ listVersion: 1, updateType: "Full", localAuthorizationList: [{ idTag: "A", idTagInfo: accepted }] }),
      "Accepted",
    );
    settings.listEnabled = false;
    assert.equal(service.authorize("A", false).source, "none", "a disabled list is not consulted");
  });

  it("TC_043_2: a Differential with a lower version is a VersionMismatch and changes nothing", function () {
    const { service } = makeRig();
    assert.equal(service.sendLocalList({ listVersion: 2, updateType: "Full", localAuthorizationList: manyEntries(3) }), "Accepted");
    assert.equal(
      service.sendLocalList({ listVersion: 5, updateType: "Differential", localAuthorizationList: [{ idTag: "X", idTagInfo: accepted }] }),
      "Accepted",
    );
    assert.equal(service.getLocalListVersion(), 5);
    assert.equal(
      service.sendLocalList({ listVersion: 4, updateType: "Differential", localAuthorizationList: [{ idTag: "Y", idTagInfo: accepted }] }),
      "VersionMismatch",
    );
    assert.equal(
      service.sendLocalList({ listVersion: 5, updateType: "Differential", localAuthorizationList: [{ idTag: "Y", idTagInfo: accepted }] }),
      "VersionMismatch",
    );
    assert.equal(service.getLocalListVersion(), 5);
    assert.equal(service.lookup("Y"), undefined);
  });

  it("TC_043_3: more entries than SendLocalListMaxLength or LocalAuthListMaxLength is Failed", function () {
    const { service } = makeRig();
    assert.equal(
      service.sendLocalList({
        listVersion: 1,
        updateType: "Full",
        localAuthorizationList: manyEntries(service.sendLocalListMaxLength + 1),
      }),
      "Failed",
    );
    // Fill to LocalAuthListMaxLength with several requests, then one more is Failed.
    const chunk = service.sendLocalListMaxLength;
    let version = 1;
    for (let from = 0; from < service.localAuthListMaxLength; from += chunk) {
      const status = service.sendLocalList({
        listVersion: version++,
        updateType: from === 0 ? "Full" : "Differential",
        localAuthorizationList: manyEntries(chunk, from),
      });
      assert.equal(status, "Accepted", `chunk from ${from}`);
    }
    assert.equal(service.getLocalListVersion(), version - 1);
    assert.equal(
      service.sendLocalList({
        listVersion: version,
        updateType: "Differential",
        localAuthorizationList: [{ idTag: "ONE-MORE", idTagInfo: accepted }],
      }),
      "Failed",
    );
    assert.equal(service.getLocalListVersion(), version - 1);
    assert.equal(
      service.sendLocalList({ listVersion: version, updateType: "Full", localAuthorizationList: [{ idTag: "NO-INFO" }] }),
      "Failed",
    );
  });

  it("a power cut during SendLocalList Full keeps the old list valid after reboot", function () {
    const rig = makeRig();
    assert.equal(rig.service.sendLocalList({ listVersion: 1, updateType: "Full", localAuthorizationList: manyEntries(200) }), "Accepted");
    rig.flash.cutPowerAtOperation(5, "torn");
    assert.equal(
      rig.service.sendLocalList({ listVersion: 2, updateType: "Full", localAuthorizationList: manyEntries(200, 500) }),
      "Failed",
    );
    rig.flash.powerOn();
    rig.reboot();
    assert.equal(rig.service.getLocalListVersion(), 1);
    assert.equal(rig.service.lookup("TAG00100")?.source, "list");
    assert.equal(rig.service.lookup("TAG00600"), undefined);
  });

  it("TC_008: an id in the Local List starts without Authorize (cache off, LocalPreAuthorize on)", function () {
    const { service } = makeRig({ settings: { cacheEnabled: false, preAuthorize: true } });
    service.sendLocalList({ listVersion: 1, updateType: "Full", localAuthorizationList: [{ idTag: "LISTED", idTagInfo: accepted }] });
    assert.equal(service.authorize("LISTED", true).action, "accept");
    assert.equal(service.authorize("UNKNOWN", true).action, "authorize");
  });
});

describe("LocalAuthService: authorization cache and precedence (section 4.5)", function () {
  it("TC_007: a cached id starts at once with LocalPreAuthorize", function () {
    const { service } = makeRig({ settings: { preAuthorize: true } });
    assert.equal(service.authorize("CACHED", true).action, "authorize");
    assert.deepEqual(service.updateFromCsms("CACHED", accepted), { cached: true, listConflict: false });
    assert.deepEqual(service.authorize("cached", true), { action: "accept", source: "cache", idTagInfo: accepted });
  });

  it("TC_061: ClearCache is Accepted and the same tag then needs Authorize.req", function () {
    const { service } = makeRig({ settings: { preAuthorize: true } });
    service.updateFromCsms("CACHED", accepted);
    assert.equal(service.authorize("CACHED", true).action, "accept");
    assert.equal(service.clearCache(), "Accepted");
    assert.equal(service.authorize("CACHED", true).action, "authorize");
  });

  it("the Local List wins over the cache, and listed ids are never cached", function () {
    const rig = makeRig({ settings: { preAuthorize: true } });
    rig.service.updateFromCsms("BOTH", accepted);
    rig.service.sendLocalList({
      listVersion: 1,
      updateType: "Full",
      localAuthorizationList: [{ idTag: "both", idTagInfo: { status: "Blocked" } }],
    });
    assert.equal(rig.cache.has("BOTH"), false, "listing a tag removes it from the cache");
    assert.deepEqual(rig.service.authorize("BOTH", true), { action: "reject", source: "list", idTagInfo: { status: "Blocked" } });
    // A CSMS answer for a listed id is not cached; a different status is a LocalListConflict.
    assert.deepEqual(rig.service.updateFromCsms("BOTH", accepted), { cached: false, listConflict: true });
    assert.deepEqual(rig.service.updateFromCsms("BOTH", { status: "Blocked" }), { cached: false, listConflict: false });
    assert.equal(rig.cache.has("BOTH"), false);
  });

  it("expired entries read as Expired; the cache turns them into Expired and asks online", function () {
    const rig = makeRig({ settings: { preAuthorize: true } });
    const expiry = new Date(NOW_MS + 60_000).toISOString();
    rig.service.updateFromCsms("SOON", { status: "Accepted", expiryDate: expiry });
    rig.service.sendLocalList({
      listVersion: 1,
      updateType: "Full",
      localAuthorizationList: [{ idTag: "LISTSOON", idTagInfo: { status: "Accepted", expiryDate: expiry } }],
    });
    assert.equal(rig.service.authorize("SOON", true).action, "accept");
    assert.equal(rig.service.authorize("LISTSOON", false).action, "accept");
    rig.time.advance(60_000);
    assert.deepEqual(rig.service.authorize("SOON", true), {
      action: "authorize",
      source: "cache",
      idTagInfo: { status: "Expired", expiryDate: expiry },
    });
    assert.equal(rig.service.authorize("SOON", false).action, "reject");
    assert.equal(rig.cache.get("SOON")?.status, "Expired");
    assert.equal(rig.service.authorize("LISTSOON", true).action, "reject");
    assert.equal(rig.service.authorize("LISTSOON", false).idTagInfo?.status, "Expired");
  });

  it("offline: LocalAuthorizeOffline and AllowOfflineTxForUnknownId decide", function () {
    const { service, settings } = makeRig();
    service.updateFromCsms("KNOWN", accepted);
    service.updateFromCsms("BLOCKED", { status: "Blocked" });
    assert.equal(service.authorize("KNOWN", false).action, "accept");
    assert.equal(service.authorize("UNKNOWN", false).action, "reject");
    settings.offlineTxForUnknownId = true;
    assert.deepEqual(service.authorize("UNKNOWN", false), { action: "accept", source: "none" });
    assert.equal(service.authorize("BLOCKED", false).action, "reject", "known non-valid ids are still refused offline");
    settings.authorizeOffline = false;
    assert.equal(service.authorize("KNOWN", false).action, "reject");
    settings.cacheEnabled = false;
    assert.equal(service.authorize("KNOWN", false).action, "accept", "with the cache off the id is unknown");
    assert.deepEqual(service.updateFromCsms("NEW", accepted), { cached: false, listConflict: false });
  });

  it("evicts non-valid entries first, then the least recently used, and persists across reboot", function () {
    const rig = makeRig({ cacheCapacity: 3 });
    rig.service.updateFromCsms("A", accepted);
    rig.service.updateFromCsms("B", { status: "Invalid" });
    rig.service.updateFromCsms("C", accepted);
    rig.service.updateFromCsms("D", accepted); // full: drops B (not valid)
    assert.deepEqual([rig.cache.has("A"), rig.cache.has("B"), rig.cache.has("C"), rig.cache.has("D")], [true, false, true, true]);
    assert.equal(rig.service.authorize("A", false).action, "accept"); // A is now the most recently used
    rig.service.updateFromCsms("E", { status: "Accepted", parentIdTag: "G1", expiryDate: "2031-02-03T04:05:06Z" }); // drops C
    assert.deepEqual([rig.cache.has("A"), rig.cache.has("C"), rig.cache.has("D"), rig.cache.has("E")], [true, false, true, true]);
    rig.reboot();
    assert.equal(rig.cache.size, 3);
    assert.deepEqual(rig.cache.get("e"), { status: "Accepted", parentIdTag: "G1", expiryDate: "2031-02-03T04:05:06Z" });
    rig.service.clearCache();
    rig.reboot();
    assert.equal(rig.cache.size, 0);
  });

  it("keeps the cache blob within the NVS limit at full capacity", function () {
    const kv = new MemoryKeyValueStore();
    const cache = new AuthorizationCache(kv, { capacity: 1000 });
    for (let i = 0; i < cache.capacity + 5; i++) {
      assert.equal(
        cache.put(`${"T".repeat(15)}${String(i).padStart(5, "0")}`, {
          status: "Accepted",
          parentIdTag: "P".repeat(20),
          expiryDate: "2030-01-01T00:00:00Z",
        }),
        true,
      );
    }
    assert.equal(cache.size, cache.capacity);
    assert.equal(cache.put("X".repeat(21), accepted), false);
  });

  it("TC_068: the same idTag stops the transaction, an unrelated tag does not", function () {
    const { service } = makeRig();
    assert.equal(service.mayStop("STARTER", undefined, "starter", true), "same-tag");
    service.updateFromCsms("OTHER", accepted);
    assert.equal(service.mayStop("STARTER", "G1", "OTHER", true), "refuse");
    assert.equal(service.mayStop("STARTER", undefined, "STRANGER", false), "refuse");
  });

  it("TC_069: a tag with the same parentIdTag stops it (locally known or after Authorize)", function () {
    const { service } = makeRig();
    service.sendLocalList({
      listVersion: 1,
      updateType: "Full",
      localAuthorizationList: [
        { idTag: "STARTER", idTagInfo: { status: "Accepted", parentIdTag: "FLEET" } },
        { idTag: "MATE", idTagInfo: { status: "Accepted", parentIdTag: "fleet" } },
        { idTag: "BLOCKEDMATE", idTagInfo: { status: "Blocked", parentIdTag: "FLEET" } },
      ],
    });
    assert.equal(service.mayStop("STARTER", undefined, "MATE", false), "same-parent");
    assert.equal(service.mayStop("STARTER", undefined, "BLOCKEDMATE", true), "refuse");
    // Unknown locally: ask the CSMS, then check its answer.
    assert.equal(service.mayStop("STARTER", "FLEET", "NEWMATE", true), "authorize");
    assert.equal(service.parentMatches("FLEET", { status: "Accepted", parentIdTag: "FLEET" }), true);
    assert.equal(service.parentMatches("FLEET", { status: "Accepted", parentIdTag: "OTHER" }), false);
    assert.equal(service.parentMatches("FLEET", { status: "Invalid", parentIdTag: "FLEET" }), false);
  });
});

describe("AuthorizationCache damaged storage", function () {
  it("starts empty from a damaged blob instead of crashing", function () {
    const kv = new MemoryKeyValueStore();
    kv.set("authcache", "entries", new Uint8Array([1, 0, 5, 40, 1, 2, 3]).buffer);
    const cache = new AuthorizationCache(kv);
    assert.equal(cache.size, 0);
  });
});
