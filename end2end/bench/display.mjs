// Display latency: new actual → display DOM updated, measured in Chromium.
//
// Starts the release server (CAIRN_BIN) on its own port with a fresh SQLite database (the demo
// company), signs in as the demo admin, makes a dashboard with a KPI tile, a chart, the status map
// and the scorecard, and a display link for it, opens the link in headless Chromium, then posts
// 200 actuals one at a time through the data path (the record_actual server function). For each
// one the page's clock is read just before the post, and a MutationObserver in the page stamps
// the moment the tile shows the new value; the difference is the latency (same clock). Prints a
// Markdown table with p50, p90, p99 and max.
//
//   node bench/display.mjs [--updates 200] [--port 3190]
import { chromium, request } from '@playwright/test';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const UPDATES = opt('updates', 200);
const PORT = opt('port', 3190);
const BASE = `http://127.0.0.1:${PORT}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startServer(dir) {
  const bin = process.env.CAIRN_BIN ?? '../target/release/server';
  const proc = spawn(bin, [], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${dir}/bench.db`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${PORT}`,
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? '../target/site',
      CAIRN_DEMO: '1',
      RUST_LOG: 'warn',
    },
    stdio: 'inherit',
  });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return proc;
    } catch {}
    await sleep(100);
  }
  proc.kill('SIGKILL');
  throw new Error('the server did not start');
}

async function ok(res) {
  if (!res.ok()) throw new Error(`${res.url()}: ${res.status()} ${await res.text()}`);
  return res;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-display-'));
const server = await startServer(dir);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  const api = await request.newContext({ baseURL: BASE });
  const signedIn = await api.post('/api/sign_in', { form: { email: 'admin@northwind.example', password: 'northwind-demo' }, maxRedirects: 0 });
  if (signedIn.status() >= 400) throw new Error(`sign-in failed: ${signedIn.status()}`);
  const tree = await (await ok(await api.post('/api/org_tree'))).json();
  const unit = tree[0].unit.id;
  const map = tree[0].maps.find((m) => m.name.startsWith('Northwind'));
  const doc = await (await ok(await api.post('/api/get_map', { form: { map_id: map.id } }))).json();
  const measure = doc.measures.find((m) => m.name === 'Contract renewal rate');
  const id = await (await ok(await api.post('/api/create_dashboard', { form: { org_unit_id: unit, name: 'Bench' } }))).json();
  const w = (kind, x, y, width, height) => ({ id: crypto.randomUUID(), kind, x, y, w: width, h: height });
  const widgets = [
    w({ type: 'kpi', map_id: map.id, measure_id: measure.id }, 0, 0, 3, 3),
    w({ type: 'chart', map_id: map.id, measure_id: measure.id }, 3, 0, 5, 3),
    w({ type: 'initiatives' }, 8, 0, 4, 3),
    w({ type: 'status_map', map_id: map.id }, 0, 3, 7, 6),
    w({ type: 'scorecard', map_id: map.id }, 7, 3, 5, 6),
  ];
  await ok(await api.post('/api/save_dashboard', { data: { draft: { id, name: 'Bench', span_kind: 'month', widgets } } }));
  const link = await (await ok(await api.post('/api/create_display_link', { data: { org_unit_id: unit, name: 'Bench screen', dashboard_ids: [id], rotate_seconds: 60 } }))).json();

  const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  await page.goto(BASE + link.path);
  await page.waitForSelector('.display-root[data-conn="live"]');
  const label = await page.textContent('[data-testid="display-period"]');
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const [mon, year] = label.trim().split(' ');
  const period = `${year}-${String(months.indexOf(mon) + 1).padStart(2, '0')}`;
  // Stamp every change of the tile's value with the page clock.
  await page.evaluate(() => {
    const tile = document.querySelector('section.kpi');
    window.seen = [];
    new MutationObserver(() => {
      const v = tile.querySelector('[data-testid="kpi-value"]');
      if (v) window.seen.push([v.textContent, performance.timeOrigin + performance.now()]);
    }).observe(tile, { subtree: true, childList: true, characterData: true });
  });
  const latencies = [];
  for (let i = 0; i < UPDATES + 10; i++) {
    const value = 20.3 + (i % 60); // distinct from the previous value every time
    const text = `${value.toFixed(measure.decimals)}${measure.unit === '%' ? ' %' : measure.unit ? ` ${measure.unit}` : ''}`;
    const sent = await page.evaluate(() => performance.timeOrigin + performance.now());
    await ok(await api.post('/api/record_actual', { form: { measure_id: measure.id, period, value: String(value), note: 'bench' } }));
    const shown = await page.waitForFunction(
      ([t, after]) => window.seen.find(([s, at]) => s === t && at >= after)?.[1],
      [text, sent],
      { timeout: 10_000, polling: 'raf' },
    );
    if (i >= 10) latencies.push((await shown.jsonValue()) - sent); // the first 10 warm up
    await page.evaluate(() => (window.seen.length = 0));
  }
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))];
  console.log(`\n### Display: new actual → display DOM updated (${latencies.length} updates, Chromium ${browser.version()})\n`);
  console.log('| updates | p50 ms | p90 ms | p99 ms | max ms |');
  console.log('|---:|---:|---:|---:|---:|');
  console.log(`| ${latencies.length} | ${pct(50).toFixed(1)} | ${pct(90).toFixed(1)} | ${pct(99).toFixed(1)} | ${latencies[latencies.length - 1].toFixed(1)} |`);
  await api.dispose();
} finally {
  await browser.close();
  server.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
}
