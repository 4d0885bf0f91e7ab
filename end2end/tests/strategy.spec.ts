import { expect, test } from './fixtures';
import { ADMIN, People, enterprise } from './helpers';

// The Strategy screen (Phase 0): a facilitator and an editor write the strategy together while
// a viewer watches. Each sees who is writing which statement; what one types reaches the others
// without a reload; a theme gets a description and an owner; the map's header then shows the
// mission and values, which fold away. The suite shares one database: the texts are unique.

const people = new People();
test.afterEach(() => people.closeAll());

const STAMP = Date.now();
const MISSION = `We keep our clients' systems running, day and night ${STAMP}`;
const THEME_TEXT = `Fewer incidents, faster fixes ${STAMP}`;

test('three people write the strategy together, live', async ({ browser }) => {
  const lead = await people.open(browser, ADMIN, '/');
  const ent = await enterprise(lead.request);
  const path = `/maps/${ent.mapId}/strategy`;
  await lead.goto(path);
  await expect(lead.locator('body[data-hydrated]')).toBeAttached();
  const editor = await people.open(browser, 'editor@northwind.example', path);
  const viewer = await people.open(browser, 'viewer@northwind.example', path);
  for (const p of [lead, editor, viewer]) {
    await expect(p.getByRole('heading', { level: 1 })).toContainText('The strategy of');
    await expect(p.locator('.strategy-room .conn-live')).toBeVisible();
  }
  await expect(lead.getByRole('list', { name: 'Here now' }).locator('li')).toHaveCount(2);

  // The lead writes the mission: the others see who is at it, then the words.
  const mission = lead.getByRole('textbox', { name: 'Mission' });
  await mission.click();
  await expect(editor.locator('.statement[data-part="mission"] .writers')).toContainText('Alex Morgan is writing here');
  await mission.fill(MISSION);
  await expect(editor.getByRole('textbox', { name: 'Mission' })).toHaveValue(MISSION);
  await expect(viewer.getByRole('textbox', { name: 'Mission' })).toHaveValue(MISSION);
  await lead.getByRole('textbox', { name: 'Values' }).click();
  await expect(editor.locator('.statement[data-part="mission"] .writers')).toBeEmpty();
  await lead.getByRole('textbox', { name: 'Values' }).fill(`Candour\nCraft ${STAMP}`);

  // The editor gives the first theme a description and an owner at the same time.
  const theme = editor.locator('.theme-card').first();
  const themeName = await theme.getByRole('textbox', { name: /^Name of theme/ }).inputValue();
  await theme.getByRole('textbox', { name: `What ${themeName} is about, and why` }).fill(THEME_TEXT);
  await theme.getByRole('combobox', { name: `Owner of ${themeName}` }).selectOption({ label: 'Marcus Chen' });
  const leadTheme = lead.locator('.theme-card').first();
  await expect(leadTheme.getByRole('textbox', { name: `What ${themeName} is about, and why` })).toHaveValue(THEME_TEXT);
  await expect(leadTheme.getByRole('combobox', { name: `Owner of ${themeName}` }).locator('option:checked')).toHaveText('Marcus Chen');
  await expect(viewer.locator('.theme-card').first().getByRole('combobox')).toBeDisabled();
  await expect(viewer.getByRole('textbox', { name: 'Mission' })).toHaveAttribute('readonly', '');

  // The map's header: the mission and values start folded (the canvas stays in sight), open on
  // request, follow live edits, and this browser remembers the choice across a reload.
  await viewer.goto(`/maps/${ent.mapId}`);
  await expect(viewer.locator('body[data-hydrated]')).toBeAttached();
  const fold = viewer.locator('.statement-fold');
  await expect(fold.locator('.mission')).toBeHidden();
  await expect(viewer.locator('.canvas-wrap')).toBeInViewport();
  // The long vision shows two lines; "more" shows the rest.
  const more = viewer.getByRole('button', { name: 'more' });
  const clamped = (await viewer.locator('#map-vision').boundingBox())?.height ?? 0;
  await more.click();
  await expect(viewer.getByRole('button', { name: 'less' })).toHaveAttribute('aria-expanded', 'true');
  await expect.poll(async () => (await viewer.locator('#map-vision').boundingBox())?.height ?? 0).toBeGreaterThan(clamped);
  await fold.locator('summary').click();
  await expect(fold.locator('.mission')).toContainText(MISSION);
  await expect(fold.locator('.value-chip')).toHaveText(['Candour', `Craft ${STAMP}`]);
  await fold.locator('summary').click();
  await expect(fold.locator('.mission')).toBeHidden();
  // Still on the map page, the lead changes the mission again: the header follows.
  await mission.fill(`${MISSION}!`);
  await mission.blur();
  await fold.locator('summary').click();
  await expect(fold.locator('.mission')).toContainText(`${MISSION}!`);
  await viewer.reload();
  await expect(viewer.locator('body[data-hydrated]')).toBeAttached();
  await expect(viewer.locator('.statement-fold .mission')).toBeVisible();
});
