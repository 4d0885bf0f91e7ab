import { expect, expectAccessible, Page, test } from './fixtures';
import { ADMIN, PASSWORD, People, enterprise } from './helpers';

// Templates and yearly versions: a unit's map started as a copy of the enterprise map with its
// measures, next year's version started from the map's settings (the old one becomes
// read-only), one objective reworded and one deleted on the new version, and the two versions
// compared side by side and overlaid, in English and German. The suite shares one database:
// the spec works in a unit of its own.

const people = new People();
test.afterEach(() => people.closeAll());

const STAMP = Date.now();
const UNIT = `Versions lab ${STAMP}`;

/** An objective's box on the map: a button named by its title (and "(not aligned)" on a unit map). */
const box = (page: Page, title: string) =>
  page.getByRole('button', { name: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(not aligned\\))?$`) });

test('a map copied, next year started, and the two versions compared', async ({ browser }) => {
  test.setTimeout(120_000);
  const admin = await people.open(browser, ADMIN, '/');
  const ent = await enterprise(admin.request);
  const made = await admin.request.post('/api/create_unit', {
    data: { unit: { parent_id: ent.unitId, name: UNIT, kind: 'business_unit' } },
  });
  expect(made.ok(), await made.text()).toBeTruthy();
  const unit = (await made.json()).id;

  // A map started as a copy of the enterprise map, with its measures and targets.
  await admin.goto(`/units/${unit}/new-map`);
  await expect(admin.locator('body[data-hydrated]')).toBeAttached();
  await admin.getByLabel('Map name').fill(`Lab plan ${STAMP} 2026`);
  await admin.getByLabel('First month').fill('2026-01');
  await admin.getByLabel('Last month').fill('2026-12');
  await admin.getByLabel('A copy of a map').check();
  await admin.getByLabel('Map to copy').selectOption(ent.mapId);
  await expect(admin.getByLabel('With its measures and targets')).toBeChecked();
  await admin.getByRole('button', { name: 'Create map' }).click();
  await admin.waitForURL(/\/maps\/[0-9a-f-]+$/);
  const copyId = admin.url().split('/').pop()!;
  await expect(admin.getByRole('group', { name: new RegExp(`Strategy map Lab plan ${STAMP} 2026`) })).toBeVisible();
  const [reworded, deleted] = ent.objectives.map((o) => o.title);
  await expect(box(admin, reworded)).toBeVisible();
  await expect(box(admin, deleted)).toBeVisible();

  // Next year's map, from the settings: asked once more, then made; this one becomes read-only.
  await admin.goto(`/maps/${copyId}/settings`);
  await expect(admin.locator('body[data-hydrated]')).toBeAttached();
  const card = admin.getByRole('region', { name: 'Next year' });
  await expect(card).toContainText('Jan 2027 – Dec 2027');
  await card.getByRole('button', { name: "Start next year's map" }).click();
  await expect(card.getByText(`Start “Lab plan ${STAMP} 2027” and make this map read-only?`)).toBeVisible();
  await card.getByRole('group').getByRole('button', { name: "Start next year's map" }).click();
  await admin.waitForURL((url) => /\/maps\/[0-9a-f-]+$/.test(url.pathname) && !url.pathname.endsWith(copyId));
  const nextId = admin.url().split('/').pop()!;
  await expect(admin.getByRole('group', { name: new RegExp(`Strategy map Lab plan ${STAMP} 2027`) })).toBeVisible();
  await expect(admin.getByTestId('connection')).toHaveText(/^Live/);

  // On next year's map: one objective reworded, one deleted.
  await box(admin, reworded).click();
  const title = admin.getByLabel('Title', { exact: true });
  await title.fill(`${reworded}, twice over`);
  await title.press('Tab');
  await expect(box(admin, `${reworded}, twice over`)).toBeVisible();
  await box(admin, deleted).click();
  await admin.getByRole('complementary', { name: 'Objective details' }).getByRole('button', { name: 'Delete objective' }).click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(box(admin, deleted)).toHaveCount(0);

  // The old version is archived, and says so where it is changed.
  await admin.goto(`/maps/${copyId}/settings`);
  await expect(admin.locator('body[data-hydrated]')).toBeAttached();
  await expect(admin.getByText('This map is read-only.', { exact: false })).toBeVisible();
  await expect(card).toContainText(`Next year's version has been started: Lab plan ${STAMP} 2027`);
  await expect(card.getByRole('link', { name: `Lab plan ${STAMP} 2027` })).toHaveAttribute('href', `/maps/${nextId}`);
  await expect(card.getByRole('button', { name: "Start next year's map" })).toHaveCount(0);

  // Compared: side by side, the changes marked on each map and listed in words.
  await card.getByRole('link', { name: 'Compare versions' }).click();
  await admin.waitForURL(`**/maps/${copyId}/versions`);
  await expect(admin.locator('body[data-hydrated]')).toBeAttached();
  await expect(admin.getByRole('heading', { level: 1 })).toHaveText(`Versions of “Lab plan ${STAMP} 2026”`);
  await expect(admin.getByLabel(`Compare “Lab plan ${STAMP} 2026” with`)).toHaveValue(nextId);
  const changes = admin.getByRole('region', { name: /\d+ changes?/ });
  await expect(changes.locator('li.change-reword')).toHaveText([`Reworded “${reworded}” as “${reworded}, twice over”`]);
  await expect(changes.locator('li.change-remove').first()).toHaveText(`Removed “${deleted}”`);
  const side = admin.locator('.version-pair figure');
  await expect(side).toHaveCount(2);
  await expect(side.nth(0).locator('figcaption')).toContainText(`Older: Lab plan ${STAMP} 2026`);
  await expect(side.nth(1).locator('figcaption')).toContainText(`Newer: Lab plan ${STAMP} 2027`);
  await expect(side.nth(0).locator('.diff-remove')).toHaveCount(1);
  await expect(side.nth(0).locator('.diff-reword')).toHaveCount(1);
  await expect(side.nth(1).locator('.diff-reword')).toHaveCount(1);
  await expect(side.nth(1).locator('.diff-remove')).toHaveCount(0);

  // Overlaid: every change drawn on the older map.
  await admin.getByLabel('Overlaid').check();
  await expect(side.first()).toBeHidden();
  const overlay = admin.locator('.overlay figure');
  await expect(overlay).toBeVisible();
  await expect(overlay.locator('.diff-remove')).toHaveCount(1);
  await expect(overlay.locator('.diff-reword')).toHaveCount(1);

  await expectAccessible(admin);
  await admin.getByLabel('Side by side').check();
  await expect(side.first()).toBeVisible();
  await expectAccessible(admin);

  // The same page in German, for a viewer on a laptop screen.
  const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 720 } });
  try {
    const viewer = await context.newPage();
    await viewer.goto(`/signin?next=${encodeURIComponent(`/maps/${copyId}/versions`)}`);
    await expect(viewer.locator('body[data-ready]')).toBeAttached();
    await viewer.getByLabel('E-Mail').fill('viewer@northwind.example');
    await viewer.getByLabel('Passwort').fill(PASSWORD);
    await viewer.getByRole('button', { name: 'Anmelden' }).click();
    await viewer.waitForURL(`**/maps/${copyId}/versions`);
    await expect(viewer.locator('body[data-hydrated]')).toBeAttached();
    await expect(viewer.getByRole('heading', { level: 1 })).toHaveText(`Versionen von „Lab plan ${STAMP} 2026“`);
    await expect(viewer.locator('li.change-remove').first()).toHaveText(`„${deleted}“ entfernt`);
    await expect(viewer.locator('li.change-reword')).toHaveText([`„${reworded}“ umformuliert zu „${reworded}, twice over“`]);
    await expectAccessible(viewer);
  } finally {
    await context.close();
  }
});
