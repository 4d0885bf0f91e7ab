import { expect, test } from '@playwright/test';
import { ADMIN, signIn } from './helpers';

// Pages as a user meets them: counts read "1 widget", not "1 widgets".

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
