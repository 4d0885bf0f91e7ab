import { expect, Page, test } from './fixtures';
import { ADMIN, People, enterprise } from './helpers';

// Initiatives: a lead creates one with a milestone and an objective, a colleague's open page
// shows it at once, the lead drags its bar on the timeline (and undoes the move), moves it with
// the keyboard, and closes it (the suite shares one database: closing tidies it away).

const people = new People();
test.afterEach(() => people.closeAll());

const NAME = `Partner portal ${Date.now()}`;

/** The start and end the server holds for the initiative called NAME. */
async function storedDates(page: Page, unitId: string): Promise<{ start: string; end: string }> {
  const res = await page.request.post('/api/unit_initiatives', { data: { unit_id: unitId } });
  expect(res.ok(), await res.text()).toBeTruthy();
  const card = (await res.json()).items.find((c: { summary: { initiative: { name: string } } }) => c.summary.initiative.name === NAME);
  return { start: card.summary.initiative.start_date, end: card.summary.initiative.end_date };
}

test('an initiative is created, seen live, dragged on the timeline, undone, nudged and closed', async ({ browser }) => {
  const lead = await people.open(browser, ADMIN, '/');
  const ent = await enterprise(lead.request);
  const path = `/units/${ent.unitId}/initiatives`;
  await lead.goto(path);
  await expect(lead.locator('body[data-hydrated]')).toBeAttached();
  await expect(lead.getByRole('heading', { level: 1 })).toContainText('Initiatives');
  // The demo's initiatives, in the table and on the timeline, statuses in words.
  const table = lead.getByRole('table', { name: /^Initiatives of / });
  await expect(table.getByRole('button', { name: 'Edit Knowledge Hub rollout' })).toBeVisible();
  await expect(table.locator('tr', { hasText: 'Knowledge Hub rollout' }).locator('.status-chip')).toHaveText('At risk');
  const timeline = lead.locator('svg.timeline');
  await expect(timeline.locator('.tl-bar')).not.toHaveCount(0);

  // A colleague has the same page open.
  const colleague = await people.open(browser, 'editor@northwind.example', path);
  await expect(colleague.getByRole('table', { name: /^Initiatives of / })).toBeVisible();

  // Create: name, money, a milestone, an objective.
  await lead.getByRole('button', { name: 'New initiative' }).click();
  const editor = lead.locator('.initiative-editor');
  await editor.getByLabel('Name', { exact: true }).fill(NAME);
  await editor.getByLabel(/^Budget/).fill('100000');
  await editor.getByLabel(/^Spent/).fill('20000');
  await editor.getByRole('button', { name: 'Add milestone' }).click();
  await editor.getByRole('textbox', { name: 'Milestone', exact: true }).fill('Pilot with three partners');
  await editor.getByRole('textbox', { name: 'Milestone', exact: true }).blur();
  await editor.getByLabel(ent.objectives[0].title, { exact: false }).first().check();
  await expect(editor.locator('.suggestion')).toContainText('Suggested:');
  await editor.getByRole('button', { name: 'Create initiative' }).click();
  await expect(editor).toHaveCount(0);
  const row = table.locator('tr', { hasText: NAME });
  await expect(row).toBeVisible();
  // The colleague's page shows it without a reload.
  await expect(colleague.getByRole('table', { name: /^Initiatives of / }).locator('tr', { hasText: NAME })).toBeVisible();

  // Drag its bar two weeks to the right (month zoom: 4 px a day).
  const before = await storedDates(lead, ent.unitId);
  const bar = timeline.locator('.tl-bar').filter({ hasText: NAME });
  await bar.scrollIntoViewIfNeeded();
  const box = (await bar.locator('.tl-bar-bg').boundingBox())!;
  await lead.mouse.move(box.x + 10, box.y + box.height / 2);
  await lead.mouse.down();
  await lead.mouse.move(box.x + 40, box.y + box.height / 2, { steps: 4 });
  await lead.mouse.move(box.x + 66, box.y + box.height / 2, { steps: 4 });
  await lead.mouse.up();
  const note = lead.locator('.undo-note');
  await expect(note).toContainText(`${NAME} now runs`);
  await expect.poll(async () => (await storedDates(lead, ent.unitId)).start).not.toBe(before.start);
  const moved = await storedDates(lead, ent.unitId);
  const days = (Date.parse(moved.start) - Date.parse(before.start)) / 86_400_000;
  expect(days).toBe(14);
  expect((Date.parse(moved.end) - Date.parse(before.end)) / 86_400_000).toBe(14);
  // Undo puts it back.
  await note.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(async () => (await storedDates(lead, ent.unitId)).start).toBe(before.start);

  // The keyboard: Shift+→ moves the focused bar by a week.
  await bar.focus();
  await lead.keyboard.press('Shift+ArrowRight');
  await expect.poll(async () => (await storedDates(lead, ent.unitId)).start).not.toBe(before.start);
  const nudged = await storedDates(lead, ent.unitId);
  expect((Date.parse(nudged.start) - Date.parse(before.start)) / 86_400_000).toBe(7);

  // Closed, it leaves the list (and the colleague's) unless closed ones are shown.
  await row.getByRole('button', { name: `Edit ${NAME}` }).click();
  await lead.locator('.initiative-editor').getByRole('button', { name: 'Close initiative' }).click();
  await expect(row).toHaveCount(0);
  await expect(colleague.getByRole('table', { name: /^Initiatives of / }).locator('tr', { hasText: NAME })).toHaveCount(0);
  await lead.getByLabel('Show closed initiatives').check();
  await expect(table.locator('tr', { hasText: NAME })).toContainText('Closed');
});
