import { APIRequestContext, expect, Page, test } from './fixtures';
import { ADMIN, openEnterpriseMap, signIn } from './helpers';

const objective = (page: Page, title: string) => page.getByRole('button', { name: title, exact: true });

/** The enterprise map document as the server function returns it. */
async function mapDoc(request: APIRequestContext, page: Page) {
  const mapId = page.url().split('/maps/')[1].split(/[/?]/)[0];
  const response = await request.post('/api/get_map', { form: { map_id: mapId } });
  expect(response.ok()).toBeTruthy();
  return { mapId, doc: await response.json() };
}

test('the map is coloured by status, explains a colour, and recolours itself when data arrives', async ({ page }) => {
  await signIn(page, ADMIN);
  await openEnterpriseMap(page);
  await expect(page.getByTestId('connection')).toHaveText(/^Live/);
  const renewals = objective(page, 'Grow contract renewals to 85 %');
  await expect(renewals).toHaveAttribute('data-status', /^(red|amber|green)$/);

  // Why: the objective's status is a weighted average its panel explains.
  await renewals.click();
  const panel = page.getByRole('complementary', { name: 'Objective details' });
  await panel.getByRole('button', { name: /^Objective status: .*Why\?/ }).click();
  const why = page.getByRole('dialog', { name: /Why: Objective “Grow contract renewals to 85 %”/ });
  await expect(why).toBeVisible();
  await expect(why.getByText(/Weighted average of its measures with data/)).toBeVisible();
  await expect(why.getByRole('row', { name: /Contract renewal rate/ })).toBeVisible();
  await why.getByRole('button', { name: 'Close' }).click();
  await expect(why).toBeHidden();

  // New data through the one data path (here the record_actual server function) reaches the
  // open map without a reload: a renewal rate far below the red flag turns the objective red.
  const { doc } = await mapDoc(page.request, page);
  const measure = doc.measures.find((m: { name: string }) => m.name === 'Contract renewal rate');
  const periodLabel = await page.locator('.span-picker .span-label').first().textContent();
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const [mon, year] = periodLabel!.trim().split(' ');
  const period = `${year}-${String(months.indexOf(mon) + 1).padStart(2, '0')}`;
  const response = await page.request.post('/api/record_actual', {
    form: { measure_id: measure.id, period, value: '10', note: 'e2e: a terrible month' },
  });
  expect(response.ok()).toBeTruthy();
  await expect(renewals).toHaveAttribute('data-status', 'red');
  await expect(panel.getByRole('button', { name: /^Contract renewal rate status: Red/ })).toBeVisible();
});

test('an editor defines a measure, a formula is checked as it is typed, and health findings select their item', async ({ page }) => {
  await signIn(page, ADMIN);
  await openEnterpriseMap(page);
  await expect(page.getByTestId('connection')).toHaveText(/^Live/);

  // A new objective whose title is not an action: the health check says so and selects it.
  await page.getByRole('button', { name: '+ Objective' }).click();
  const input = page.getByLabel('Objective title');
  await input.fill('Ecosystem quality');
  await input.press('Enter');
  await expect(objective(page, 'Ecosystem quality')).toBeVisible();
  await page.getByRole('tab', { name: /Health/ }).click();
  const health = page.getByRole('complementary', { name: 'Map health check' });
  const finding = health.getByRole('button', { name: /“Ecosystem quality” does not start with a verb/ });
  await expect(finding).toBeVisible();
  await expect(health.getByRole('button', { name: /“Ecosystem quality” has no measure/ })).toBeVisible();
  await finding.click();
  await expect(objective(page, 'Ecosystem quality')).toHaveAttribute('aria-pressed', 'true');
  // Switching a rule off removes its findings for everyone on the map.
  await health.getByText('Rules').click();
  await health.getByRole('checkbox', { name: 'Objectives start with a verb' }).uncheck();
  await expect(finding).toBeHidden();
  await health.getByRole('checkbox', { name: 'Objectives start with a verb' }).check();
  await expect(finding).toBeVisible();

  // Give it a measure and define it.
  await page.getByRole('tab', { name: 'Details' }).click();
  const panel = page.getByRole('complementary', { name: 'Objective details' });
  await panel.getByRole('button', { name: '+ Measure' }).click();
  const editor = page.getByRole('complementary', { name: 'Measure details' });
  await expect(editor.getByLabel('Name', { exact: true })).toHaveValue('New measure 1');
  await editor.getByLabel('Name', { exact: true }).fill('Partner-sourced revenue share');
  await editor.getByLabel('Name', { exact: true }).press('Tab');
  await editor.getByLabel('Unit').fill('%');
  await editor.getByLabel('Unit').press('Tab');
  await editor.getByLabel('Leading or lagging').selectOption('leading');
  await editor.getByLabel('Scoring').selectOption('custom');
  await expect(editor.getByLabel('Band 1 name')).toHaveValue('Off track');

  // A formula is checked while typing: an unknown measure is named, a good one is kept.
  await editor.getByLabel('Data source').selectOption('formula');
  const formula = editor.getByLabel('Formula');
  await formula.fill('[Revenue growth (year on year)] / [No such measure]');
  await expect(editor.getByText('No measure on this map is called [No such measure]')).toBeVisible();
  await formula.fill('[Recurring revenue share] / 2 +');
  await expect(formula).toHaveAttribute('aria-invalid', 'true');
  await formula.fill('[Recurring revenue share] / 2');
  await expect(formula).toHaveAttribute('aria-invalid', 'false');
  await formula.press('Tab');

  // Everything was saved live: after a reload the measure is there, computed from its formula.
  await page.reload();
  await expect(page.locator('body[data-ready]')).toBeAttached();
  await objective(page, 'Ecosystem quality').click();
  const reloaded = page.getByRole('complementary', { name: 'Objective details' });
  await reloaded.getByRole('button', { name: 'Edit measure Partner-sourced revenue share' }).click();
  await expect(editor.getByLabel('Formula')).toHaveValue('[Recurring revenue share] / 2');
  await expect(editor.getByLabel('Unit')).toHaveValue('%');
  await expect(editor.getByLabel('Data source')).toHaveValue('formula');
  await expect(editor.getByRole('button', { name: /^Partner-sourced revenue share status: (Red|Amber|Green|No data)/ })).toBeVisible();

  // Clean up so other tests see the demo map as it was.
  await editor.getByRole('button', { name: '← Objective' }).click();
  await page.getByRole('complementary', { name: 'Objective details' }).getByRole('button', { name: 'Delete objective' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(objective(page, 'Ecosystem quality')).toHaveCount(0);
});

test('the scorecard switches period, filters by status and explains a measure', async ({ page }) => {
  await signIn(page, ADMIN);
  await openEnterpriseMap(page);
  await page.getByRole('link', { name: 'Scorecard', exact: true }).last().click();
  const table = page.getByRole('table', { name: 'Scorecard' });
  await expect(table).toBeVisible();
  await expect(page.locator('body[data-ready]')).toBeAttached();

  // Quarter view.
  await page.getByLabel('Period kind').selectOption('quarter');
  await expect(page).toHaveURL(/kind=quarter/);
  await expect(page.locator('.span-label').first()).toHaveText(/^Q[1-4] \d{4}$/);

  // Only red measures.
  await page.getByLabel('Filter by status').selectOption('red');
  const scores = table.locator('td.score-cell');
  await expect(scores.first()).toBeVisible();
  // The table re-renders after the filter changes: wait until only red rows are left.
  const statuses = () => scores.evaluateAll((cells) => cells.map((c) => c.getAttribute('data-status')));
  await expect.poll(async () => [...new Set(await statuses())]).toEqual(['red']);

  // Why of a measure: the arithmetic with actual, goal and red flag.
  await scores.first().getByRole('button').click();
  const why = page.getByRole('dialog', { name: /Why: Measure/ });
  await expect(why).toBeVisible();
  await expect(why.getByText(/Goal: .*, red flag: /)).toBeVisible();
  await expect(why.getByText(/→ Red/)).toBeVisible();
});

test('the scorecard opens a measure for editing and adds a measure to an objective', async ({ page }) => {
  await signIn(page, ADMIN);
  await openEnterpriseMap(page);
  await page.getByRole('link', { name: 'Scorecard' }).click();
  await page.getByRole('link', { name: 'Edit measure Contract renewal rate' }).click();
  const editor = page.getByRole('complementary', { name: 'Measure details' });
  await expect(editor.getByLabel('Name', { exact: true })).toHaveValue('Contract renewal rate');

  await page.goBack();
  await page.getByRole('link', { name: 'Add a measure to Grow contract renewals to 85 %' }).click();
  await expect(editor.getByLabel('Name', { exact: true })).toHaveValue(/^New measure \d+$/);
  // The address now names the new measure: a reload opens it instead of adding another.
  await expect(page).toHaveURL(/\?measure=/);
  await editor.getByLabel('Name', { exact: true }).fill('Renewal pipeline coverage');
  await editor.getByLabel('Name', { exact: true }).press('Tab');
  await page.reload();
  await expect(page.locator('body[data-ready]')).toBeAttached();
  await expect(editor.getByLabel('Name', { exact: true })).toHaveValue('Renewal pipeline coverage');
});
