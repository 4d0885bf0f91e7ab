// Canvas smoothness while dragging: the release server (CAIRN_BIN, LEPTOS_SITE_ROOT) on a fresh
// SQLite file with the demo company, Debian's Chromium driven by Playwright, and two maps — the
// demo's enterprise map (15 objectives, 19 links) and a new one with 200 objectives and 400
// links (built like the Playwright test builds it, bench/bigmap.cjs). On each map one objective
// is dragged by synthetic pointer events dispatched in the page:
//
// * handler time: one `pointermove` dispatched, until the canvas code and every reactive update
//   it caused (DOM included) have run — measured to the next task (a MessageChannel hop);
// * frame time: one `pointermove` per animation frame, time between frames (style, layout,
//   paint included), and the share of frames over 16.7 ms.
//
// `node bench/canvas.mjs [--moves 300]`. Loopback only; the server is stopped at the end.
import { chromium } from '@playwright/test';
import bigmap from './bigmap.cjs';
import { startSite } from './site.mjs';

const argv = process.argv.slice(2);
const moves = Number(argv[argv.indexOf('--moves') + 1] || 300) || 300;

/** Runs in the page: drags objective `id` with `n` synthetic moves; returns the timings. */
async function drag({ id, n }) {
  const svg = document.querySelector('svg.strategy-map');
  const node = svg.querySelector(`g.objective[data-id="${id}"]`);
  const r = node.getBoundingClientRect();
  const x0 = r.left + r.width / 2;
  const y0 = r.top + r.height / 2;
  const fire = (type, x, y) =>
    svg.dispatchEvent(
      new PointerEvent(type, { clientX: x, clientY: y, button: 0, buttons: 1, pointerId: 1, bubbles: true }),
    );
  const channel = new MessageChannel();
  const nextTask = () =>
    new Promise((resolve) => {
      channel.port1.onmessage = resolve;
      channel.port2.postMessage(0);
    });
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const at = (k) => [x0 + 40 * Math.sin(k / 15) + k * 0.2, y0 + 25 * Math.cos(k / 11) - 25];

  fire('pointerdown', x0, y0);
  await nextTask();
  // Handler time: one move at a time, to the next task.
  const handler = [];
  for (let k = 0; k < n; k++) {
    const [x, y] = at(k);
    const t = performance.now();
    fire('pointermove', x, y);
    await nextTask();
    handler.push(performance.now() - t);
  }
  // Frame time: one move per frame.
  const frames = [];
  let last = await frame();
  for (let k = 0; k < n; k++) {
    const [x, y] = at(n - k);
    fire('pointermove', x, y);
    const now = await frame();
    frames.push(now - last);
    last = now;
  }
  const [xe, ye] = at(0);
  fire('pointerup', xe, ye);
  await nextTask();
  return { handler, frames };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))];
};

async function measure(page, label, id, objectives, links) {
  // Warm-up drag (first-use costs), then the measured one.
  await page.evaluate(drag, { id, n: 30 });
  const { handler, frames } = await page.evaluate(drag, { id, n: moves });
  const slow = frames.filter((f) => f > 1000 / 60 + 1).length / frames.length;
  return {
    label,
    objectives,
    links,
    h50: pct(handler, 50),
    h99: pct(handler, 99),
    f50: pct(frames, 50),
    f99: pct(frames, 99),
    slow,
  };
}

const { base, stop } = await startSite('canvas-bench', 3190);
try {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 }, baseURL: base });
  await page.goto('/signin?next=/');
  await page.locator('body[data-ready]').waitFor({ state: 'attached' });
  await page.getByLabel('Email').fill('admin@northwind.example');
  await page.getByLabel('Password').fill('northwind-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname === '/');

  const rows = [];
  // The demo's enterprise map.
  await page.getByRole('link', { name: 'Northwind Strategy 2025–2027', exact: true }).click();
  await page.getByTestId('connection').filter({ hasText: /^Live/ }).waitFor();
  const small = page.locator('svg.strategy-map g.objective');
  const smallId = await small.first().getAttribute('data-id');
  rows.push(
    await measure(page, 'demo map', smallId, await small.count(), await page.locator('svg.strategy-map path.link').count()),
  );
  // The big map.
  const big = await bigmap.createBigMap(page, { name: 'Big map (canvas bench)', objectives: 200, links: 400 });
  await page.goto(`/maps/${big.mapId}`);
  await page.getByTestId('connection').filter({ hasText: /^Live/ }).waitFor();
  await page.locator('svg.strategy-map g.objective').nth(199).waitFor({ state: 'attached' });
  rows.push(await measure(page, 'big map', big.objectiveIds[57], 200, 400));
  await browser.close();

  console.log(`\n### Canvas: dragging one objective, ${moves} pointer moves (headless Chromium, software rendering)\n`);
  console.log('| Map | objectives / links | handler p50 / p99 ms | frame p50 / p99 ms | frames over 16.7 ms |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${r.objectives} / ${r.links} | ${r.h50.toFixed(2)} / ${r.h99.toFixed(2)} | ${r.f50.toFixed(1)} / ${r.f99.toFixed(1)} | ${(r.slow * 100).toFixed(1)} % |`,
    );
  }
} finally {
  stop();
}
