import { expect, test } from './fixtures';
import { ADMIN, signIn } from './helpers';

test('an admin invites a colleague, who joins; the admin grants a role and deactivates them', async ({
  page,
  browser,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, ADMIN);
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'People' }).click();
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await expect(page.getByRole('heading', { name: 'People', level: 1 })).toBeVisible();

  // Invite someone as a viewer of the whole company (the first unit, chosen already).
  const email = `joiner-${Date.now()}@example.com`;
  const form = page.getByRole('form', { name: 'Invite someone' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Role there').selectOption('viewer');
  await form.getByRole('button', { name: 'Invite' }).click();

  // The link is shown once, with a copy button.
  const linkBox = page.getByLabel('Invitation link');
  await expect(linkBox).toHaveValue(/\/invite\/[0-9a-f]{64}$/);
  const link = await linkBox.inputValue();
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  const people = page.getByRole('table', { name: 'People' });
  await expect(people.getByRole('row').filter({ hasText: email })).toContainText('Invited');

  // The invitee joins in a browser of their own.
  const theirs = await browser.newContext();
  const joiner = await theirs.newPage();
  await joiner.goto(link);
  await joiner.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await expect(joiner.getByText(`You were invited as ${email}.`)).toBeVisible();
  await joiner.getByLabel('Your name').fill('Jo Iner');
  await joiner.getByLabel('Password', { exact: true }).fill('a long password');
  await joiner.getByLabel('Password again').fill('a long password');
  await joiner.getByRole('button', { name: 'Join' }).click();
  await joiner.waitForURL((url) => url.pathname === '/');
  await expect(joiner.getByText('Northwind Technology Services').first()).toBeVisible();

  // The link is used up.
  const again = await theirs.newPage();
  await again.goto(link);
  await expect(again.getByRole('alert')).toContainText('already used');

  // The admin searches for them and makes them an editor of Managed Services.
  await page.reload();
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await page.getByLabel('Search by name or email').fill('Jo Iner');
  const row = people.getByRole('row').filter({ hasText: email });
  await expect(row).toContainText('Active');
  await row.getByRole('button', { name: 'Roles of Jo Iner' }).click();
  await page.getByLabel('Role of Jo Iner on Managed Services').selectOption('editor');
  await expect(people.getByRole('row').filter({ hasText: email })).toContainText('Editor on Managed Services');
  // What is inherited from above is shown with where it comes from.
  await expect(page.getByText('Viewer, from Northwind Technology Services').first()).toBeVisible();

  // Deactivating signs them out everywhere.
  await people
    .getByRole('row')
    .filter({ hasText: email })
    .getByRole('button', { name: 'Deactivate Jo Iner' })
    .click();
  await page.getByRole('alertdialog', { name: 'Deactivate Jo Iner?' }).getByRole('button', { name: 'Deactivate' }).click();
  await expect(people.getByRole('row').filter({ hasText: email })).toContainText('Deactivated');
  await joiner.reload();
  await joiner.waitForURL((url) => url.pathname === '/signin');
  await theirs.close();
});
