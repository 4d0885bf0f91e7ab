import { expect, expectAccessible, test } from './fixtures';
import { ADMIN, openEnterpriseMap, signIn } from './helpers';

// History and audit: a rename reads "old → new" in the objective's History tab; the admin audit
// page filters and offers the CSV of what it shows.

const objective = (page: import('@playwright/test').Page, title: string) =>
  page.getByRole('button', { name: title, exact: true });

test('renaming an objective shows old → new in its History tab', async ({ page }) => {
  await signIn(page, ADMIN);
  await openEnterpriseMap(page);
  await expect(page.getByTestId('connection')).toHaveText(/^Live/);

  // A fresh objective, so the test does not depend on the demo's titles.
  const before = `History check ${Date.now()}`;
  const after = `${before} renamed`;
  await page.getByRole('button', { name: '+ Objective' }).click();
  const input = page.getByLabel('Objective title');
  await input.fill(before);
  await input.press('Enter');
  await objective(page, before).click();
  const title = page.getByLabel('Title', { exact: true });
  await title.fill(after);
  await title.press('Tab');
  await expect(objective(page, after)).toBeVisible();

  await page.getByRole('tab', { name: 'History' }).click();
  const panel = page.getByRole('complementary', { name: new RegExp(`History: ${after}`) });
  await expect(panel).toBeVisible();
  const list = panel.getByRole('list', { name: 'Changes, newest first' });
  await expect(list.getByText(`Title: '${before}' → '${after}'`)).toBeVisible();
  // "+ Objective" makes a "New objective", which the inline title field then names.
  await expect(list.getByText(`Title: 'New objective' → '${before}'`)).toBeVisible();
  await expect(list.getByText(`Created objective 'New objective'`).first()).toBeVisible();
  await expect(list.getByText('Alex Morgan').first()).toBeVisible();
  await expectAccessible(page);
});

test('the admin audit page filters by kind and links the CSV with the same filters', async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Audit history' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit history' })).toBeVisible();
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(page.getByRole('table')).toBeVisible();

  await page.getByLabel('Kind').selectOption('membership');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL(/kind=membership/);
  await expect(page.locator('body[data-ready]')).toBeAttached();
  const rows = page.getByRole('table').getByRole('row');
  await expect(rows.nth(1)).toBeVisible();
  for (const cell of await page.getByRole('table').locator('tbody td:nth-child(3)').allTextContents()) {
    expect(cell).toBe('role');
  }

  const csv = page.getByRole('link', { name: 'Download CSV' });
  await expect(csv).toHaveAttribute('href', /\/admin\/audit\.csv\?kind=membership/);
  const response = await page.request.get((await csv.getAttribute('href'))!);
  expect(response.ok()).toBeTruthy();
  expect(response.headers()['content-type']).toContain('text/csv');
  expect((await response.text()).split('\n')[0]).toContain('When');
  await expectAccessible(page);
});
