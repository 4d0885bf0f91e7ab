import { Browser, BrowserContext, expect, Page, test } from './fixtures';
import { ADMIN, openEnterpriseMap, signIn } from './helpers';
import { createBigMap } from '../bench/bigmap.cjs';

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
  await b.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(objective(a, 'Open offices in the Nordics')).toHaveCount(0);
  await expect(a.locator(`path.link[data-from="${id}"]`)).toHaveCount(0);

  // Reload shows the same map as the other screen.
  const count = await b.locator('g.objective').count();
  await a.reload();
  await expect(a.getByTestId('connection')).toHaveText(/^Live/);
  await expect(a.locator('g.objective')).toHaveCount(count);
});

test('a delete says what goes with it, asks first, and undo brings it all back', async ({ browser }) => {
  const a = await onMap(browser, ADMIN);
  const b = await onMap(browser, 'editor@northwind.example');
  const title = 'Increase client satisfaction to 90 %';
  const question = a.getByRole('dialog', { name: `Delete “${title}”?` });

  // Delete key: the question names what goes; Escape keeps everything.
  await objective(a, title).click();
  await a.keyboard.press('Delete');
  await expect(question).toBeVisible();
  await expect(question).toContainText(/Also removes \d+ alignments? from Managed Services\./);
  await expect(question).toContainText(/Also removes \d+ links? on this map\./);
  await expect(question.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await a.keyboard.press('Escape');
  await expect(question).toHaveCount(0);
  await expect(objective(b, title)).toBeVisible();

  // The panel's button asks too; confirming deletes it for everyone.
  await objective(a, title).click();
  await a.getByRole('complementary', { name: 'Objective details' }).getByRole('button', { name: 'Delete objective' }).click();
  await question.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(question).toHaveCount(0);
  await expect(objective(b, title)).toHaveCount(0);

  // Undo brings it back with what it took: asking again names the same alignments.
  await a.getByRole('button', { name: 'Undo' }).click();
  await expect(objective(b, title)).toBeVisible();
  await objective(a, title).click();
  await a.keyboard.press('Delete');
  await expect(question).toContainText(/Also removes \d+ alignments? from Managed Services\./);
  await question.getByRole('button', { name: 'Cancel' }).click();
  await expect(objective(a, title)).toBeVisible();
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

test('holding Space, a drag pans the map, also when it starts on an objective', async ({ browser }) => {
  const a = await onMap(browser, ADMIN);
  const canvas = a.locator('svg.strategy-map');
  const node = objective(a, 'Grow revenue by 25 %');
  const cursor = () => node.evaluate((el) => getComputedStyle(el).cursor);
  const view = async () => (await canvas.getAttribute('viewBox'))!.split(' ').map(Number);
  const placed = await node.getAttribute('transform');
  const before = await view();
  expect(await cursor()).toBe('pointer');

  await a.keyboard.down('Space');
  await expect(canvas).toHaveClass(/space-pan/);
  expect(await cursor()).toBe('grab');
  const box = (await node.boundingBox())!;
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await a.mouse.move(x, y);
  await a.mouse.down();
  await a.mouse.move(x - 60, y - 20, { steps: 4 });
  await a.mouse.move(x - 120, y - 40, { steps: 4 });
  await expect(canvas).toHaveClass(/panning/);
  expect(await cursor()).toBe('grabbing');
  await a.mouse.up();
  await a.keyboard.up('Space');
  await expect(canvas).not.toHaveClass(/space-pan|panning/);
  expect(await cursor()).toBe('pointer');

  // The view moved with the pointer (dragging left and up shows what is right and below)…
  const after = await view();
  expect(after[0]).toBeGreaterThan(before[0] + 10);
  expect(after[1]).toBeGreaterThan(before[1] + 2);
  expect(after.slice(2)).toEqual(before.slice(2));
  // …the objective it started on neither moved nor got selected.
  expect(await node.getAttribute('transform')).toBe(placed);
  await expect(node).toHaveAttribute('aria-pressed', 'false');

  // Without Space the same gesture moves the objective, as before.
  const b2 = (await node.boundingBox())!;
  await a.mouse.move(b2.x + b2.width / 2, b2.y + b2.height / 2);
  await a.mouse.down();
  await a.mouse.move(b2.x + b2.width / 2 - 30, b2.y + b2.height / 2, { steps: 4 });
  await a.mouse.up();
  await expect.poll(() => node.getAttribute('transform')).not.toBe(placed);
  expect((await view())[0]).toBe(after[0]);
  await a.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(() => node.getAttribute('transform')).toBe(placed);
});

test('on a 200-objective, 400-link map a drag redraws only the dragged objective and its own arrows', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 } });
  contexts.push(context);
  const page = await context.newPage();
  await signIn(page, ADMIN);
  const big = await createBigMap(page, { name: 'Big map (canvas test)', objectives: 200, links: 400 });
  await page.goto(`/maps/${big.mapId}`);
  await expect(page.getByTestId('connection')).toHaveText(/^Live/);
  const svg = page.locator('svg.strategy-map');
  await expect(svg.locator('g.objective')).toHaveCount(200);
  await expect(svg.locator('path.link')).toHaveCount(400);

  // An objective in the middle, and its own arrows.
  const id: string = big.objectiveIds[57];
  const storedX = async (oid: string): Promise<number> => {
    const r = await page.request.post('/api/get_map', { form: { map_id: big.mapId } });
    const doc = await r.json();
    return doc.objectives.find((o: { id: string }) => o.id === oid).x;
  };
  const startX = await storedX(id);
  const own = new Set<string>(
    (big.links as [string, string][]).filter(([f, t]) => f === id || t === id).map(([f, t]) => `${f}>${t}`),
  );
  expect(own.size).toBeGreaterThanOrEqual(3);
  const node = svg.locator(`g.objective[data-id="${id}"]`);
  const box = (await node.boundingBox())!;
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 6, y + 4);
  await expect(node).toHaveClass(/dragging/);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

  // Watch the whole SVG while the pointer moves on.
  await page.evaluate(() => {
    const w = window as any;
    w.__changes = [];
    w.__observer = new MutationObserver((records) => {
      for (const r of records) {
        const el = (r.target.nodeType === Node.ELEMENT_NODE ? r.target : r.target.parentElement) as Element;
        // An objective is drawn as its button and, on the same spot, its badge and handle.
        const objective = el.closest('g.objective, g.objective-extras');
        const group = el.closest('g.link-group');
        const link = group?.querySelector('path.link');
        const owner = objective
          ? `objective ${objective.getAttribute('data-id')}`
          : link
            ? `link ${link.getAttribute('data-from')}>${link.getAttribute('data-to')}`
            : `other ${el.tagName}.${el.getAttribute('class') ?? ''}`;
        w.__changes.push({ owner, what: r.type === 'attributes' ? r.attributeName : r.type });
      }
    });
    w.__observer.observe(document.querySelector('svg.strategy-map'), {
      subtree: true,
      attributes: true,
      childList: true,
      characterData: true,
    });
  });
  for (const [dx, dy] of [[20, 10], [45, 22], [70, 30]]) {
    await page.mouse.move(x + dx, y + dy);
  }
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const changes: { owner: string; what: string }[] = await page.evaluate(() => {
    const w = window as any;
    w.__observer.disconnect();
    return w.__changes;
  });

  const allowed = new Set([`objective ${id}`, ...[...own].map((l) => `link ${l}`)]);
  const strays = changes.filter((c) => !allowed.has(c.owner));
  expect(strays, 'nothing but the dragged objective and its arrows changed').toEqual([]);
  // The dragged objective moved (its transform), and every one of its arrows followed (their
  // paths' d), changing nothing but those attributes.
  expect(changes.filter((c) => c.owner === `objective ${id}`).map((c) => c.what)).toContain('transform');
  const followed = new Set(changes.filter((c) => c.owner.startsWith('link ')).map((c) => c.owner));
  expect(followed.size).toBe(own.size);
  expect(new Set(changes.map((c) => c.what))).toEqual(new Set(['transform', 'd']));

  // Dropping commits the move.
  await page.mouse.up();
  await expect(node).not.toHaveClass(/dragging/);
  await expect.poll(() => storedX(id)).toBeGreaterThan(startX + 50);
});
