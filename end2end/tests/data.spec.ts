import { Browser, expect, Locator, Page, test } from './fixtures';
import { ADMIN, openEnterpriseMap, signIn } from './helpers';

const objective = (page: Page, title: string) => page.getByRole('button', { name: title, exact: true });
const cell = (page: Page, label: string) => page.getByRole('textbox', { name: label, exact: true });

/** The month the map shows ("Nov 2026") and its year. */
async function mapMonth(page: Page) {
  // The month appears once the map's data has loaded.
  const span = page.locator('.span-picker .span-label').first();
  await expect(span).toHaveText(/\S+ \d{4}/);
  const label = (await span.textContent())!.trim();
  return { label, year: Number(label.split(' ')[1]) };
}

/** Opens the data page of the map shown in `mapPage`, in `page`, for `year`. */
async function openData(page: Page, mapPage: Page, year: number) {
  const mapId = mapPage.url().split('/maps/')[1].split(/[/?]/)[0];
  await page.goto(`/maps/${mapId}/data?year=${year}`);
  await expect(page.locator('body[data-ready]')).toBeAttached();
  await expect(page.getByRole('table', { name: 'Actuals' })).toBeVisible();
  return mapId;
}

/** Pastes text into a cell as a spreadsheet's clipboard would. */
async function paste(target: Locator, text: string) {
  await target.focus();
  await target.evaluate((el, t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

test('an actual entered in the grid recolours the objective on the open map', async ({ page, context }) => {
  await signIn(page, ADMIN);
  await openEnterpriseMap(page);
  await expect(page.getByTestId('connection')).toHaveText(/^Live/);
  const renewals = objective(page, 'Grow contract renewals to 85 %');
  await expect(renewals).toHaveAttribute('data-status', /^(green|amber|red|no_data)$/);
  const { label, year } = await mapMonth(page);

  const grid = await context.newPage();
  await openData(grid, page, year);
  const renewal = cell(grid, `Contract renewal rate, ${label}`);
  await expect(renewal).toBeEditable();

  // A value that is not a number is flagged where it was typed, and blocks the save.
  await renewal.fill('ten');
  await expect(renewal).toHaveAttribute('aria-invalid', 'true');
  await expect(grid.getByTestId('save-state')).toHaveText('1 cell needs fixing');
  await expect(grid.getByRole('alert', { name: 'Cells to fix' })).toContainText('“ten” is not a number');
  await expect(grid.getByRole('button', { name: 'Save' })).toBeDisabled();

  // A renewal rate far below its red flag turns the objective red on the open map, without a
  // reload: one change, saved in one transaction.
  await renewal.fill('10');
  await expect(renewal).toHaveAttribute('aria-invalid', 'false');
  await expect(grid.getByTestId('save-state')).toHaveText('1 unsaved change');
  await grid.getByRole('button', { name: 'Save' }).click();
  await expect(grid.getByRole('status')).toHaveText('Saved 1 actual.');
  await expect(grid.getByTestId('save-state')).toHaveText('No unsaved changes');
  await expect(renewals).toHaveAttribute('data-status', 'red');

  // Above its goal: green again.
  await cell(grid, `Contract renewal rate, ${label}`).fill('95');
  await grid.getByRole('button', { name: 'Save' }).click();
  await expect(grid.getByRole('status')).toHaveText('Saved 1 actual.');
  await expect(renewals).toHaveAttribute('data-status', 'green');

  // The value is stored: a reload of the grid shows it.
  await grid.reload();
  await expect(grid.locator('body[data-ready]')).toBeAttached();
  await expect(cell(grid, `Contract renewal rate, ${label}`)).toHaveValue('95');
});

test('keyboard moves, a pasted block, Esc and Discard', async ({ page }) => {
  await signIn(page, ADMIN);
  await openEnterpriseMap(page);
  const { year } = await mapMonth(page);
  await openData(page, page, year - 1);

  const first = page.locator('#cell-0-0');
  await first.focus();
  await page.keyboard.press('ArrowDown');
  expect(await focusedId(page)).toBe('cell-1-0');
  await page.keyboard.press('ArrowRight');
  expect(await focusedId(page)).toBe('cell-1-1');
  await page.keyboard.press('Enter');
  expect(await focusedId(page)).toBe('cell-2-1');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowLeft');
  expect(await focusedId(page)).toBe('cell-1-0');

  // A 2 × 3 block copied from a spreadsheet fills from the cell it is pasted into.
  await paste(page.locator('#cell-0-10'), '1\t2\t3\n4\t5\t6\n');
  await expect(page.getByRole('status')).toContainText('Pasted 4 cells; 2 beyond the grid were left out');
  await expect(page.locator('#cell-0-10')).toHaveValue('1');
  await expect(page.locator('#cell-0-11')).toHaveValue('2');
  await expect(page.locator('#cell-1-10')).toHaveValue('4');
  await expect(page.locator('#cell-1-11')).toHaveValue('5');
  await expect(page.locator('td.dirty')).toHaveCount(4);

  // Leaving for another year with unsaved cells asks first; staying keeps them.
  const asked: string[] = [];
  page.once('dialog', (d) => { asked.push(d.message()); void d.dismiss(); });
  await page.getByRole('link', { name: 'Next year' }).click();
  await expect.poll(() => asked.length).toBe(1);
  expect(asked[0]).toContain('unsaved changes');
  await expect(page).toHaveURL(new RegExp(`year=${year - 1}$`));
  await expect(page.locator('td.dirty')).toHaveCount(4);

  // Esc puts one cell back; Discard puts back the rest.
  await page.locator('#cell-1-10').focus();
  await page.keyboard.press('Escape');
  await expect(page.locator('td.dirty')).toHaveCount(3);
  await page.getByRole('button', { name: 'Discard' }).click();
  await expect(page.locator('td.dirty')).toHaveCount(0);
  await expect(page.getByTestId('save-state')).toHaveText('No unsaved changes');
});

test('an editor fills next year\'s targets with the bulk helper and saves them', async ({ page }) => {
  await signIn(page, ADMIN);
  await openEnterpriseMap(page);
  const { year } = await mapMonth(page);
  await openData(page, page, year + 1);
  await page.getByRole('tab', { name: 'Targets' }).click();
  await expect(page.getByRole('table', { name: 'Targets' })).toBeVisible();

  await page.getByRole('button', { name: 'Fill targets of Contract renewal rate' }).click();
  const helper = page.getByRole('form', { name: 'Fill targets of Contract renewal rate' });
  await helper.getByLabel('Linear ramp from the baseline').check();
  await helper.getByLabel('Start').fill('73');
  await helper.getByLabel('Goal').fill('85');
  await helper.getByLabel('Red flag').fill('80');
  await helper.getByRole('button', { name: 'Fill 12 months' }).click();
  await expect(page.getByRole('status')).toContainText('Filled 12 months of “Contract renewal rate”');
  const goal = (m: string) => cell(page, `Contract renewal rate goal, ${m} ${year + 1}`);
  const red = (m: string) => cell(page, `Contract renewal rate red flag, ${m} ${year + 1}`);
  await expect(goal('Jan')).toHaveValue('74');
  await expect(red('Jan')).toHaveValue('69');
  await expect(goal('Dec')).toHaveValue('85');
  await expect(red('Dec')).toHaveValue('80');

  // Half a target is refused before anything is sent.
  await red('Mar').fill('');
  await expect(page.getByTestId('save-state')).toHaveText('1 cell needs fixing');
  await expect(page.getByRole('alert', { name: 'Cells to fix' })).toContainText('enter both a goal and a red flag');
  await red('Mar').press('Escape');

  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved 12 targets.');
  await page.reload();
  await expect(page.locator('body[data-ready]')).toBeAttached();
  await page.getByRole('tab', { name: 'Targets' }).click();
  await expect(goal('Jun')).toHaveValue('79');
  await expect(red('Jun')).toHaveValue('74');
});

/** A page signed in as another demo user, in its own browser context. */
async function asUser(browser: Browser, email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return { context, page };
}

test('a data owner without the contributor role enters only the measures they own', async ({ browser, page }) => {
  await signIn(page, ADMIN);
  await openEnterpriseMap(page);
  const { label, year } = await mapMonth(page);
  const { context, page: tomas } = await asUser(browser, 'tomas.alvarez@northwind.example');

  // Home lists the measures whose data they report, each with a way to the grid.
  const mine = tomas.getByRole('list', { name: 'Measures you report' });
  await expect(mine.getByRole('listitem')).toHaveCount(5);
  await expect(mine.getByRole('listitem').filter({ hasText: 'New clients won' })).toContainText(/last \w{3} \d{4}|never reported/);
  await expect(tomas.getByRole('link', { name: 'Enter data for New clients won' })).toHaveAttribute('href', /\/maps\/[^/]+\/data$/);

  await openData(tomas, page, year);

  await expect(tomas.getByText(/you may enter 3 of them/)).toBeVisible();
  const own = cell(tomas, `New clients won, ${label}`);
  const notOwn = cell(tomas, `Contract renewal rate, ${label}`);
  await expect(own).toBeEditable();
  await expect(notOwn).not.toBeEditable();
  await expect(notOwn).toHaveAttribute('title', /data owner/);

  await tomas.getByLabel('Only what I can edit').check();
  await expect(notOwn).toBeHidden();
  await expect(tomas.locator('tr.grid-row')).toHaveCount(3);

  // Targets are the unit editors': read-only, no bulk helper.
  await tomas.getByRole('tab', { name: 'Targets' }).click();
  await expect(tomas.getByRole('button', { name: /^Fill targets of/ })).toHaveCount(0);
  await expect(cell(tomas, `New clients won goal, ${label}`)).not.toBeEditable();
  await context.close();
});
