/**
 * Mocha root hooks (.mocharc.json `require`): every ProtocolMonitor a test
 * CSMS creates (TestCsms, DevCsms) is watched, and a test fails when one
 * reported a violation it did not mark expected. The check runs at the end
 * of the test body (the test itself fails) and again after the suites'
 * afterEach hooks (frames of the shutdown: the hook fails).
 */
import { formatViolations, watchMonitors, type MonitorViolation, type ProtocolMonitor } from "../../tools/csms/protocol-monitor.ts";

const watched: ProtocolMonitor[] = [];
/** How many violations of each monitor were already checked. */
const checked = new WeakMap<ProtocolMonitor, number>();

watchMonitors((monitor) => {
  watched.push(monitor);
  checked.set(monitor, 0);
});

/** Violations not marked expected, reported since the last call. */
export function takeNewViolations(): MonitorViolation[] {
  const found: MonitorViolation[] = [];
  for (const monitor of watched) {
    const from = checked.get(monitor) ?? 0;
    const all = monitor.violations;
    for (let i = from; i < all.length; i++) if (!all[i].expected) found.push(all[i]);
    checked.set(monitor, all.length);
  }
  return found;
}

function assertNoViolation(when: string): void {
  const found = takeNewViolations();
  if (found.length > 0) throw new Error(`protocol monitor: ${found.length} violation(s) ${when}:\n${formatViolations(found)}`);
}

/**
 * Violations seen after a test body (frames of the rigs' shutdown): a failing
 * afterEach hook would make mocha skip every later test, so they are listed at
 * once and fail the run in the root `afterAll` hook.
 */
const late: string[] = [];

export const mochaHooks = {
  beforeEach(this: Mocha.Context): void {
    const earlier = takeNewViolations(); // from before/after hooks between tests
    if (earlier.length > 0) late.push(`before "${this.currentTest?.fullTitle() ?? "?"}":\n${formatViolations(earlier)}`);
    const test = this.currentTest;
    const body = test?.fn;
    if (!test || !body || body.length > 0) return; // a done-callback test is checked by afterEach only
    test.fn = async function (this: Mocha.Context): Promise<unknown> {
      let result: unknown;
      try {
        result = await (body as (this: Mocha.Context) => unknown).call(this);
      } catch (error) {
        const found = takeNewViolations();
        if (found.length > 0 && error instanceof Error)
          error.message += `\nprotocol monitor: ${found.length} violation(s):\n${formatViolations(found)}`;
        throw error;
      }
      assertNoViolation("during the test");
      return result;
    };
  },
  afterEach(this: Mocha.Context): void {
    const found = takeNewViolations();
    if (found.length > 0) {
      const entry = `after "${this.currentTest?.fullTitle() ?? "?"}":\n${formatViolations(found)}`;
      console.error(`protocol monitor: violation(s) ${entry}`);
      if (this.currentTest?.state !== "failed") late.push(entry); // a failed test is reported already
    }
    // Monitors of CSMSs closed by now are no longer watched.
    for (let i = watched.length - 1; i >= 0; i--) if (watched[i].retired) watched.splice(i, 1);
  },
  afterAll(): void {
    const found = takeNewViolations();
    if (found.length > 0) late.push(`after the last test:\n${formatViolations(found)}`);
    if (late.length > 0) throw new Error(`protocol monitor: violations outside test bodies:\n${late.join("\n")}`);
  },
};
