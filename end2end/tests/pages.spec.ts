import { expect, test } from './fixtures';
import { ADMIN, signIn } from './helpers';

// Pages as a user meets them: an unknown address gets the app's own "Page not found" page (with
// the signed-in header), and counts read "1 widget", not "1 widgets".

test('an unknown address shows the app’s "Page not found" page with the signed-in header', async ({ page }) => {
  await signIn(page, ADMIN);
  const response = await page.goto('/no/such/page');
  expect(response!.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByText('Alex Morgan')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await page.getByRole('link', { name: 'Back to your maps' }).click();
  await expect(page.getByRole('tree', { name: 'Org units' })).toBeVisible();

  const missing = await page.goto('/maps/00000000-0000-7000-8000-000000000000');
  expect(missing!.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
});

test('counts of one are singular', async ({ page }) => {
  await signIn(page, ADMIN);
  const tree = await (await page.request.post('/api/org_tree')).json();
  const root = tree[0];
  const map = root.maps.find((m: { name: string }) => m.name.startsWith('Northwind'));
  const created = await page.request.post('/api/create_dashboard', { form: { org_unit_id: root.unit.id, name: 'One widget e2e' } });
  expect(created.ok(), await created.text()).toBeTruthy();
  const id = await created.json();
  const saved = await page.request.post('/api/save_dashboard', {
    data: {
      draft: {
        id,
        name: 'One widget e2e',
        span_kind: 'month',
        widgets: [{ id: crypto.randomUUID(), kind: { type: 'status_map', map_id: map.id }, x: 0, y: 0, w: 6, h: 4 }],
      },
    },
  });
  expect(saved.ok(), await saved.text()).toBeTruthy();

  await page.goto(`/units/${root.unit.id}/dashboards`);
  const row = page.getByRole('listitem').filter({ hasText: 'One widget e2e' });
  await expect(row).toContainText('1 widget');
  await expect(row).not.toContainText('1 widgets');

  await page.goto(`/dashboards/${id}`);
  await expect(page.getByText(/· 1 widget ·/)).toBeVisible();
});
