import { expect, test } from './fixtures';
import { ADMIN, openEnterpriseMap, signIn } from './helpers';

test('a visitor is sent to sign-in and a wrong password is refused', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin\?next=/);
  await expect(page.locator('body[data-ready]')).toBeAttached();
  await page.getByLabel('Email').fill(ADMIN);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');
  await expect(page).toHaveURL(/\/signin/);
});

test('the admin opens the demo map, sees objectives and arrows, then the scorecard', async ({ page }) => {
  await signIn(page, ADMIN);
  const tree = page.getByRole('tree', { name: 'Org units' });
  await expect(tree.getByText('Northwind Technology Services', { exact: true })).toBeVisible();
  await expect(tree.getByText('Managed Services', { exact: true })).toBeVisible();
  await expect(tree.getByText('Consulting', { exact: true })).toBeVisible();

  await openEnterpriseMap(page);
  const objectives = page.locator('svg.strategy-map g.objective');
  expect(await objectives.count()).toBeGreaterThanOrEqual(12);
  expect(await page.locator('svg.strategy-map path.link').count()).toBeGreaterThanOrEqual(12);
  for (const perspective of ['Financial', 'Customer', 'Internal Processes', 'Learning & Growth']) {
    await expect(page.getByRole('group', { name: `Perspective ${perspective}` })).toBeAttached();
  }
  // The top band is Financial: its label sits above the Learning & Growth label.
  const top = await page.getByRole('group', { name: 'Perspective Financial' }).boundingBox();
  const bottom = await page.getByRole('group', { name: 'Perspective Learning & Growth' }).boundingBox();
  expect(top!.y).toBeLessThan(bottom!.y);

  // Hydrated: selecting an objective opens its details.
  const renewals = page.getByRole('button', { name: 'Grow contract renewals to 85 %' });
  await renewals.click();
  const panel = page.getByRole('complementary', { name: 'Objective details' });
  await expect(panel.getByRole('heading', { name: 'Grow contract renewals to 85 %' })).toBeVisible();
  await expect(panel.getByText('Driven by')).toBeVisible();
  await expect(renewals).toHaveAttribute('aria-pressed', 'true');

  await page.getByRole('link', { name: 'Scorecard', exact: true }).last().click();
  const table = page.getByRole('table', { name: 'Scorecard' });
  await expect(table).toBeVisible();
  for (const perspective of ['Financial', 'Customer', 'Internal Processes', 'Learning & Growth']) {
    await expect(table.getByRole('rowheader', { name: perspective, exact: true })).toBeVisible();
  }
  await expect(table.getByText('Contract renewal rate')).toBeVisible();
  const row = table.getByRole('row').filter({ hasText: 'Contract renewal rate' });
  await expect(row.locator('td.actual')).toHaveText(/\d+(\.\d)? %/);
});

test('a unit lead edits only their unit: a write elsewhere gets a clear 403', async ({ page }) => {
  await signIn(page, 'tomas.alvarez@northwind.example');
  // Roles are inherited down the tree: the Consulting lead can read the enterprise map…
  await openEnterpriseMap(page);
  const mapId = page.url().split('/').pop()!;
  // …but a write there, from this signed-in browser session, is refused and changes nothing.
  const objectiveCount = await page.locator('svg.strategy-map g.objective').count();
  const response = await page.request.post('/api/get_map', { form: { map_id: mapId } });
  expect(response.status()).toBe(200);
  const doc = await response.json();
  const write = await page.request.post('/api/create_objective', {
    form: { map_id: mapId, perspective_id: doc.perspectives[0].id, title: 'Sneaky objective', x: '300', y: '100' },
  });
  expect(write.status()).toBe(403);
  expect(JSON.stringify(await write.json())).toContain('Northwind Technology Services');
  await page.reload();
  await expect(page.locator('svg.strategy-map g.objective')).toHaveCount(objectiveCount);
});

test('signing out ends the session', async ({ page }) => {
  await signIn(page, 'viewer@northwind.example');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin\?next=/);
});
