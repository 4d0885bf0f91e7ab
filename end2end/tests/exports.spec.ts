import { execFileSync } from 'node:child_process';
import { expect, test } from './fixtures';
import { ADMIN, enterprise, signIn } from './helpers';

// Exports in a real browser: the closed review's briefing book is made while its link says so,
// arrives as a PDF whose first page (read by pdftotext) names the review and the map; the
// scorecard page downloads its CSV with the headings and measures; the map page downloads the
// map as SVG in status colours.

test('the briefing book of a closed review downloads as a PDF with progress', async ({ page }) => {
  await signIn(page, ADMIN, '/');
  const ent = await enterprise(page.request);
  const reviews = await (await page.request.post('/api/unit_reviews', { data: { unit_id: ent.unitId } })).json();
  const closed = reviews.reviews.find((r: { state: string }) => r.state === 'closed');
  expect(closed, 'the demo has a closed review').toBeTruthy();
  await page.goto(`/reviews/${closed.id}`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();

  const link = page.getByTestId('briefing-book');
  await expect(link).toHaveText('Briefing book (PDF)');
  const status = page.locator('.review-toolbar .slow-download-status');
  const downloading = page.waitForEvent('download');
  await link.click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.pdf$/);
  await expect(status).toContainText('The briefing book is ready');
  const file = await download.path();
  const firstPage = execFileSync('pdftotext', ['-f', '1', '-l', '1', '-layout', file!, '-']).toString();
  expect(firstPage).toContain('Briefing book');
  expect(firstPage).toContain(closed.title);
  const map = ent.mapId;
  const doc = await (await page.request.post('/api/get_map', { form: { map_id: map } })).json();
  expect(firstPage).toContain(doc.map.name);
  const whole = execFileSync('pdftotext', ['-layout', file!, '-']).toString();
  expect(whole).toContain('Scorecard');
  expect(whole).toContain('Open actions');
});

test('the scorecard downloads as CSV and the map as SVG', async ({ page }) => {
  await signIn(page, ADMIN, '/');
  const ent = await enterprise(page.request);
  await page.goto(`/maps/${ent.mapId}/scorecard`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  const exports = page.getByRole('group', { name: 'Download' });
  const csvDownload = page.waitForEvent('download');
  await exports.getByRole('link', { name: /as CSV/ }).click();
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toMatch(/\.csv$/);
  const text = (await import('node:fs')).readFileSync((await csv.path())!, 'utf8');
  expect(text).toContain('Perspective,Objective');
  expect(text).toContain(ent.measures[0].name);

  await page.goto(`/maps/${ent.mapId}`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  const svgLink = page.getByRole('link', { name: /map in status colours .* as SVG/ });
  await expect(svgLink).toBeVisible();
  const svgDownload = page.waitForEvent('download');
  await svgLink.click();
  const svg = (await import('node:fs')).readFileSync((await (await svgDownload).path())!, 'utf8');
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg).toContain(ent.objectives[0].title.split(' ')[0]);
});
