import { Browser, Page } from '@playwright/test';
import { expect, expectAccessible, test } from './fixtures';
import { ADMIN, People, enterprise } from './helpers';

// The readiness survey: a facilitator starts one for the enterprise and sends personal links to
// three people; each answers in a browser without an account (one with a comment). Until three
// have answered the results stay hidden; then the page shows the radar, the statement the team
// disagrees on most first, and the comment; the results download as a PDF. A used link says so.

const people = new People();
test.afterEach(() => people.closeAll());

const STAMP = Date.now();
const TITLE = `Readiness check ${STAMP}`;
const COMMENT = `Nobody could name our priorities ${STAMP}`;

/** Opens a personal link in a fresh browser with no session and answers every statement with
 * `score`, statement 1 with `first` (and `comment`). */
async function answer(browser: Browser, url: string, first: number, score: number, comment = ''): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(url);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(TITLE);
  const statements = page.locator('fieldset.answer');
  await expect(statements).toHaveCount(20);
  await expectAccessible(page);
  for (let i = 0; i < 20; i++) {
    const s = statements.nth(i);
    await s.locator(`input[type=radio][value="${i === 0 ? first : score}"]`).check();
  }
  if (comment) await statements.first().getByRole('textbox').fill(comment);
  await page.getByRole('button', { name: 'Send my answers' }).click();
  await expect(page.getByRole('status')).toHaveText('Thank you. Your answers are in.');
  return page;
}

test('three people answer a readiness survey through personal links; the radar and the spread follow', async ({ browser }) => {
  const lead = await people.open(browser, ADMIN, '/');
  const ent = await enterprise(lead.request);
  await lead.goto(`/units/${ent.unitId}/surveys`);
  await expect(lead.locator('body[data-hydrated]')).toBeAttached();
  await lead.getByLabel('Title').fill(TITLE);
  await lead.getByRole('button', { name: 'Start the survey' }).click();
  await lead.waitForURL(/\/surveys\/[0-9a-f-]{36}$/);
  await expect(lead.getByRole('heading', { level: 1 })).toHaveText(TITLE);
  await expect(lead.locator('.statement-editor textarea')).toHaveCount(20);

  // Personal links for three people, shown once.
  await lead.locator('#respondents-text').fill(`Ana Ruiz <ana.${STAMP}@example.com>\nBo Lind <bo.${STAMP}@example.com>\ncy.${STAMP}@example.com`);
  await lead.getByRole('button', { name: 'Send personal links' }).click();
  const links = lead.locator('.personal-links input.link-field');
  await expect(links).toHaveCount(3);
  const urls = await links.evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
  await expect(lead.locator('.respondent-list li')).toHaveCount(3);

  // Two answers: nothing shows yet.
  const first = await answer(browser, urls[0], 1, 4, COMMENT);
  await answer(browser, urls[1], 5, 4);
  await lead.reload();
  await expect(lead.locator('.too-few')).toContainText('2 people have answered');
  await expect(lead.locator('.statement-list li')).toHaveCount(20);
  await expect(lead.getByText('Answers have arrived, so the statements can no longer change.')).toBeVisible();

  // The third brings the results.
  await answer(browser, urls[2], 3, 2);
  await lead.reload();
  await expect(lead.locator('figure.radar svg')).toBeVisible();
  await expect(lead.locator('figure.radar')).toContainText('Strategy clarity');
  const firstRow = lead.locator('.spread-table tbody tr').first();
  await expect(firstRow).toHaveAttribute('data-key', '1');
  await expect(firstRow.locator('.spread-value')).toHaveText('1.63');
  await expect(lead.locator('.survey-comments')).toContainText(COMMENT);
  await expect(lead.locator('.respondent-list li[data-answered="true"]')).toHaveCount(3);
  const download = lead.waitForEvent('download');
  await lead.getByRole('link', { name: `Download the results of ${TITLE} as PDF` }).click();
  expect((await download).suggestedFilename()).toMatch(/\.pdf$/);

  // The used link says so.
  await first.reload();
  await expect(first.locator('main')).toContainText('This link has been used already');
});
