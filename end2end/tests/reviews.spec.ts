import { expect, test } from './fixtures';
import { ADMIN, People, enterprise } from './helpers';

// Strategy reviews: the lead schedules one for the enterprise map, adds a topic and writes
// commentary; a viewer with a role on the unit opens the review and follows the lead's
// presentation live (the step, and an action and a decision captured on the spot); the lead
// closes the review, which then shows the closed record's banner; the action waits under "My
// actions" on its owner's home page. The suite shares one database: names are unique, and the
// action is marked done at the end.

const people = new People();
test.afterEach(() => people.closeAll());

const STAMP = Date.now();
const TITLE = `Ops check ${STAMP}`;
const TOPIC = `Hiring freeze ${STAMP}`;
const ANALYSIS = `Two projects slipped by a fortnight ${STAMP}`;
const ACTION = `Call the three largest clients ${STAMP}`;
const DECISION = `Pause the partner bonus ${STAMP}`;
const FOLLOWER = 'viewer@northwind.example';
const FOLLOWER_NAME = 'Robin Vale';

test('a review is scheduled, written, presented to a follower, captured and closed', async ({ browser }) => {
  const lead = await people.open(browser, ADMIN, '/');
  const ent = await enterprise(lead.request);
  await lead.goto(`/units/${ent.unitId}/reviews`);
  await expect(lead.locator('body[data-hydrated]')).toBeAttached();
  await expect(lead.getByRole('heading', { level: 1 })).toContainText('Strategy reviews of');

  // Schedule: the title follows the cadence until typed over; the viewer attends.
  const form = lead.locator('.schedule-review');
  await expect(form.getByLabel('Title')).toHaveValue(/^Monthly review · /);
  await form.getByLabel('Cadence').selectOption('quarterly');
  await expect(form.getByLabel('Title')).toHaveValue(/^Quarterly review · Q\d 20\d\d$/);
  await form.getByLabel('Cadence').selectOption('monthly');
  await form.getByLabel('Title').fill(TITLE);
  await form.getByLabel(FOLLOWER_NAME).check();
  await form.getByRole('button', { name: 'Schedule the review' }).click();
  await lead.waitForURL(/\/reviews\/[0-9a-f-]{36}$/);
  await expect(lead.getByRole('heading', { level: 1 })).toHaveText(TITLE);
  await expect(lead.locator('.review-head')).toContainText(`Attendees: ${FOLLOWER_NAME}`);
  const reviewPath = new URL(lead.url()).pathname;

  // A topic of the facilitator's own, so the agenda has at least two items.
  const agenda = lead.locator('.agenda');
  await agenda.locator('.add-topic').getByLabel('Topic', { exact: true }).fill(TOPIC);
  await agenda.getByRole('button', { name: 'Add the topic' }).click();
  const items = lead.locator('.agenda-items > [data-review-item]');
  await expect(items.filter({ hasText: TOPIC })).toHaveCount(1);
  expect(await items.count()).toBeGreaterThanOrEqual(2);
  await expect(items.filter({ hasText: TOPIC }).locator('.reason-chip')).toHaveText('Added by the facilitator');

  // Commentary on the first item (the lead edits the unit, so may write every item's).
  const first = items.first();
  await first.getByLabel('Analysis: what happened and why').fill(ANALYSIS);
  await first.getByLabel('Recommendation: what to do').fill('Move one architect back to delivery.');
  await first.getByRole('button', { name: 'Save the commentary' }).click();
  await expect(first.locator('.commentary')).toContainText(ANALYSIS);

  // The viewer (an attendee with a role on the unit) opens the same review.
  const follower = await people.open(browser, FOLLOWER, reviewPath);
  await expect(follower.getByRole('heading', { level: 1 })).toHaveText(TITLE);
  await expect(follower.locator('.agenda-items > [data-review-item]').first().locator('.commentary')).toContainText(ANALYSIS);

  // The lead presents and steps to the second item; the follower's page goes along.
  await lead.getByRole('button', { name: 'Present', exact: true }).click();
  const stage = lead.locator('.presenter');
  await expect(stage).toHaveAttribute('data-step', '0');
  await expect(stage.getByRole('heading', { level: 2 })).toBeVisible();
  const followed = follower.locator('.presenter');
  await expect(followed).toHaveAttribute('data-step', '0');
  await expect(follower.getByLabel('Follow the presenter')).toBeChecked();
  await lead.keyboard.press('ArrowRight');
  await expect(stage).toHaveAttribute('data-step', '1');
  await expect(stage).toContainText(`Item 2 of ${await items.count()}`);
  await expect(followed).toHaveAttribute('data-step', '1');
  await expect(followed).toContainText('You are following the presenter.');

  // An action and a decision captured on the spot reach the follower at once.
  const capture = stage.locator('.capture-action');
  await capture.getByLabel('Action', { exact: true }).fill(ACTION);
  await capture.getByLabel('Owner').selectOption({ label: FOLLOWER_NAME });
  await capture.getByRole('button', { name: 'Add the action' }).click();
  await expect(stage.locator('.taken [data-action]', { hasText: ACTION })).toBeVisible();
  await expect(followed.locator('.taken [data-action]', { hasText: ACTION })).toBeVisible();
  await stage.locator('.capture-decision').getByLabel('Decision').fill(DECISION);
  await stage.getByRole('button', { name: 'Record the decision' }).click();
  await expect(followed.locator('.taken')).toContainText(DECISION);
  // Typing in the form did not step the presentation.
  await expect(stage).toHaveAttribute('data-step', '1');

  // Ending the presentation closes the follower's view too.
  await stage.getByRole('button', { name: 'End the presentation' }).click();
  await expect(stage).toHaveCount(0);
  await expect(followed).toHaveCount(0);
  const row = follower.locator('table.action-table tr[data-action]', { hasText: ACTION });
  await expect(row).toContainText(FOLLOWER_NAME);
  const actionId = await row.getAttribute('data-action');
  expect(actionId).toBeTruthy();

  // Closing freezes the record; both pages show the banner.
  await lead.getByRole('button', { name: 'Close the review' }).click();
  await lead.getByRole('button', { name: 'Close it' }).click();
  const banner = lead.locator('.frozen-banner');
  await expect(banner).toContainText('Closed on');
  await expect(banner).toContainText('later data does not change it');
  await expect(follower.locator('.frozen-banner')).toBeVisible();
  await expect(lead.getByRole('button', { name: 'Close the review' })).toHaveCount(0);
  // A closed review compares with an earlier one (the demo's closed review of last month).
  await lead.getByLabel('Compare with').selectOption({ index: 1 });
  await expect(lead.locator('.comparison')).toBeVisible();

  // The action waits on its owner's home page, under "My actions".
  await follower.goto('/');
  await expect(follower.locator('body[data-ready]')).toBeAttached();
  const mine = follower.getByRole('list', { name: 'Your open actions' });
  await expect(mine.locator(`li[data-action="${actionId}"]`)).toContainText(ACTION);
  await expect(mine.locator(`li[data-action="${actionId}"]`)).toContainText(TITLE);

  // Tidy up: the action is done, so it leaves the list for the rest of the suite.
  const done = await follower.request.post('/api/set_action_done', { data: { action_id: actionId, done: true } });
  expect(done.ok(), await done.text()).toBeTruthy();
  await follower.reload();
  await expect(follower.locator(`li[data-action="${actionId}"]`)).toHaveCount(0);
});

test('an admin has the monthly briefing book mailed, and everyone on the unit reads so', async ({ browser }) => {
  const admin = await people.open(browser, ADMIN, '/');
  const ent = await enterprise(admin.request);
  const path = `/units/${ent.unitId}/reviews`;
  await admin.goto(path);
  await expect(admin.locator('body[data-hydrated]')).toBeAttached();
  const mailing = admin.getByRole('region', { name: 'Monthly briefing book by e-mail' });
  const day = mailing.getByLabel('Send on day');
  await expect(day).toHaveValue('');
  await day.selectOption('5');
  await expect(mailing.getByRole('status')).toHaveText('Saved.');
  // What the server holds, and what a viewer of the unit is told.
  const res = await admin.request.post('/api/unit_reviews', { data: { unit_id: ent.unitId } });
  expect((await res.json()).briefing_mail_day).toBe(5);
  const viewer = await people.open(browser, FOLLOWER, path);
  await expect(viewer.getByText('This unit\'s briefing book is mailed every month on day 5.')).toBeVisible();
  await expect(viewer.getByLabel('Send on day')).toHaveCount(0);
  // Off again (the suite shares one database).
  await day.selectOption('');
  await expect(mailing.getByRole('status')).toHaveText('Saved.');
  await admin.reload();
  await expect(admin.locator('body[data-hydrated]')).toBeAttached();
  await expect(admin.getByRole('region', { name: 'Monthly briefing book by e-mail' }).getByLabel('Send on day')).toHaveValue('');
});
