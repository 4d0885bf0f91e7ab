import { expect, test } from './fixtures';
import { ADMIN, signIn } from './helpers';

// Org units and maps (issue 12 §2): an admin creates a unit, moves it with the keyboard-usable
// parent select, archives it (it shows an "Archived" badge and offers no editing), brings it
// back, and starts a map from it, which opens.

test('an admin creates, moves, archives and brings back a unit, and starts a map from it', async ({ page }) => {
  const name = `Advisory ${Date.now()}`;
  await signIn(page, ADMIN);
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Org units' }).click();
  await page.waitForURL('**/admin/units');
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await expect(page.getByRole('heading', { level: 1, name: 'Org units' })).toBeVisible();

  // Create it under Consulting.
  const form = page.getByRole('form', { name: 'New unit' });
  await form.getByLabel('Parent unit').selectOption({ label: '\u2003Consulting' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Kind').selectOption('team');
  await form.getByRole('button', { name: 'Create unit' }).click();
  const row = page.locator('li.unit-row', { hasText: name });
  await expect(row).toBeVisible();
  await expect(row).toContainText('Team');

  // Move it under Managed Services with the select (the keyboard way).
  await row.getByRole('button', { name: `Edit ${name}` }).click();
  const editor = page.getByRole('form', { name: `Edit ${name}` });
  await editor.getByLabel('Parent unit (move)').selectOption({ label: '\u2003Managed Services' });
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor).toBeHidden();
  const units = await page.locator('li.unit-row .unit-name').allTextContents();
  expect(units.indexOf(name)).toBeGreaterThan(units.indexOf('Managed Services'));

  // Archive it: a badge, and nothing to edit or start.
  await row.getByRole('button', { name: `Archive ${name}` }).click();
  await expect(row.getByText('Archived')).toBeVisible();
  await expect(row.getByRole('button', { name: `Edit ${name}` })).toHaveCount(0);
  await expect(row.getByRole('link', { name: `New map for ${name}` })).toHaveCount(0);

  // Bring it back and start a map, which opens.
  await row.getByRole('button', { name: `Bring ${name} back from the archive` }).click();
  await expect(row.getByText('Archived')).toHaveCount(0);
  await row.getByRole('link', { name: `New map for ${name}` }).click();
  await page.waitForURL('**/new-map');
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await page.getByLabel('Map name').fill(`${name} Plan`);
  await page.getByLabel('First month').fill('2027-01');
  await page.getByLabel('Last month').fill('2029-12');
  await page.getByLabel(/non-profit/i).check();
  await page.getByRole('button', { name: 'Create map' }).click();
  await page.waitForURL(/\/maps\/[0-9a-f-]+$/);
  await expect(page.getByRole('group', { name: new RegExp(`Strategy map ${name} Plan`) })).toBeVisible();
});
