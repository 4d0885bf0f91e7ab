import { expect, test } from './fixtures';
import { ADMIN, openEnterpriseMap, signIn } from './helpers';

test('an admin creates an API token, a program posts actuals with it, and a revoked token gets 401', async ({
  page,
  context,
  request,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, ADMIN);
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'API tokens' }).click();
  // The home page is sent without the bundle: the link loads the token page, which hydrates.
  await page.waitForURL('**/admin/tokens');
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await expect(page.getByRole('heading', { name: 'API tokens', level: 1 })).toBeVisible();

  // Create a read+write token for the whole company.
  const form = page.getByRole('form', { name: 'New API token' });
  await form.getByLabel('Name').fill('ERP month-end feed');
  await form.getByLabel('Northwind Technology Services').check();
  await form.getByLabel('Read and write (post actuals)').check();
  await form.getByRole('button', { name: 'Create token' }).click();

  // The secret is shown once, with a copy button.
  await expect(page.getByText('You will not see it again.')).toBeVisible();
  const secretBox = page.getByLabel('Token secret');
  const secret = await secretBox.inputValue();
  expect(secret).toMatch(/^cairn_[0-9a-f]{64}$/);
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  const tokens = page.getByRole('table', { name: 'API tokens' });
  const row = tokens.getByRole('row').filter({ hasText: 'ERP month-end feed' });
  await expect(row).toContainText('Read and write');
  await expect(row).toContainText('Never');
  await expect(row).toContainText('Active');

  // A program uses it: find a measure, post an actual, read it back.
  const auth = { Authorization: `Bearer ${secret}` };
  const measures = await request.get('/api/v1/measures', { headers: auth });
  expect(measures.status()).toBe(200);
  const measure = (await measures.json()).measures.find((m: { writable: boolean }) => m.writable);
  expect(measure).toBeTruthy();
  const posted = await request.post('/api/v1/actuals', {
    headers: auth,
    data: { actuals: [{ measure_id: measure.id, period: '2024-06', value: 42.5, note: 'from the e2e ERP' }] },
  });
  expect(posted.status()).toBe(200);
  expect((await posted.json()).created).toBe(1);
  const again = await request.post('/api/v1/actuals', {
    headers: auth,
    data: { actuals: [{ measure_id: measure.id, period: '2024-06', value: 42.5, note: 'from the e2e ERP' }] },
  });
  expect((await again.json()).unchanged).toBe(1);
  const back = await request.get(`/api/v1/measures/${measure.id}/actuals?from=2024-06&to=2024-06`, { headers: auth });
  expect((await back.json()).actuals).toEqual([
    expect.objectContaining({ period: '2024-06', value: 42.5, source: 'api', note: 'from the e2e ERP' }),
  ]);

  // The list shows it was used; the secret is gone after "Done" and a reload.
  await page.getByRole('button', { name: 'Done, I stored it' }).click();
  await expect(page.getByLabel('Token secret')).toHaveCount(0);
  await page.reload();
  await expect(page.locator('body[data-ready]')).toBeAttached();
  await expect(row).not.toContainText('Never');
  await expect(page.getByText(secret)).toHaveCount(0);

  // Revoke, with a confirmation; the next call is refused.
  await row.getByRole('button', { name: 'Revoke ERP month-end feed' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Revoke ERP month-end feed?' });
  await expect(confirm).toContainText('stop working at once');
  await confirm.getByRole('button', { name: 'Revoke token' }).click();
  await expect(row).toContainText('Revoked');
  const refused = await request.post('/api/v1/actuals', {
    headers: auth,
    data: { actuals: [{ measure_id: measure.id, period: '2024-07', value: 1 }] },
  });
  expect(refused.status()).toBe(401);
  expect(refused.headers()['www-authenticate']).toContain('Bearer');
  expect((await refused.json()).code).toBe('unauthorized');
});

test('the REST API docs page lists every endpoint and the OpenAPI document parses', async ({ page, request }) => {
  const doc = await (await request.get('/api/v1/openapi.json')).json();
  const paths = Object.keys(doc.paths);
  expect(paths).toEqual(expect.arrayContaining(['/api/v1/maps', '/api/v1/actuals', '/api/v1/maps/{id}/scores']));
  await page.goto('/api/v1/docs');
  await expect(page.getByRole('heading', { name: /Cairn REST API/, level: 1 })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'API reference' });
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item as object)) {
      await expect(nav.getByRole('link', { name: `${method.toUpperCase()} ${path}`, exact: true })).toBeVisible();
    }
  }
});

test('people without an admin role see no token page link and are refused on it', async ({ page }) => {
  await signIn(page, 'editor@northwind.example');
  await expect(page.getByRole('tree', { name: 'Org units' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'API tokens' })).toHaveCount(0);
  await page.goto('/admin/tokens');
  await expect(page.getByRole('alert')).toContainText('admin role');
});

test('actuals posted through the REST API recolour an open map without a reload', async ({ page, request }) => {
  await signIn(page, ADMIN);
  await openEnterpriseMap(page);
  await expect(page.getByTestId('connection')).toHaveText(/^Live/);
  const renewals = page.getByRole('button', { name: 'Grow contract renewals to 85 %', exact: true });
  await expect(renewals).toHaveAttribute('data-status', /^(red|amber|green)$/);

  // A read+write token for the company, made through the same server function the page uses.
  const mapId = page.url().split('/maps/')[1].split(/[/?]/)[0];
  const doc = await (await page.request.post('/api/get_map', { form: { map_id: mapId } })).json();
  const created = await page.request.post('/api/create_api_token', {
    data: { name: 'e2e live feed', unit_ids: [doc.org_unit.id], can_write: true },
  });
  expect(created.status()).toBe(200);
  const auth = { Authorization: `Bearer ${(await created.json()).secret}` };

  const measure = doc.measures.find((m: { name: string }) => m.name === 'Contract renewal rate');
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const [mon, year] = (await page.locator('.span-picker .span-label').first().textContent())!.trim().split(' ');
  const period = `${year}-${String(months.indexOf(mon) + 1).padStart(2, '0')}`;
  for (const [value, status] of [[10, 'red'], [99, 'green']] as const) {
    const posted = await request.post('/api/v1/actuals', {
      headers: auth,
      data: { actuals: [{ measure_id: measure.id, period, value }] },
    });
    expect(posted.status()).toBe(200);
    await expect(renewals).toHaveAttribute('data-status', status);
    const scores = await (
      await request.get(`/api/v1/maps/${mapId}/scores?kind=month&period=${period}`, { headers: auth })
    ).json();
    expect(scores.measures.find((m: { id: string }) => m.id === measure.id).status).toBe(status);
  }
});
