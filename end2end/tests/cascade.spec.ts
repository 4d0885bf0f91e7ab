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

  // The new map opens in the cascade workshop with both objectives, each aligned.
  await unitLead.waitForURL(/\/maps\/[0-9a-f-]+\/workshop$/);
  const unitPane = unitLead.locator('.unit-pane');
  const mine = unitPane.getByRole('button', { name: 'Automate platform delivery', exact: true });
  await expect(mine).toBeVisible();
  await expect(unitPane.getByRole('button', { name: 'Grow revenue by 25 %', exact: true })).toBeVisible();
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

/** The centre of an element on screen. */
async function centreOf(locator: ReturnType<Page['locator']>) {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not on screen');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags with the mouse from one point to another in small steps, as a hand does. */
async function dragBetween(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 8 });
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
}

test('in the cascade workshop a lead drags objectives down and draws an alignment; a colleague sees it live', async ({ browser }) => {
  const lead = await person(browser, EDITOR);
  const colleague = await person(browser, ADMIN);
  for (const p of [lead, colleague]) {
    await p.getByRole('link', { name: 'Managed Services Plan 2025–2027', exact: true }).click();
    await p.locator('body[data-hydrated]').waitFor({ state: 'attached' });
    await p.getByRole('link', { name: 'Cascade workshop', exact: true }).click();
    await p.waitForURL(/\/workshop$/);
    await p.locator('body[data-hydrated]').waitFor({ state: 'attached' });
    for (const pane of ['.parent-pane', '.unit-pane']) {
      await expect(p.locator(pane).getByTestId('connection')).toHaveText(/^Live/);
    }
  }
  const leadParent = lead.locator('.parent-pane');
  const leadUnit = lead.locator('.unit-pane');
  const theirParent = colleague.locator('.parent-pane');
  const theirUnit = colleague.locator('.unit-pane');
  // The parent pane is read-only here even for its editors.
  await expect(leadParent.getByText('View only')).toBeVisible();
  const clients = await badgeOf(colleague, 'Win new clients in target sectors');
  await expect(clients).toHaveAttribute('aria-label', /^Supported by 1 unit: Consulting: /);

  // Drag a parent objective into the unit map's Customer band: a unit objective, aligned,
  // its title open to reword.
  const source = leadParent.getByRole('button', { name: 'Win new clients in target sectors', exact: true });
  const band = leadUnit.locator('g.band[aria-label="Perspective Customer"] rect.band-bg');
  const bandBox = await band.boundingBox();
  if (!bandBox) throw new Error('no band');
  await dragBetween(lead, await centreOf(source), { x: bandBox.x + bandBox.width * 0.8, y: bandBox.y + bandBox.height / 2 });
  const title = lead.getByLabel('Objective title');
  await expect(title).toHaveValue('Win new clients in target sectors');
  await title.fill('Win logistics clients');
  await title.press('Enter');
  await expect(theirUnit.getByRole('button', { name: 'Win logistics clients', exact: true })).toBeVisible();
  await expect(clients).toHaveAttribute('aria-label', /^Supported by 2 units: .*Managed Services: Win logistics clients/);

  // Selecting it highlights its partner in the other pane and draws the line across.
  await leadUnit.getByRole('button', { name: 'Win logistics clients', exact: true }).click();
  await expect(leadParent.locator('g.objective.partner')).toHaveCount(1);
  await expect(leadParent.locator('g.objective.partner')).toHaveAttribute('aria-label', 'Win new clients in target sectors');
  await expect(lead.locator('.cross-line-group.active')).toHaveCount(1);

  // A new unit objective, aligned by drawing from its handle onto a parent objective.
  await leadUnit.getByRole('button', { name: '+ Objective' }).click();
  await title.fill('Run a 24/7 service desk');
  await title.press('Enter');
  await expect(theirUnit.getByRole('button', { name: 'Run a 24/7 service desk (not aligned)' })).toBeVisible();
  await leadUnit.getByRole('button', { name: 'Run a 24/7 service desk (not aligned)' }).click();
  const handle = leadUnit.locator('circle.link-handle');
  const target = leadParent.getByRole('button', { name: 'Increase client satisfaction to 90 %', exact: true });
  await dragBetween(lead, await centreOf(handle), await centreOf(target));
  await expect(theirUnit.getByRole('button', { name: 'Run a 24/7 service desk', exact: true })).toBeVisible();
  await expect(lead.locator('.cascade-supports .support-title')).toHaveText(['Increase client satisfaction to 90 %']);

  // The colleague sees where the lead works: the lead's avatar fades in the pane they left.
  await leadParent.locator('.canvas-wrap').click({ position: { x: 20, y: 20 } });
  await expect(theirUnit.locator('.roster .avatar.elsewhere')).toHaveCount(1);
  await expect(theirParent.locator('.roster .avatar.elsewhere')).toHaveCount(0);

  // Selecting the line and removing it marks the objective again, on both screens.
  await leadUnit.getByRole('button', { name: 'Run a 24/7 service desk', exact: true }).click();
  await lead.locator('.cross-line-group.active .cross-line-hit').click();
  await lead.getByRole('button', { name: 'Remove alignment' }).click();
  await expect(theirUnit.getByRole('button', { name: 'Run a 24/7 service desk (not aligned)' })).toBeVisible();

  // Undo walks back the lead's six edits (removal, alignment, title, new objective, rename);
  // the pull was one batch, so the sixth takes the pulled objective out with its alignment.
  for (let i = 0; i < 6; i++) await leadUnit.getByRole('button', { name: 'Undo' }).click();
  await expect(theirUnit.getByRole('button', { name: /^Run a 24\/7 service desk/ })).toHaveCount(0);
  await expect(theirUnit.getByRole('button', { name: /^Win logistics clients|^Win new clients in target sectors/ })).toHaveCount(0);
  await expect(clients).toHaveAttribute('aria-label', /^Supported by 1 unit: Consulting: /);
});
