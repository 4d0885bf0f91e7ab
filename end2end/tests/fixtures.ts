import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test as base } from '@playwright/test';

export * from '@playwright/test';

/** axe's findings on `page` that are serious or critical, as readable lines. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .slice(0, 5)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
}

/** Fails the test when `page` has a serious or critical accessibility violation. */
export async function expectAccessible(page: Page) {
  expect(await seriousA11yViolations(page), `axe on ${page.url()}`).toEqual([]);
}

/**
 * The suite's `test`: after every test, axe checks each page still open in the test's browser
 * context, in the state the test left it (dialogs, panels, edits), and fails the test on a serious
 * or critical violation. Every route is also checked on its own in a11y.spec.ts.
 */
export const test = base.extend<{ axeAfterEach: void }>({
  axeAfterEach: [
    async ({ context }, use, testInfo) => {
      await use();
      if (testInfo.status !== testInfo.expectedStatus) return;
      for (const page of context.pages()) {
        const url = page.url();
        if (page.isClosed() || !url.startsWith('http')) continue;
        await page.waitForLoadState('load');
        await expectAccessible(page);
      }
    },
    { auto: true },
  ],
});
