// Byte budgets over the wire (issue 11): the release server (CAIRN_BIN, LEPTOS_SITE_ROOT) on a
// fresh SQLite file with the demo company, Debian's Chromium driven by Playwright. Each page is
// loaded cold (a new browser context: empty cache) and the bytes that crossed the wire are summed
// from the DevTools protocol (`Network.loadingFinished.encodedDataLength`: headers and compressed
// bodies, i.e. what Chrome reports as transferSize). Then the same page is visited a second time
// in the same context, to show what caching saves. The main wasm's gzip and brotli sizes are
// read from the precompressed copies the build made.
//
// `node bench/budgets.mjs [--runs 3] [--readme ../README.md]`: with --readme, the table replaces
// the lines between `<!-- budgets:start -->` and `<!-- budgets:end -->`.
import { readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { arg, median, startSite, writeReadmeBlock } from './site.mjs';

const runs = Number(arg('--runs', 3)) || 3;
const readme = arg('--readme', null);
const EMAIL = 'admin@northwind.example';
const PASSWORD = 'northwind-demo';
const { base, siteRoot, stop } = await startSite('budget-bench', 3191);

/** Loads `url` in `page` until the network is idle; resolves to the bytes transferred. */
async function transferred(page, url) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.locator('body[data-ready]').waitFor({ state: 'attached', timeout: 30000 }).catch(() => {});
  await page.waitForLoadState('networkidle');
  await cdp.detach();
  return bytes;
}

/** A session cookie for the demo admin, through the sign-in page's form. */
async function sessionCookies(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/signin?next=/`);
  await page.locator('body[data-ready]').waitFor({ state: 'attached' });
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
  const cookies = await context.cookies();
  await context.close();
  return cookies;
}

const kb = (n) => `${(n / 1024).toFixed(0)} KB`;

/** The main wasm's size on disk, raw and in its precompressed copies. */
function wasmSizes() {
  const pkg = path.join(siteRoot, 'pkg');
  const names = readdirSync(pkg).filter((f) => /^cairn(\.[^.]+)?\.wasm$/.test(f));
  if (names.length !== 1) throw new Error(`expected one main wasm in ${pkg}, found ${names}`);
  const size = (f) => {
    try {
      return statSync(path.join(pkg, f)).size;
    } catch {
      return NaN;
    }
  };
  return { raw: size(names[0]), gzip: size(`${names[0]}.gz`), brotli: size(`${names[0]}.br`) };
}

try {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  const cookies = await sessionCookies(browser);
  const home = await browser.newContext();
  await home.addCookies(cookies);
  const mapHref = await (async () => {
    const page = await home.newPage();
    await page.goto(`${base}/`);
    const href = await page.getByRole('link', { name: 'Northwind Strategy 2025–2027', exact: true }).getAttribute('href');
    await page.close();
    return href;
  })();
  await home.close();

  const pages = [
    { name: 'Sign-in', url: '/signin', signedIn: false, budget: 200 * 1024 },
    { name: 'Home', url: '/', signedIn: true, budget: 200 * 1024 },
    { name: 'Map', url: mapHref, signedIn: true, budget: 600 * 1024 },
    { name: 'Scorecard', url: `${mapHref}/scorecard`, signedIn: true, budget: null },
  ];
  const rows = [];
  for (const p of pages) {
    const cold = [];
    const warm = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      if (p.signedIn) await context.addCookies(cookies);
      const page = await context.newPage();
      cold.push(await transferred(page, `${base}${p.url}`));
      await page.goto('about:blank');
      warm.push(await transferred(page, `${base}${p.url}`));
      await context.close();
    }
    rows.push({ ...p, cold: median(cold), warm: median(warm) });
  }
  await browser.close();

  const wasm = wasmSizes();
  const load = loadavg()[0].toFixed(2);
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} by \`make budgets\` (median of ${runs} cold loads each; load average ${load} on ${process.env.BUDGET_MACHINE ?? 'this machine'}).`,
    '',
    '| What | Target | Measured (cold) | Second visit | Verdict |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} page, transferred | ${r.budget ? `≤ ${kb(r.budget)}` : '—'} | ${kb(r.cold)} | ${kb(r.warm)} | ${
          r.budget ? (r.cold <= r.budget ? 'met' : 'missed') : '—'
        } |`,
    ),
    `| Main wasm, gzip | ≤ 350 KB | ${kb(wasm.gzip)} (raw ${kb(wasm.raw)}) | — | ${wasm.gzip <= 350 * 1024 ? 'met' : 'missed'} |`,
    `| Main wasm, brotli | ≤ 300 KB | ${kb(wasm.brotli)} | — | ${wasm.brotli <= 300 * 1024 ? 'met' : 'missed'} |`,
  ];
  const table = lines.join('\n');
  console.log(table);
  if (readme) writeReadmeBlock(readme, 'budgets', table);
} finally {
  stop();
}
