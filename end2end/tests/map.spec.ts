import { expect, test } from './fixtures';
import { ADMIN, openEnterpriseMap, signIn } from './helpers';

// The strategy map canvas: an arrow is selected by a click anywhere on its line, not only on a
// few pixels beside it.

test('a click on the line of an arrow, or just beside it, selects that link', async ({ page }) => {
  await signIn(page, ADMIN);
  await openEnterpriseMap(page);
  await expect(page.getByTestId('connection')).toHaveText(/^Live/);

  // Screen points on the middle of each arrow, and a few pixels across it; keep an arrow whose
  // middle nothing else covers (no objective box, no other arrow).
  const target = await page.evaluate(() => {
    for (const group of Array.from(document.querySelectorAll('svg.strategy-map g.link-group'))) {
      const line = group.querySelector('path.link') as SVGPathElement;
      const ctm = line.getScreenCTM();
      if (!ctm) continue;
      const length = line.getTotalLength();
      const at = (d: number) => {
        const p = line.getPointAtLength(d);
        return { x: p.x * ctm.a + p.y * ctm.c + ctm.e, y: p.x * ctm.b + p.y * ctm.d + ctm.f };
      };
      const mid = at(length / 2);
      const next = at(length / 2 + 1);
      // A unit step across the line, on screen.
      const [dx, dy] = [next.x - mid.x, next.y - mid.y];
      const norm = Math.hypot(dx, dy) || 1;
      const across = { x: -dy / norm, y: dx / norm };
      const points = [0, 3, -3].map((k) => ({ x: mid.x + across.x * k, y: mid.y + across.y * k }));
      const own = points.every((p) => document.elementFromPoint(p.x, p.y)?.closest('g.link-group') === group);
      if (own) {
        return { from: line.getAttribute('data-from')!, to: line.getAttribute('data-to')!, points };
      }
    }
    return null;
  });
  expect(target, 'an arrow with a clear middle').not.toBeNull();

  const panel = page.getByRole('complementary', { name: 'Link details' });
  // The point is measured again right before each click: a late layout change (a scrollbar
  // appearing, a panel loading) must not move the arrow away from a point measured earlier.
  for (const offset of [0, 3, -3]) {
    const p = await page.evaluate(
      ({ from, to, offset }) => {
        const line = document.querySelector(`path.link[data-from="${from}"][data-to="${to}"]`) as SVGPathElement;
        const ctm = line.getScreenCTM()!;
        const at = (d: number) => {
          const q = line.getPointAtLength(d);
          return { x: q.x * ctm.a + q.y * ctm.c + ctm.e, y: q.x * ctm.b + q.y * ctm.d + ctm.f };
        };
        const length = line.getTotalLength();
        const mid = at(length / 2);
        const next = at(length / 2 + 1);
        const norm = Math.hypot(next.x - mid.x, next.y - mid.y) || 1;
        return { x: mid.x - ((next.y - mid.y) / norm) * offset, y: mid.y + ((next.x - mid.x) / norm) * offset };
      },
      { from: target!.from, to: target!.to, offset },
    );
    await page.mouse.click(p.x, p.y);
    await expect(panel).toBeVisible();
    await expect(panel.getByRole('heading', { name: 'Cause and effect' })).toBeVisible();
    await expect(page.locator(`path.link.selected[data-from="${target!.from}"][data-to="${target!.to}"]`)).toHaveCount(1);
    await panel.getByRole('button', { name: 'Close' }).click();
    await expect(panel).toHaveCount(0);
  }
});

test('the map can be worked from the keyboard alone, and Tab leaves it past the last objective', async ({ page }) => {
  await signIn(page, ADMIN);
  await openEnterpriseMap(page);
  await expect(page.getByTestId('connection')).toHaveText(/^Live/);
  const canvas = page.getByRole('application', { name: /Map canvas/ });

  // Reach the canvas with Tab from the top of the page.
  for (let i = 0; i < 60 && !(await canvas.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(canvas).toBeFocused();

  // Tab selects the first objective; arrows move it; Ctrl+Z undoes the move.
  await page.keyboard.press('Tab');
  const selected = page.locator('g.objective.selected');
  await expect(selected).toHaveCount(1);
  const id = await selected.getAttribute('data-id');
  const node = page.locator(`g.objective[data-id="${id}"]`);
  const placed = await node.getAttribute('transform');
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => node.getAttribute('transform')).not.toBe(placed);
  await page.keyboard.press('Control+z');
  await expect.poll(() => node.getAttribute('transform')).toBe(placed);

  // Enter opens the title editor; Escape closes it and gives the keyboard back to the canvas.
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Objective title')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(canvas).toBeFocused();
  await expect(page.getByLabel('Objective title')).toHaveCount(0);

  // Tab walks every objective once, then leaves the canvas.
  const count = await page.locator('g.objective').count();
  const seen = new Set([id]);
  for (let i = 1; i < count; i++) {
    await page.keyboard.press('Tab');
    seen.add(await selected.getAttribute('data-id'));
  }
  expect(seen.size).toBe(count);
  await page.keyboard.press('Tab');
  await expect(canvas).not.toBeFocused();
  await expect(selected).toHaveCount(0);
});
