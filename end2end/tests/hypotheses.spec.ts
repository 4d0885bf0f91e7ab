import { expect, test } from './fixtures';
import { ADMIN, enterprise, signIn } from './helpers';

// Every arrow is a hypothesis tested with data. The demo's two years of data contradict the
// arrow from certification to first-time quality: the map marks it, the Hypotheses page lists
// it first with its reason and figures. Saying in the link's panel that more certification
// should bring *less* first-time quality makes the same data support it, at once on the map;
// putting the expectation back restores the verdict.

test('a contradicted arrow is marked on the map and explained on the Hypotheses page', async ({ page }) => {
  await signIn(page, ADMIN);
  const ent = await enterprise(page.request);
  await page.goto(`/maps/${ent.mapId}`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();

  const contradicted = page.locator('.link-group', { has: page.locator('.verdict-mark[data-verdict="Contradicted"]') });
  await expect(contradicted).toHaveCount(1);
  await expect(page.locator('.verdict-mark[data-verdict="Supported"]')).toHaveCount(1);
  await expect(contradicted.locator('.verdict-mark title')).toHaveText('Tested: contradicted');

  // The link's panel: its expectation and what the data says.
  await contradicted.locator('.link-hit').dispatchEvent('pointerdown');
  const panel = page.getByRole('complementary', { name: 'Link details' });
  await expect(panel.getByLabel('Expected direction')).toHaveValue('same');
  await expect(panel.getByLabel('Expected lag')).toHaveValue('1');
  const tested = panel.getByRole('region', { name: 'Tested against the data' });
  await expect(tested).toContainText('contradicted');
  await expect(tested).toContainText(/ρ = −?-?0\.9\d after 1 month, over 2\d paired months/);

  // "More certification, less first-time quality": the data supports that, at once.
  await panel.getByLabel('Expected direction').selectOption('opposite');
  await expect(contradicted).toHaveCount(0);
  await expect(page.locator('.verdict-mark[data-verdict="Supported"]')).toHaveCount(2);
  await expect(tested).toContainText('supported');
  await panel.getByLabel('Expected direction').selectOption('same');
  await expect(page.locator('.verdict-mark[data-verdict="Contradicted"]')).toHaveCount(1);

  // The Hypotheses page: contradicted first, with the reason, the figures and the charts.
  await page.getByRole('navigation', { name: 'Map pages' }).getByRole('link', { name: 'Hypotheses' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('tested against the data');
  const first = page.locator('section.arrow-test').first();
  await expect(first).toHaveAttribute('data-verdict', 'Contradicted');
  await expect(first.getByRole('heading', { level: 2 })).toHaveText(/Develop a technical certification programme → Achieve 99 %/);
  await expect(first).toContainText('the effect moved the other way');
  await expect(first).toContainText('Expects more → more, after 1 month');
  await expect(first.locator('figure[aria-label="Correlation at each lag"]')).toBeVisible();
  await expect(first.locator('figure[aria-label="Monthly scores of both objectives"]')).toBeVisible();
  await first.locator('details summary').click();
  await expect(first.locator('table.lag-table tbody tr')).toHaveCount(13);
  await expect(first.locator('table.lag-table tr.chosen th')).toHaveText('1');
  await expect(page.locator('section.arrow-test[data-verdict="Supported"]')).toHaveCount(1);
  await expect(page.getByText('Correlation is not causation.')).toBeVisible();
});

test('the quarterly review puts the contradicted arrow on its agenda', async ({ page }) => {
  await signIn(page, ADMIN);
  const ent = await enterprise(page.request);
  const reviews = await (await page.request.post('/api/unit_reviews', { data: { unit_id: ent.unitId } })).json();
  const quarterly = reviews.reviews.find((r: { cadence: string; state: string }) => r.cadence === 'quarterly' && r.state === 'scheduled');
  expect(quarterly, 'the demo schedules a quarterly review').toBeTruthy();
  await page.goto(`/reviews/${quarterly.id}`);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();
  await expect(page.locator('.arrows-questioned')).toHaveText(/^1 arrow of the map contradicted by 2\d months of data/);
  const item = page.locator('.agenda-items > [data-review-item]', { hasText: 'Develop a technical certification programme → Achieve 99 %' });
  await expect(item).toHaveCount(1);
  await expect(item.locator('.reason-chip')).toHaveText('Contradicted by the data');
  await expect(item.locator('.item-arrow')).toContainText('Expects more → more, after 1 month');
  await expect(item.locator('.item-arrow figure[aria-label="Monthly scores of both objectives"]')).toBeVisible();
  await item.getByRole('link', { name: 'All hypotheses of this map' }).click();
  await expect(page).toHaveURL(new RegExp(`/maps/${ent.mapId}/hypotheses$`));
});
