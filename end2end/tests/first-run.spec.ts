import { ChildProcess } from 'child_process';
import { Browser, expect, Page, test } from './fixtures';
import { startCairn } from './helpers';

// Issue 12's "done means": a new organisation is set up from a fresh CAIRN_DEMO=0 start to three
// units, five people with roles and a first map, entirely in the browser. The spec runs its own
// server (empty database, demo off) so the shared demo server stays as it is.
const port = Number(process.env.E2E_SETUP_PORT ?? '3102');
const site = `http://127.0.0.1:${port}`;
const PASSWORD = 'harbour-first-run';

let server: ChildProcess | undefined;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await startCairn(port, { CAIRN_DEMO: '0' });
});

test.afterAll(async () => {
  server?.kill('SIGTERM');
});

async function hydrated(page: Page) {
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
}

/** Creates a unit under `parent` on the org-units page. */
async function createUnit(page: Page, parent: string, name: string, kind: string) {
  const form = page.getByRole('form', { name: 'New unit' });
  await form.getByLabel('Parent unit').selectOption({ label: parent });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Kind').selectOption(kind);
  await form.getByRole('button', { name: 'Create unit' }).click();
  await expect(page.locator('li.unit-row', { hasText: name })).toBeVisible();
}

/** Invites `email` as `role` on `unit`, and lets them join in a browser of their own. */
async function inviteAndJoin(page: Page, browser: Browser, email: string, name: string, unit: string, role: string) {
  const form = page.getByRole('form', { name: 'Invite someone' });
  // The page may still show the previous invitation's link: wait for a new one.
  const linkBox = page.getByLabel('Invitation link');
  const previous = (await linkBox.count()) > 0 ? await linkBox.inputValue() : '';
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Org unit').selectOption({ label: unit });
  await form.getByLabel('Role there').selectOption(role);
  await form.getByRole('button', { name: 'Invite' }).click();
  // No SMTP server is configured: the page shows the link to pass on.
  await expect(linkBox).toHaveValue(/\/invite\/[0-9a-f]{64}$/);
  await expect.poll(() => linkBox.inputValue()).not.toBe(previous);
  const link = await linkBox.inputValue();
  const theirs = await browser.newContext();
  const joiner = await theirs.newPage();
  await joiner.goto(link);
  await hydrated(joiner);
  await joiner.getByLabel('Your name').fill(name);
  await joiner.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await joiner.getByLabel('Password again').fill(PASSWORD);
  await joiner.getByRole('button', { name: 'Join' }).click();
  await joiner.waitForURL((url) => url.pathname === '/');
  // Signed in as themself, on a home page showing the units they have a role on.
  await expect(joiner.getByRole('link', { name })).toBeVisible();
  await expect(joiner.getByRole('tree', { name: 'Org units' })).toContainText(unit.trim());
  await theirs.close();
}

test('a new organisation is set up in the browser: three units, five people with roles, a first map', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  // Every page leads to the set-up while nobody administers the installation.
  await page.goto(`${site}/`);
  await page.waitForURL(`${site}/setup`);
  await hydrated(page);
  const setup = page.getByRole('form', { name: 'First set-up' });
  await setup.getByLabel('Organisation name').fill('Harbour Logistics');
  await setup.getByLabel(/Currency/).fill('EUR');
  await setup.getByLabel('Your name').fill('Hana Admin');
  await setup.getByLabel('Email').fill('hana@harbour.example');
  await setup.getByLabel(/^Password \(at least/).fill(PASSWORD);
  await setup.getByLabel('Password again').fill(PASSWORD);
  await setup.getByRole('button', { name: 'Set up Cairn' }).click();
  await page.waitForURL(`${site}/`);
  // A real installation: no demo banner, and the set-up is closed now.
  await expect(page.getByText('This is the demo company')).toHaveCount(0);

  // Two units below the organisation: three in all.
  await page.goto(`${site}/admin/units`);
  await hydrated(page);
  await createUnit(page, 'Harbour Logistics', 'Port Operations', 'business_unit');
  await createUnit(page, 'Harbour Logistics', 'Finance', 'function');
  await expect(page.locator('li.unit-row')).toHaveCount(3);

  // Four colleagues with roles on them: five people in all.
  await page.goto(`${site}/admin/people`);
  await hydrated(page);
  await inviteAndJoin(page, browser, 'olga@harbour.example', 'Olga Ops', '\u2003Port Operations', 'editor');
  await inviteAndJoin(page, browser, 'fin@harbour.example', 'Finn Ance', '\u2003Finance', 'contributor');
  await inviteAndJoin(page, browser, 'cio@harbour.example', 'Cleo Io', 'Harbour Logistics', 'admin');
  await inviteAndJoin(page, browser, 'vic@harbour.example', 'Vic Viewer', 'Harbour Logistics', 'viewer');
  await page.reload();
  await hydrated(page);
  const people = page.getByRole('table', { name: 'People' });
  await expect(people.getByRole('row').filter({ hasText: '@harbour.example' })).toHaveCount(5);
  await expect(people.getByRole('row').filter({ hasText: 'olga@harbour.example' })).toContainText(
    'Editor on Port Operations',
  );
  await expect(people.getByRole('row').filter({ hasText: 'fin@harbour.example' })).toContainText(
    'Contributor on Finance',
  );

  // The first map, from the organisation's unit; it opens.
  await page.goto(`${site}/admin/units`);
  await hydrated(page);
  await page.getByRole('link', { name: 'New map for Harbour Logistics' }).click();
  await page.waitForURL('**/new-map');
  await hydrated(page);
  await page.getByLabel('Map name').fill('Harbour Strategy 2027–2029');
  await page.getByLabel('First month').fill('2027-01');
  await page.getByLabel('Last month').fill('2029-12');
  await page.getByRole('button', { name: 'Create map' }).click();
  await page.waitForURL(/\/maps\/[0-9a-f-]+$/);
  await expect(page.getByRole('group', { name: /Strategy map Harbour Strategy 2027–2029/ })).toBeVisible();

  // The home page lists it, and the set-up can no longer be run.
  await page.goto(`${site}/`);
  await expect(page.getByRole('link', { name: 'Harbour Strategy 2027–2029', exact: true })).toBeVisible();
  await page.goto(`${site}/setup`);
  await page.waitForURL(`${site}/`);
});
