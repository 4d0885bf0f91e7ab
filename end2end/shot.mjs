import { chromium } from '@playwright/test';
const base = 'http://127.0.0.1:3113';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
await page.goto(`${base}/signin?next=/admin/tokens`);
await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
await page.getByLabel('Email').fill('admin@northwind.example');
await page.getByLabel('Password').fill('northwind-demo');
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL('**/admin/tokens');
await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
const form = page.getByRole('form', { name: 'New API token' });
for (const [name, unit, write] of [['BI dashboard reader', 'Northwind Technology Services', false], ['Consulting timesheets', 'Consulting', true], ['ERP month-end feed', 'Northwind Technology Services', true]]) {
  await form.getByLabel('Name').fill(name);
  await form.getByLabel(unit).check();
  await form.getByLabel(write ? 'Read and write (post actuals)' : 'Read-only').check();
  await form.getByRole('button', { name: 'Create token' }).click();
  await page.getByLabel('Token secret').waitFor();
  if (name !== 'ERP month-end feed') {
    await page.getByRole('button', { name: 'Done, I stored it' }).click();
    await page.reload();
    await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  }
}
const row = page.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ hasText: 'Consulting timesheets' });
await row.getByRole('button', { name: 'Revoke Consulting timesheets' }).click();
await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke token' }).click();
await row.getByText('Revoked').waitFor();
await page.evaluate(() => window.scrollTo(0, 0));
await page.screenshot({ path: process.argv[2] + '/api-tokens.png' });
await page.goto(`${base}/api/v1/docs`);
await page.screenshot({ path: process.argv[2] + '/api-docs.png' });
await page.goto(`${base}/api/v1/docs#get-api-v1-maps--id--scores`);
await page.screenshot({ path: process.argv[2] + '/api-docs-scores.png' });
await browser.close();
