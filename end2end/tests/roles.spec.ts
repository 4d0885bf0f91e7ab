import { expect, Page, test } from './fixtures';
import { ADMIN, openEnterpriseMap, signIn } from './helpers';

// What each role is offered: viewers get no "Enter data", "Import data" or editing hints on the
// home page, the map page and the scorecard; contributors may enter data; a viewer who reports a
// measure's data may enter it too; editors get the editing hints.

const VIEWER = 'viewer@northwind.example';
const CONTRIBUTOR = 'contributor@northwind.example';
// Tomás is a viewer of the enterprise who reports some of its measures.
const DATA_OWNER = 'tomas.alvarez@northwind.example';

const HINT = /Double-click a band to add an objective/;

/** The enterprise map, opened from home, with its live connection up. */
async function openMap(page: Page) {
  await openEnterpriseMap(page);
  await expect(page.getByTestId('connection')).toHaveText(/^Live/);
}

async function expectDataLinks(page: Page, shown: boolean) {
  const pages = page.getByRole('navigation', { name: 'Map pages' });
  await expect(pages.getByRole('link', { name: 'Enter data' })).toHaveCount(shown ? 1 : 0);
  await expect(pages.getByRole('link', { name: 'Import data' })).toHaveCount(shown ? 1 : 0);
}

test('a viewer is offered no data entry, import or editing hints', async ({ page }) => {
  await signIn(page, VIEWER);
  // Home: no measures to report, so no "Enter data".
  await expect(page.getByRole('tree', { name: 'Org units' })).toBeVisible();
  await expect(page.getByRole('link', { name: /Enter data/ })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Your measures' })).toHaveCount(0);

  await openMap(page);
  await expect(page.getByText('View only')).toBeVisible();
  await expectDataLinks(page, false);
  await expect(page.getByRole('link', { name: 'Scorecard', exact: true })).toBeVisible();
  const settings = page.getByRole('complementary', { name: 'Map settings' });
  await expect(settings).toBeVisible();
  await expect(settings.getByText(HINT)).toHaveCount(0);
  await expect(page.getByLabel(/^Map canvas/)).toHaveAttribute('aria-label', /Tab cycles/);
  await expect(page.getByLabel(/^Map canvas/)).not.toHaveAttribute('aria-label', /Delete removes/);

  // A measure's editor offers no way to enter its data.
  await page.getByRole('button', { name: 'Grow contract renewals to 85 %' }).click();
  const objective = page.getByRole('complementary', { name: 'Objective details' });
  await expect(objective.getByRole('button', { name: /^Edit measure / })).toHaveCount(0);
  await objective.getByRole('button', { name: /^View measure / }).first().click();
  const measure = page.getByRole('complementary', { name: 'Measure details' });
  await expect(measure).toBeVisible();
  await expect(measure.getByRole('link', { name: /Enter data/ })).toHaveCount(0);

  // The scorecard: no data links, no measure editing.
  await page.getByRole('link', { name: 'Scorecard', exact: true }).last().click();
  await expect(page.getByRole('table', { name: 'Scorecard' })).toBeVisible();
  await expectDataLinks(page, false);
  await expect(page.getByRole('link', { name: /^Edit measure / })).toHaveCount(0);
  await expect(page.getByRole('link', { name: /^Add a measure to / })).toHaveCount(0);
});

test('a contributor may enter and import data but gets no editing hints', async ({ page }) => {
  await signIn(page, CONTRIBUTOR);
  await openMap(page);
  await expectDataLinks(page, true);
  await expect(page.getByRole('complementary', { name: 'Map settings' }).getByText(HINT)).toHaveCount(0);
  await page.getByRole('link', { name: 'Scorecard', exact: true }).last().click();
  await expect(page.getByRole('table', { name: 'Scorecard' })).toBeVisible();
  await expectDataLinks(page, true);
  await expect(page.getByRole('link', { name: /^Edit measure / })).toHaveCount(0);
});

test('a viewer who reports a measure may enter data', async ({ page }) => {
  await signIn(page, DATA_OWNER);
  await expect(page.getByRole('heading', { name: 'Your measures' })).toBeVisible();
  await openMap(page);
  await expect(page.getByText('View only')).toBeVisible();
  await expectDataLinks(page, true);
  await expect(page.getByRole('complementary', { name: 'Map settings' }).getByText(HINT)).toHaveCount(0);
});

test('an editor gets the editing hints', async ({ page }) => {
  await signIn(page, ADMIN);
  await openMap(page);
  await expectDataLinks(page, true);
  await expect(page.getByRole('complementary', { name: 'Map settings' }).getByText(HINT)).toBeVisible();
  await expect(page.getByLabel(/^Map canvas/)).toHaveAttribute('aria-label', /Delete removes/);
});
