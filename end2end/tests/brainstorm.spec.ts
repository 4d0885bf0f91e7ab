import { expect, expectAccessible, Locator, test } from './fixtures';
import { ADMIN, People, enterprise } from './helpers';

// Workshop mode with three people in one map: the admin facilitates, an editor takes part, a
// viewer watches. A timed brainstorm with private drafting (the others see that a note is being
// written, not its words), the reveal, a cluster, a dot-vote with hidden counts and its reveal,
// the winner promoted to an objective of its band and taken back with one undo, the end. The
// suite shares one database: the notes are unique, and the map is left as it was found.

const people = new People();
/** The sticky note whose own words are `text` (a note's "Group with" list names the others). */
const sticky = (scope: Locator, text: string) => scope.locator('.sticky').filter({ has: scope.page().locator('.note-text', { hasText: text }) });
test.afterEach(() => people.closeAll());

const STAMP = Date.now();
const FROM_EDITOR = `Win back lapsed clients ${STAMP}`;
const FROM_LEAD = `Grow repeat business ${STAMP}`;
const LOOSE = `Price by outcome ${STAMP}`;

test('three people brainstorm, vote and promote, live', async ({ browser }) => {
  const lead = await people.open(browser, ADMIN, '/');
  const ent = await enterprise(lead.request);
  const path = `/maps/${ent.mapId}/brainstorm`;
  await lead.goto(path);
  await expect(lead.locator('body[data-hydrated]')).toBeAttached();
  await expect(lead.getByRole('heading', { name: 'No workshop is running' })).toBeVisible();
  await lead.getByRole('button', { name: 'Start a workshop' }).click();
  await expect(lead.getByText('You facilitate this workshop.')).toBeVisible();

  const editor = await people.open(browser, 'editor@northwind.example', path);
  const viewer = await people.open(browser, 'viewer@northwind.example', path);
  for (const p of [editor, viewer]) {
    await expect(p.getByText('Facilitated by Alex Morgan.')).toBeVisible();
    await expect(p.locator('.strategy-room .conn-live')).toBeVisible();
  }
  await expect(viewer.locator('.new-note')).toHaveCount(0);

  // A timed round: everyone sees the same countdown.
  await lead.getByRole('spinbutton', { name: 'Minutes', exact: true }).fill('3');
  await lead.getByRole('button', { name: 'Start', exact: true }).click();
  for (const p of [lead, editor, viewer]) await expect(p.locator('.countdown')).toContainText(/^Time left: [23]:\d\d/);

  // Private drafting: the editor's words stay on the editor's screen.
  const band = (p: typeof lead) => p.locator('.band-row').first();
  await band(editor).getByRole('textbox', { name: /^New note in/ }).fill(FROM_EDITOR);
  await band(editor).getByRole('button', { name: 'Add' }).click();
  await expect(sticky(band(editor), FROM_EDITOR)).toBeVisible();
  for (const p of [lead, viewer]) {
    await expect(band(p).locator('.sticky.hidden-sticky')).toHaveCount(1);
    await expect(band(p).locator('.sticky.hidden-sticky')).toContainText('A note is being written');
    await expect(p.getByText(FROM_EDITOR)).toHaveCount(0);
  }
  await band(lead).getByRole('textbox', { name: /^New note in/ }).fill(FROM_LEAD);
  await band(lead).getByRole('button', { name: 'Add' }).click();
  await expect(band(editor).locator('.sticky.hidden-sticky')).toHaveCount(1);
  await expect(editor.getByText(FROM_LEAD)).toHaveCount(0);

  // The reveal: everyone reads every note.
  await lead.getByRole('button', { name: 'Reveal the notes' }).click();
  for (const p of [lead, editor, viewer]) {
    await expect(sticky(band(p), FROM_EDITOR)).toBeVisible();
    await expect(sticky(band(p), FROM_LEAD)).toBeVisible();
    await expect(band(p).locator('.hidden-sticky')).toHaveCount(0);
  }

  // Cluster: the editor puts their note with the lead's (the keyboard's way to drag and drop).
  await sticky(band(editor), FROM_EDITOR)
    .getByRole('combobox', { name: 'Group with…' })
    .selectOption({ label: FROM_LEAD });
  for (const p of [lead, viewer]) {
    const group = band(p).locator('.note-group');
    await expect(group).toHaveCount(1);
    await expect(group.getByRole('textbox', { name: 'Group title' })).toHaveValue(FROM_LEAD);
    await expect(group.locator('.sticky')).toHaveCount(2);
  }
  await band(lead).getByRole('textbox', { name: /^New note in/ }).fill(LOOSE);
  await band(lead).getByRole('button', { name: 'Add' }).click();
  await expect(sticky(band(viewer), LOOSE)).toBeVisible();

  // The dot-vote: two dots each, counts hidden until the reveal, even from the facilitator.
  await lead.getByRole('spinbutton', { name: 'Votes each' }).fill('2');
  await lead.getByRole('button', { name: 'Start the vote' }).click();
  await expect(editor.getByText('Dot-vote: 2 left.', { exact: false })).toBeVisible();
  await editor.getByRole('button', { name: `Vote for “${FROM_LEAD}”` }).click();
  await expect(editor.getByText('Dot-vote: 1 left.', { exact: false })).toBeVisible();
  await editor.getByRole('button', { name: `Vote for “${LOOSE}”` }).click();
  await expect(editor.getByText('Dot-vote: 0 left.', { exact: false })).toBeVisible();
  await lead.getByRole('button', { name: `Vote for “${FROM_LEAD}”` }).click();
  await expect(lead.getByText('Dot-vote: 1 left.', { exact: false })).toBeVisible();
  for (const p of [lead, editor, viewer]) await expect(p.locator('.vote-count')).toHaveCount(0);
  await expectAccessible(editor);
  await lead.getByRole('button', { name: 'Reveal the votes' }).click();

  // Ranked: the group first with two votes, then the loose note with one.
  for (const p of [lead, editor, viewer]) {
    const ranking = p.locator('.brainstorm-ranking li');
    await expect(ranking.first()).toContainText(FROM_LEAD);
    await expect(ranking.first()).toContainText('2 votes');
    await expect(ranking.nth(1)).toContainText(LOOSE);
    await expect(ranking.nth(1)).toContainText('1 vote');
  }

  // Promote the winner: an objective of the band for everyone, the notes as its description.
  await lead.locator('.brainstorm-ranking').getByRole('button', { name: `Put on the map: “${FROM_LEAD}”` }).click();
  for (const p of [lead, editor, viewer]) {
    await expect(band(p).locator('.band-objectives li', { hasText: FROM_LEAD })).toBeVisible();
    await expect(p.locator('.brainstorm-promoted')).toContainText(FROM_LEAD);
    await expect(band(p).locator('.note-group')).toHaveCount(0);
  }
  await expectAccessible(lead);
  // One undo takes it back: no objective, the group on the board again.
  await lead.getByRole('button', { name: 'Undo' }).click();
  for (const p of [lead, editor, viewer]) {
    await expect(band(p).locator('.band-objectives li', { hasText: FROM_LEAD })).toHaveCount(0);
    await expect(band(p).locator('.note-group')).toHaveCount(1);
    await expect(p.locator('.brainstorm-ranking li').first()).toContainText(FROM_LEAD);
  }

  // A late joiner gets the board as it is.
  await viewer.reload();
  await expect(viewer.locator('body[data-hydrated]')).toBeAttached();
  await expect(band(viewer).locator('.note-group .sticky')).toHaveCount(2);
  await expect(viewer.locator('.brainstorm-ranking li').first()).toContainText('2 votes');

  // The end, for everyone; the map is as it was.
  await lead.getByRole('button', { name: 'End the workshop' }).click();
  await lead.getByRole('button', { name: 'Yes, end it' }).click();
  for (const p of [lead, editor, viewer]) await expect(p.getByRole('heading', { name: 'No workshop is running' })).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Start a workshop' })).toHaveCount(0);
});
