import { expect, Page, test } from './fixtures';
import { ADMIN, People, openEnterpriseMap, signIn } from './helpers';

// The cascade: a business unit's map built from the enterprise map, each objective aligned,
// while the enterprise lead watches the "supported by" badges change live.

const people = new People();
test.afterEach(() => people.closeAll());

const EDITOR = 'editor@northwind.example';
const DELIVERY = 'Reduce project delivery time by 30 %';

/** The "supported by N units" badge of an objective's box (its name lists the units). */
async function badgeOf(page: Page, title: string) {
  const id = await page.getByRole('button', { name: title, exact: true }).getAttribute('data-id');
  return page.locator(`g.objective-extras[data-id="${id}"] g.cascade-mark.supported`);
}

test('the wizard builds a unit map from the enterprise map; the enterprise lead sees the badges change', async ({ browser }) => {
  const lead = await people.open(browser, ADMIN);
  await openEnterpriseMap(lead);
  await expect(lead.getByTestId('connection')).toHaveText(/^Live/);
  const delivery = await badgeOf(lead, DELIVERY);
  await expect(delivery).toHaveAttribute('aria-label', /^Supported by 2 units: /);

  const unitLead = await people.open(browser, EDITOR);
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
  const a = await people.open(browser, EDITOR);
  const b = await people.open(browser, ADMIN);
  // Both on the Managed Services map; the enterprise lead also watches the enterprise map.
  const watcher = await people.open(browser, ADMIN);
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
  const lead = await people.open(browser, EDITOR);
  const colleague = await people.open(browser, ADMIN);
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

const PACKAGE = 'Package repeatable service offerings';

test('a unit lead who may not edit the enterprise map proposes a change; its editor accepts it and the lead sees it live', async ({ browser }) => {
  // Tomás edits Consulting and only views the enterprise map.
  const proposer = await people.open(browser, 'tomas.alvarez@northwind.example');
  await proposer.getByRole('link', { name: 'Consulting Plan 2025–2027', exact: true }).click();
  await proposer.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await proposer.getByRole('link', { name: 'Cascade workshop', exact: true }).click();
  await proposer.waitForURL(/\/workshop$/);
  await proposer.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  const parentPane = proposer.locator('.parent-pane');
  await expect(parentPane.getByTestId('connection')).toHaveText(/^Live/);
  await expect(proposer.locator('.unit-pane').getByTestId('connection')).toHaveText(/^Live/);

  // A new objective and a rewording, each drawn on the parent map as it is added.
  await parentPane.getByText('Propose a change to this map').click();
  await parentPane.getByLabel('Perspective', { exact: true }).selectOption({ label: 'Customer' });
  await parentPane.getByLabel('Title', { exact: true }).fill('Win public-sector clients');
  await parentPane.getByRole('button', { name: 'Add to the proposal' }).click();
  await expect(parentPane.locator('.proposal-diff .diff-add')).toHaveCount(1);
  await expect(parentPane.locator('.proposal-changes li')).toHaveText([/Add “Win public-sector clients” to Customer/]);
  await parentPane.getByLabel('Change', { exact: true }).selectOption({ label: 'Reword an objective' });
  await parentPane.getByLabel('Objective', { exact: true }).selectOption({ label: PACKAGE });
  await parentPane.getByLabel('New title', { exact: true }).fill('Package our offerings');
  await parentPane.getByRole('button', { name: 'Add to the proposal' }).click();
  await expect(parentPane.locator('.proposal-diff .diff-reword')).toHaveCount(1);
  await expect(parentPane.locator('.proposal-diff .diff-old')).toHaveText(/^Package repeatable service/);
  await parentPane.getByLabel('Reason', { exact: true }).fill('Public-sector programmes are where Consulting grows.');
  await parentPane.getByRole('button', { name: 'Send the proposal' }).click();
  await expect(parentPane.getByText('Proposal sent to the map\'s editors.')).toBeVisible();
  await expect(parentPane.locator('.proposal-diff')).toHaveCount(0);
  await expect(parentPane.locator('.proposal-list .proposal-status')).toHaveText(['Open']);

  // The enterprise map's editor sees it, drawn on the map, and accepts it.
  const editor = await people.open(browser, ADMIN);
  await openEnterpriseMap(editor);
  await expect(editor.getByTestId('connection')).toHaveText(/^Live/);
  const proposals = editor.locator('section.proposals');
  await expect(proposals.getByRole('heading', { name: '1 open proposal from the units below' })).toBeVisible();
  await expect(proposals.locator('.proposal-reason')).toHaveText('Public-sector programmes are where Consulting grows.');
  await expect(proposals.locator('.proposal-changes li')).toHaveText([
    /Add “Win public-sector clients” to Customer/,
    `Reword “${PACKAGE}” as “Package our offerings”`,
  ]);
  await proposals.getByRole('button', { name: 'Show on the map' }).click();
  await expect(editor.locator('.proposal-diff .diff-add')).toHaveCount(1);
  await proposals.getByRole('button', { name: 'Accept' }).click();
  await expect(editor.getByText(/Accepted: the changes are on the map, credited to Tomás Alvarez/)).toBeVisible();
  await expect(editor.getByRole('button', { name: 'Win public-sector clients', exact: true })).toBeVisible();
  await expect(editor.getByRole('button', { name: 'Package our offerings', exact: true })).toBeVisible();
  await expect(editor.locator('.proposal-diff')).toHaveCount(0);

  // The proposer sees the change arrive on the parent map and the outcome of the proposal.
  await expect(parentPane.getByRole('button', { name: 'Win public-sector clients', exact: true })).toBeVisible();
  await expect(parentPane.locator('.proposal-list .proposal-status')).toHaveText([/^Accepted by /]);

  // The editor tidies up (the suite shares one database): the new objective goes, the title
  // comes back, both seen by the proposer at once.
  await editor.getByRole('button', { name: 'Win public-sector clients', exact: true }).click();
  await editor.keyboard.press('Delete');
  await editor.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(parentPane.getByRole('button', { name: 'Win public-sector clients', exact: true })).toHaveCount(0);
  await editor.getByRole('button', { name: 'Package our offerings', exact: true }).click();
  const title = editor.getByLabel('Title', { exact: true });
  await title.fill(PACKAGE);
  await title.press('Enter');
  await expect(parentPane.getByRole('button', { name: PACKAGE, exact: true })).toBeVisible();
});

test('the cascade report shows who carries each enterprise objective and links every gap to its fix', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Cascade report of Northwind Technology Services' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^How the units below carry / })).toBeVisible();
  const matrix = page.getByRole('region', { name: 'Alignment matrix' });
  // Child units across the top by name; Cloud Platforms' new map is still a draft.
  await expect(matrix.locator('thead th')).toHaveText(['Objective', /^Cloud Platforms/, 'Consulting', 'Managed Services']);
  await expect(matrix.locator('thead th').nth(1)).toContainText('no active map');
  // Client satisfaction is carried by one objective in each unit with a map, none in Cloud Platforms.
  const row = matrix.locator('tbody tr').filter({ hasText: 'Increase client satisfaction to 90 %' });
  await expect(row.locator('td')).toHaveText(['–', /^1: Lift project client satisfaction \(/, /^1: Raise service-desk satisfaction \(/]);
  // The gaps: Cloud Platforms has no map yet; its link opens the wizard for it.
  const withoutMap = page.locator('.gap-list').filter({ hasText: 'Units without an active map for this month' });
  await withoutMap.getByRole('link', { name: 'Cloud Platforms' }).click();
  await expect(page.getByRole('heading', { name: 'A map for Cloud Platforms from its parent\'s map' })).toBeVisible();
});

test('a contribution roll-up switched on counts the units\' objectives in the status and the "why" names them', async ({ page }) => {
  await signIn(page, ADMIN);
  await openEnterpriseMap(page);
  await expect(page.getByTestId('connection')).toHaveText(/^Live/);
  await page.getByRole('button', { name: DELIVERY, exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Objective details' });
  const toggle = panel.getByLabel('Count these units\' objectives in this objective\'s status (contribution roll-up)');
  await expect(toggle).not.toBeChecked();
  const whyOf = async () => {
    await panel.getByRole('button', { name: /^Objective status: .*Why\?/ }).click();
    const why = page.getByRole('dialog', { name: `Why: Objective “${DELIVERY}”` });
    await expect(why).toBeVisible();
    return why;
  };
  let why = await whyOf();
  await expect(why.getByText(/^Contribution roll-up is off: .*\(Consulting, Managed Services\)/)).toBeVisible();
  await why.getByRole('button', { name: 'Close' }).click();

  await toggle.check();
  why = await whyOf();
  await expect(why.getByText(/^Contribution roll-up is on: .*\(Consulting, Managed Services\)/)).toBeVisible();
  await expect(why.getByRole('row', { name: /^Consulting: / })).toBeVisible();
  await expect(why.getByRole('row', { name: /^Managed Services: / })).toBeVisible();
  await why.getByRole('button', { name: 'Close' }).click();
  // Undo switches it off again (an ordinary edit).
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(toggle).not.toBeChecked();
});
