import { Browser, BrowserContext, expect, Page, test } from './fixtures';
import { ADMIN, openEnterpriseMap, signIn } from './helpers';

// The cascade: a business unit's map built from the enterprise map, each objective aligned,
// while the enterprise lead watches the "supported by" badges change live.

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

async function person(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 } });
  contexts.push(context);
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

const EDITOR = 'editor@northwind.example';
const DELIVERY = 'Reduce project delivery time by 30 %';

/** The "supported by N units" badge of an objective's box (its name lists the units). */
async function badgeOf(page: Page, title: string) {
  const id = await page.getByRole('button', { name: title, exact: true }).getAttribute('data-id');
  return page.locator(`g.objective-extras[data-id="${id}"] g.cascade-mark.supported`);
}

test('the wizard builds a unit map from the enterprise map; the enterprise lead sees the badges change', async ({ browser }) => {
  const lead = await person(browser, ADMIN);
  await openEnterpriseMap(lead);
  await expect(lead.getByTestId('connection')).toHaveText(/^Live/);
  const delivery = await badgeOf(lead, DELIVERY);
  await expect(delivery).toHaveAttribute('aria-label', /^Supported by 2 units: /);

  const unitLead = await person(browser, EDITOR);
  await unitLead.getByRole('link', { name: 'From the parent\'s map: a new map for Cloud Platforms' }).click();
  await expect(unitLead.getByRole('heading', { name: 'A map for Cloud Platforms from its parent\'s map' })).toBeVisible();
  await expect(unitLead.locator('body[data-hydrated]')).toBeAttached();
  // The enterprise map's perspectives, in order.
  await expect(unitLead.locator('.wizard-bands li')).toHaveText(['Financial', 'Customer', 'Internal Processes', 'Learning & Growth']);
  await unitLead.getByLabel(DELIVERY, { exact: true }).check();
  await unitLead.getByLabel(`Your wording of “${DELIVERY}”`).fill('Automate platform delivery');
  await unitLead.getByLabel('Grow revenue by 25 %', { exact: true }).check();
  await expect(unitLead.getByText('2 objectives picked')).toBeVisible();
  await unitLead.getByRole('button', { name: 'Create the map' }).click();

  // The new map opens with both objectives, each aligned.
  await unitLead.waitForURL(/\/maps\/[0-9a-f-]+$/);
  const mine = unitLead.getByRole('button', { name: 'Automate platform delivery', exact: true });
  await expect(mine).toBeVisible();
  await expect(unitLead.getByRole('button', { name: 'Grow revenue by 25 %', exact: true })).toBeVisible();
  await mine.click();
  const supports = unitLead.locator('.cascade-supports');
  await expect(supports.locator('.support-title')).toHaveText([DELIVERY]);

  // The enterprise lead's screen: now three units support it, Cloud Platforms among them.
  await expect(delivery).toHaveAttribute('aria-label', /^Supported by 3 units: .*Cloud Platforms: Automate platform delivery/);
});

test('an objective aligned in the panel is seen at once by a colleague and on the enterprise map', async ({ browser }) => {
  const a = await person(browser, EDITOR);
  const b = await person(browser, ADMIN);
  // Both on the Managed Services map; the enterprise lead also watches the enterprise map.
  const watcher = await person(browser, ADMIN);
  await openEnterpriseMap(watcher);
  const clients = await badgeOf(watcher, 'Win new clients in target sectors');
  await expect(clients).toHaveAttribute('aria-label', /^Supported by 1 unit: Consulting: /);
  for (const p of [a, b]) {
    await p.getByRole('link', { name: 'Managed Services Plan 2025–2027', exact: true }).click();
    await p.locator('body[data-hydrated]').waitFor({ state: 'attached' });
    await expect(p.getByTestId('connection')).toHaveText(/^Live/);
  }
  // A adds an objective: both see it marked as supporting nothing.
  await a.getByRole('button', { name: '+ Objective' }).click();
  const input = a.getByLabel('Objective title');
  await input.fill('Sell managed services to new sectors');
  await input.press('Enter');
  await expect(b.getByRole('button', { name: 'Sell managed services to new sectors (not aligned)' })).toBeVisible();

  // A aligns it from the panel; B's mark goes away, the enterprise map counts one more unit.
  await a.getByRole('button', { name: /^Sell managed services to new sectors/ }).click();
  await a.getByLabel('Align to a parent objective').selectOption({ label: 'Customer · Win new clients in target sectors' });
  await a.getByRole('button', { name: 'Align', exact: true }).click();
  await expect(b.getByRole('button', { name: 'Sell managed services to new sectors', exact: true })).toBeVisible();
  await expect(clients).toHaveAttribute('aria-label', /^Supported by 2 units: .*Managed Services: Sell managed services to new sectors/);

  // The note travels too; removing it marks the objective again.
  await b.getByRole('button', { name: 'Sell managed services to new sectors', exact: true }).click();
  await a.getByLabel('How it contributes to “Win new clients in target sectors”').fill('Packaged offers for logistics');
  await a.getByLabel('How it contributes to “Win new clients in target sectors”').press('Tab');
  await expect(b.getByLabel('How it contributes to “Win new clients in target sectors”')).toHaveValue('Packaged offers for logistics');
  await a.getByRole('button', { name: 'Remove the alignment to “Win new clients in target sectors”' }).click();
  await expect(b.getByRole('button', { name: 'Sell managed services to new sectors (not aligned)' })).toBeVisible();
});
