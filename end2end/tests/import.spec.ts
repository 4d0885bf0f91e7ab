import { expect, test } from './fixtures';
import { openEnterpriseMap, signIn } from './helpers';

const CONTRIBUTOR = 'contributor@northwind.example';

test('the data owner imports a CSV with bad rows, sees each reason, and keeps the good rows', async ({ page }) => {
  await signIn(page, CONTRIBUTOR);
  await openEnterpriseMap(page);
  await page.getByRole('link', { name: 'Import data' }).click();
  await expect(page.getByRole('heading', { name: /^Import actuals/ })).toBeVisible();

  const csv = [
    'Measure,Period,Value,Note',
    'Contract renewal rate,2030-01,91.3,from the CRM',
    'Net Promoter Score,Jan 2030,41,',
    'Contract renewal rte,2030-01,90,',
    'Proposal win rate,2030-01,lots,',
    'Proposal win rate,2030-13,30,',
    'Operating margin,2030-01,12,',
    'Operating margin,2030-01,13,',
  ].join('\n');
  await page.getByLabel('File (CSV or Excel)').setInputFiles({
    name: 'actuals.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  });

  // The preview maps the columns from the header; each select is named after its column.
  await expect(page.getByRole('table', { name: 'Preview of the file' })).toBeVisible();
  await expect(page.getByLabel('Column Measure')).toHaveValue('measure');
  await expect(page.getByLabel('Column Period')).toHaveValue('period');
  await expect(page.getByLabel('Column Value')).toHaveValue('value');
  await expect(page.getByLabel('Column Note')).toHaveValue('note');

  // The dry run lists every bad row with its reason.
  await expect(page.getByText(/7 rows checked: 2 values ready for 2 measures/)).toBeVisible();
  const problems = page.getByRole('table', { name: 'Problems' });
  const row = (line: number) => problems.getByRole('row').filter({ has: page.getByRole('rowheader', { name: String(line), exact: true }) });
  await expect(row(4)).toContainText('unknown measure');
  await expect(row(4)).toContainText('did you mean “Contract renewal rate”?');
  await expect(row(5)).toContainText('bad number');
  await expect(row(5)).toContainText('“lots” is not a number');
  await expect(row(6)).toContainText('bad period');
  await expect(row(6)).toContainText('“2030-13” is not a period');
  await expect(row(7)).toContainText('duplicate');
  await expect(row(7)).toContainText('also on row 8');
  await expect(row(8)).toContainText('also on row 7');

  // All or nothing is refused while rows are bad; the valid rows are imported.
  await expect(page.getByRole('button', { name: 'Import all or nothing' })).toBeDisabled();
  await page.getByRole('button', { name: 'Import 2 valid values' }).click();
  await expect(page.getByText('Imported 2 values for 2 measures.')).toBeVisible();
  await expect(page.getByText('5 rows with problems were left out.')).toBeVisible();

  await page.getByRole('link', { name: 'Open the scorecard' }).click();
  const scorecard = page.getByRole('table', { name: 'Scorecard' });
  await expect(scorecard).toBeVisible();
  // The scorecard shows one chosen period (this month by default): open January 2030.
  await page.goto(`${page.url().split('?')[0]}?kind=month&period=2030-01`);
  const renewal = scorecard.getByRole('row').filter({ hasText: 'Contract renewal rate' });
  await expect(renewal.locator('td.actual')).toHaveText('91.3 %');
});

test('a wide sheet with decimal commas is detected, and the mapping can be changed by keyboard', async ({ page }) => {
  await signIn(page, CONTRIBUTOR);
  await openEnterpriseMap(page);
  const mapId = page.url().split('/').pop()!;
  await page.goto(`/maps/${mapId}/import`);
  await expect(page.locator('body[data-ready]')).toBeAttached();
  const csv = ['KPI;Unit;Jan 2030;Feb 2030', 'Operating margin;%;12,5;13,25', 'Net Promoter Score;;40;'].join('\n');
  await page.getByLabel('File (CSV or Excel)').setInputFiles({ name: 'wide.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByRole('radio', { name: 'One row per measure, months across' })).toBeChecked();
  await expect(page.getByLabel('Number format')).toHaveValue('comma');
  await expect(page.getByText(/3 values ready for 2 measures, Jan 2030 – Feb 2030/)).toBeVisible();
  await expect(page.getByText(/1 empty cell skipped/)).toBeVisible();

  // Choosing the decimal point makes "12,5" a bad number, with a hint about the other format.
  await page.getByLabel('Number format').focus();
  await page.getByLabel('Number format').selectOption('point');
  const problems = page.getByRole('table', { name: 'Problems' });
  await expect(problems).toContainText('reads as a number only with the other number format');
  await expect(page.getByRole('button', { name: 'Import all or nothing' })).toBeDisabled();

  // Back to decimal commas: a clean file can be imported all or nothing.
  await page.getByLabel('Number format').selectOption('comma');
  await expect(page.getByRole('table', { name: 'Problems' })).toHaveCount(0);
  const allOrNothing = page.getByRole('button', { name: 'Import all or nothing' });
  await expect(allOrNothing).toBeEnabled();
  await allOrNothing.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByText('Imported 3 values for 2 measures.')).toBeVisible();
});

test('a file that is not a spreadsheet gets a clear error', async ({ page }) => {
  await signIn(page, CONTRIBUTOR);
  await openEnterpriseMap(page);
  await page.getByRole('link', { name: 'Import data' }).click();
  await page.getByLabel('File (CSV or Excel)').setInputFiles({
    name: 'photo.xlsx',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]),
  });
  await expect(page.getByRole('alert')).toContainText('The workbook cannot be read');
});
