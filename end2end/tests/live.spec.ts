import { Browser, BrowserContext, expect, Page, test } from '@playwright/test';
import { ADMIN, openEnterpriseMap, signIn } from './helpers';

// Every test's people leave when it ends, so rosters start empty.
const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

/** A signed-in user in their own browser context, on the live enterprise map. */
async function onMap(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 } });
  contexts.push(context);
  const page = await context.newPage();
  await signIn(page, email);
  await openEnterpriseMap(page);
  await expect(page.getByTestId('connection')).toHaveText(/^Live/);
  return page;
}

const objective = (page: Page, title: string) => page.getByRole('button', { name: title, exact: true });

async function createObjective(page: Page, title: string) {
  await page.getByRole('button', { name: '+ Objective' }).click();
  const input = page.getByLabel('Objective title');
  await input.fill(title);
  await input.press('Enter');
  await expect(objective(page, title)).toBeVisible();
}

test('two leaders create, rename, move, link and delete — each sees the other', async ({ browser }) => {
  const a = await onMap(browser, ADMIN);
  const b = await onMap(browser, 'editor@northwind.example');

  // Presence: each sees the other in the roster, and A's cursor on B's screen.
  await expect(a.getByRole('button', { name: 'Follow Jordan Ellis' })).toBeVisible();
  await expect(b.getByRole('button', { name: 'Follow Alex Morgan' })).toBeVisible();
  const canvas = a.locator('svg.strategy-map');
  const cbox = (await canvas.boundingBox())!;
  await a.mouse.move(cbox.x + 500, cbox.y + 300);
  await a.mouse.move(cbox.x + 520, cbox.y + 320);
  await expect(b.getByLabel("Alex Morgan's cursor")).toBeAttached();

  // Create (A) → B sees it.
  await createObjective(a, 'Open a Nordic office');
  await expect(objective(b, 'Open a Nordic office')).toBeVisible();

  // Rename (B, in the side panel) → A sees it.
  await objective(b, 'Open a Nordic office').click();
  const title = b.getByLabel('Title', { exact: true });
  await title.fill('Open offices in the Nordics');
  await title.press('Tab');
  await expect(objective(a, 'Open offices in the Nordics')).toBeVisible();

  // Move (A drags it 160px right) → B sees the box move.
  const before = (await objective(b, 'Open offices in the Nordics').boundingBox())!;
  const box = (await objective(a, 'Open offices in the Nordics').boundingBox())!;
  await a.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await a.mouse.down();
  await a.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2, { steps: 5 });
  await a.mouse.move(box.x + box.width / 2 + 160, box.y + box.height / 2, { steps: 5 });
  await a.mouse.up();
  await expect
    .poll(async () => (await objective(b, 'Open offices in the Nordics').boundingBox())!.x)
    .toBeGreaterThan(before.x + 40);

  // Link (A drags from the handle onto "Grow revenue by 25 %") → B sees the arrow.
  await objective(a, 'Open offices in the Nordics').click();
  const id = await objective(a, 'Open offices in the Nordics').getAttribute('data-id');
  const handle = a.getByLabel('Drag to link');
  const hb = (await handle.boundingBox())!;
  const target = (await objective(a, 'Grow revenue by 25 %').boundingBox())!;
  await a.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2);
  await a.mouse.down();
  await a.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 8 });
  await a.mouse.up();
  await expect(b.locator(`path.link[data-from="${id}"]`)).toHaveCount(1);

  // Delete (B, Delete key) → gone for A, with its link.
  await objective(b, 'Open offices in the Nordics').click();
  await b.keyboard.press('Delete');
  await expect(objective(a, 'Open offices in the Nordics')).toHaveCount(0);
  await expect(a.locator(`path.link[data-from="${id}"]`)).toHaveCount(0);

  // Reload shows the same map as the other screen.
  const count = await b.locator('g.objective').count();
  await a.reload();
  await expect(a.getByTestId('connection')).toHaveText(/^Live/);
  await expect(a.locator('g.objective')).toHaveCount(count);
});

test('undo reverts only my own edit, for everyone', async ({ browser }) => {
  const a = await onMap(browser, ADMIN);
  const b = await onMap(browser, 'editor@northwind.example');
  await createObjective(a, 'Pilot a partner programme');
  await expect(objective(b, 'Pilot a partner programme')).toBeVisible();
  await a.getByRole('button', { name: 'Undo' }).click();
  await expect(objective(a, 'Pilot a partner programme')).toHaveCount(0);
  await expect(objective(b, 'Pilot a partner programme')).toHaveCount(0);
  await a.getByRole('button', { name: 'Redo' }).click();
  await expect(objective(b, 'Pilot a partner programme')).toBeVisible();
});

test('edits made offline are queued and converge on reconnect', async ({ browser }) => {
  const a = await onMap(browser, ADMIN);
  const b = await onMap(browser, 'editor@northwind.example');
  await b.context().setOffline(true);
  await expect(b.getByTestId('connection')).toHaveText(/Offline|Reconnecting/);
  await createObjective(b, 'Drafted on a train');
  await expect(b.getByTestId('connection')).toHaveText(/\d+ pending edits?/);
  // Meanwhile A keeps editing.
  await createObjective(a, 'Drafted in the office');
  await b.context().setOffline(false);
  await expect(b.getByTestId('connection')).toHaveText(/^Live$/, { timeout: 20_000 });
  await expect(objective(a, 'Drafted on a train')).toBeVisible();
  await expect(objective(b, 'Drafted in the office')).toBeVisible();
  await expect(a.locator('g.objective')).toHaveCount(await b.locator('g.objective').count());
});

test('a viewer watches live but cannot edit', async ({ browser }) => {
  const editor = await onMap(browser, 'editor@northwind.example');
  const viewer = await onMap(browser, 'viewer@northwind.example');
  await expect(viewer.getByText('View only')).toBeVisible();
  await expect(viewer.getByRole('button', { name: '+ Objective' })).toHaveCount(0);
  const before = await viewer.locator('g.objective').count();
  const band = (await viewer.getByRole('group', { name: 'Perspective Customer' }).boundingBox())!;
  await viewer.mouse.dblclick(band.x + band.width - 60, band.y + 20);
  await expect(viewer.locator('g.objective')).toHaveCount(before);
  await createObjective(editor, 'Shown to the viewer');
  await expect(objective(viewer, 'Shown to the viewer')).toBeVisible();
});

test('auto-layout rearranges the map for everyone and is undoable', async ({ browser }) => {
  const a = await onMap(browser, ADMIN);
  const b = await onMap(browser, 'editor@northwind.example');
  const positions = async (page: Page) =>
    page.locator('g.objective').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-id')}:${e.getAttribute('transform')}`).sort().join('|'));
  const before = await positions(b);
  await a.getByRole('button', { name: 'Auto-layout' }).click();
  await expect.poll(() => positions(b)).not.toBe(before);
  await expect.poll(() => positions(a)).toBe(await positions(b));
  await a.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(() => positions(b)).toBe(before);
});

test('follow a colleague\'s view, and bring everyone to yours', async ({ browser }) => {
  const a = await onMap(browser, ADMIN);
  const b = await onMap(browser, 'editor@northwind.example');
  const viewBox = (page: Page) => page.locator('svg.strategy-map').getAttribute('viewBox');
  await b.getByRole('button', { name: 'Follow Alex Morgan' }).click();
  await a.getByRole('button', { name: 'Zoom in' }).click();
  await a.getByRole('button', { name: 'Zoom in' }).click();
  await expect.poll(() => viewBox(b)).toBe(await viewBox(a));
  // B stops following (clicks the canvas background) and A summons everyone.
  await b.getByRole('button', { name: 'Follow Alex Morgan' }).click();
  await b.getByRole('button', { name: 'Fit', exact: true }).click();
  expect(await viewBox(b)).not.toBe(await viewBox(a));
  await a.getByRole('button', { name: 'Bring everyone here' }).click();
  await expect.poll(() => viewBox(b)).toBe(await viewBox(a));
  await expect(b.getByRole('alert')).toContainText('Alex Morgan brought everyone to their view');
});
