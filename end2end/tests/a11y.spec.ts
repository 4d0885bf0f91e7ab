import { expect, expectAccessible, seriousA11yViolations, test } from './fixtures';
import { ADMIN, enterprise, everyPage, signIn } from './helpers';

// Every page of the app, opened on its own and checked by axe (no serious or critical
// violation). The suite's fixture also checks the pages every other test leaves behind, in the
// state it leaves them.

test('the sign-in page is accessible', async ({ page }) => {
  await page.goto('/signin');
  await page.locator('body[data-ready]').waitFor({ state: 'attached' });
  await expectAccessible(page);
});

test('every signed-in page is accessible', async ({ page }) => {
  // Some thirty pages, each loaded, hydrated and checked: more than the default minute on a
  // busy two-core machine.
  test.setTimeout(180_000);
  await signIn(page, ADMIN);
  const ent = await enterprise(page.request);
  const pages = await everyPage(page.request, ent, 'Axe board', 'Axe screen');
  for (const path of pages) {
    await test.step(path, async () => {
      await page.goto(path);
      await page.locator('body[data-ready]').waitFor({ state: 'attached' });
      await page.waitForLoadState('networkidle');
      // Soft, so one run lists every page's findings.
      expect.soft(await seriousA11yViolations(page), `axe on ${path}`).toEqual([]);
    });
  }
});
