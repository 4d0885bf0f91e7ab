import { expect, Page, test } from './fixtures';
import { People, enterprise } from './helpers';

// Comments and mentions: on the map, an editor picks an objective, opens its comments, types
// "@Rob", picks Robin Vale from the autocomplete with the keyboard and sends. The viewer, with
// the same map open, sees the thread appear live; their header counts one unread line, and the
// inbox lists the mention, whose link opens the objective with its comments. The viewer replies;
// the editor resolves the thread, which folds away.

const people = new People();
test.afterEach(() => people.closeAll());

const EDITOR = 'editor@northwind.example';
const VIEWER = 'viewer@northwind.example';

test('a mention arrives live and in the inbox, is answered and resolved', async ({ browser }) => {
  const editor = await people.open(browser, EDITOR, '/');
  const ent = await enterprise(editor.request);
  const objective = ent.objectives[1];
  const path = `/maps/${ent.mapId}?objective=${objective.id}&comments=1`;
  await editor.goto(path);
  await expect(editor.locator('body[data-hydrated]')).toBeAttached();
  const panel = editor.getByRole('region', { name: `Comments on ${objective.title}` });
  await expect(panel).toBeVisible();

  // The viewer has the same objective's comments open.
  const viewer = await people.open(browser, VIEWER, path);
  const seen = viewer.getByRole('region', { name: `Comments on ${objective.title}` });
  await expect(seen).toBeVisible();
  const text = `Where does the October figure come from? ${Date.now()}`;

  // "@Rob" offers Robin Vale; Enter picks the highlighted person.
  const box = panel.getByRole('textbox', { name: 'New comment' });
  await box.click();
  await box.pressSequentially('@Rob');
  const options = panel.getByRole('listbox', { name: 'People who may see this item' });
  await expect(options.getByRole('option', { name: /Robin Vale/ })).toBeVisible();
  await expect(options.getByRole('option', { name: /Robin Vale/ })).toHaveAttribute('aria-selected', 'true');
  await box.press('Enter');
  await expect(box).toHaveValue('@Robin Vale ');
  await expect(options).toBeHidden();
  await box.pressSequentially(text);
  await panel.getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(box).toHaveValue('');
  const thread = panel.locator('.thread', { hasText: text });
  await expect(thread.locator('mark.mention')).toHaveText('@Robin Vale');

  // Live on the viewer's screen; their header counts it once read again.
  await expect(seen.locator('.thread', { hasText: text })).toBeVisible();
  await viewer.reload();
  await expect(viewer.locator('body[data-hydrated]')).toBeAttached();
  await expect(viewer.getByRole('link', { name: /^Inbox \d+ unread$/ })).toBeVisible();
  await viewer.getByRole('link', { name: /^Inbox/ }).click();
  await expect(viewer.getByRole('heading', { level: 1, name: 'Inbox' })).toBeVisible();
  const line = viewer.locator('.inbox-line', { hasText: text });
  await expect(line).toHaveClass(/unread/);
  await expect(line.getByRole('link')).toHaveText(`${await nameOf(editor)} mentioned you on ${objective.title}`);

  // The link opens the objective with its comments; the line is read.
  await line.getByRole('link').click();
  await expect(viewer).toHaveURL(new RegExp(`objective=${objective.id}`));
  const again = viewer.getByRole('region', { name: `Comments on ${objective.title}` });
  const mine = again.locator('.thread', { hasText: text });
  await mine.getByRole('button', { name: 'Reply' }).click();
  const reply = mine.getByRole('textbox', { name: 'Reply' });
  await reply.fill('From the finance close, corrected on the 4th.');
  await mine.getByRole('button', { name: 'Reply', exact: true }).last().click();
  await expect(mine.locator('.comment-body', { hasText: 'corrected on the 4th' })).toBeVisible();
  await expect(thread.locator('.comment-body', { hasText: 'corrected on the 4th' })).toBeVisible();

  // The editor resolves the thread: it folds under "resolved" on both screens.
  await thread.getByRole('button', { name: 'Resolve' }).click();
  await expect(panel.locator('.resolved-threads summary')).toContainText('resolved');
  await expect(again.locator('.resolved-threads summary')).toContainText('resolved');

  // The viewer's inbox has nothing unread about it any more.
  await viewer.goto('/inbox');
  await expect(viewer.locator('body[data-hydrated]')).toBeAttached();
  await expect(viewer.locator('.inbox-line', { hasText: text })).not.toHaveClass(/unread/);
});

/** The signed-in person's name, as the header shows it. */
async function nameOf(page: Page): Promise<string> {
  return (await page.locator('.topbar .who-name').innerText()).trim();
}
