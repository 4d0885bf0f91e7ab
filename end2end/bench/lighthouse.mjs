// Lighthouse (npm `lighthouse` 12, its default mobile configuration: simulated slow 4G and a
// 4× slower CPU) on the pages people open most: sign-in, home, map, scorecard, data grid,
// dashboard and display. The release server (CAIRN_BIN, LEPTOS_SITE_ROOT) runs on a fresh SQLite
// file with the demo company; Debian's Chromium (CHROME_PATH, default /usr/bin/chromium) is the
// browser; signed-in pages get the demo admin's session cookie.
//
// `node bench/lighthouse.mjs [--runs 3] [--only Map] [--readme ../README.md]`: the median score of
// each category over the runs; with --readme the table replaces the lines between
// `<!-- lighthouse:start -->` and `<!-- lighthouse:end -->`. A benchmark, not a test. Each run also
// prints the metrics behind the performance score (FCP, LCP, TBT, CLS, speed index) and the LCP
// element, so a missed score says where its points went; --only measures the pages named
// (comma-separated) and never writes the README.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { arg, median, startSite, writeReadmeBlock } from './site.mjs';

const runs = Number(arg('--runs', 3)) || 3;
const only = arg('--only', null)?.split(',');
const readme = only ? null : arg('--readme', null);
const { base, stop: stopSite } = await startSite('lighthouse', 3192);
let chrome;
const stop = async () => {
  stopSite();
  if (chrome) await chrome.kill();
};

/** The demo admin's session cookie, from the sign-in server function. */
async function sessionCookie() {
  const res = await fetch(`${base}/api/sign_in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({ email: 'admin@northwind.example', password: 'northwind-demo', next: '/' }),
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error(`sign-in failed: ${res.status}`);
  return cookie;
}

/** Posts to a server function as the signed-in admin; JSON bodies for structured arguments. */
async function call(cookie, endpoint, body, json = false) {
  const res = await fetch(`${base}/api/${endpoint}`, {
    method: 'POST',
    headers: {
      Cookie: cookie,
      Accept: 'application/json',
      'Content-Type': json ? 'application/json' : 'application/x-www-form-urlencoded',
    },
    body: json ? JSON.stringify(body) : new URLSearchParams(body),
  });
  if (!res.ok) throw new Error(`${endpoint}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The pages measured, with a dashboard and a display link made for the purpose. */
async function pages(cookie) {
  const root = (await call(cookie, 'org_tree', {}))[0];
  const map = root.maps.find((m) => m.name.startsWith('Northwind'));
  const dashboard = await call(cookie, 'create_dashboard', { org_unit_id: root.unit.id, name: 'Lighthouse' });
  const widget = (kind, x, y, w, h) => ({ id: crypto.randomUUID(), kind, x, y, w, h });
  await call(
    cookie,
    'save_dashboard',
    {
      draft: {
        id: dashboard,
        name: 'Lighthouse',
        span_kind: 'month',
        widgets: [widget({ type: 'scorecard', map_id: map.id }, 0, 0, 6, 6), widget({ type: 'initiatives' }, 6, 0, 6, 4)],
      },
    },
    true,
  );
  const link = await call(
    cookie,
    'create_display_link',
    { org_unit_id: root.unit.id, name: 'Lighthouse screen', dashboard_ids: [dashboard], rotate_seconds: 30 },
    true,
  );
  return [
    { name: 'Sign-in', path: '/signin', signedIn: false },
    { name: 'Home', path: '/', signedIn: true },
    { name: 'Map', path: `/maps/${map.id}`, signedIn: true },
    { name: 'Scorecard', path: `/maps/${map.id}/scorecard`, signedIn: true },
    { name: 'Data grid', path: `/maps/${map.id}/data`, signedIn: true },
    { name: 'Dashboard', path: `/dashboards/${dashboard}`, signedIn: true },
    { name: 'Display', path: link.path, signedIn: false },
  ];
}

/** The performance metrics of one run, each with its score, and the LCP element. */
function metrics(lhr) {
  const ids = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index'];
  const parts = ids.map((id) => `${id.split('-').map((w) => w[0]).join('').toUpperCase()} ${lhr.audits[id].displayValue} (${Math.round((lhr.audits[id].score ?? 0) * 100)})`);
  const lcp = lhr.audits['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node;
  const long = (lhr.audits['long-tasks']?.details?.items ?? [])
    .slice(0, 6)
    .map((t) => `${Math.round(t.startTime)}+${Math.round(t.duration)} ms ${String(t.url).split('/').pop()}`);
  return `${parts.join(' · ')} · LCP element ${lcp?.selector ?? '?'} · long tasks: ${long.join(', ')}`;
}

try {
  const cookie = await sessionCookie();
  const list = (await pages(cookie)).filter((p) => !only || only.includes(p.name));
  chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
  });
  const rows = [];
  for (const p of list) {
    const scores = { performance: [], accessibility: [], 'best-practices': [], lcp: [] };
    const failing = new Set();
    for (let i = 0; i < runs; i++) {
      const result = await lighthouse(`${base}${p.path}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices'],
        extraHeaders: p.signedIn ? { Cookie: cookie } : undefined,
      });
      const c = result.lhr.categories;
      for (const k of ['performance', 'accessibility', 'best-practices']) scores[k].push(Math.round(c[k].score * 100));
      scores.lcp.push(result.lhr.audits['largest-contentful-paint'].numericValue);
      if (process.env.LH_DUMP) writeFileSync(`${process.env.LH_DUMP}/${p.name}-${i + 1}.json`, JSON.stringify(result.lhr));
      console.log(`  ${p.name} run ${i + 1}: ${metrics(result.lhr)}`);
      // The audits that cost accessibility or best-practice points, so the table says why.
      for (const k of ['accessibility', 'best-practices']) {
        for (const ref of c[k].auditRefs) {
          const audit = result.lhr.audits[ref.id];
          if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
            if (!failing.has(ref.id)) {
              // Which elements, so the finding can be fixed without re-running Lighthouse by hand.
              for (const item of audit.details?.items ?? []) {
                const node = item.node ?? item;
                console.log(`  ${p.name} · ${ref.id}: ${node.selector ?? ''} ${node.snippet ?? ''} ${node.explanation ?? ''}`.slice(0, 400));
              }
            }
            failing.add(ref.id);
          }
        }
      }
    }
    rows.push({ name: p.name, perf: median(scores.performance), a11y: median(scores.accessibility), bp: median(scores['best-practices']), lcp: median(scores.lcp), failing: [...failing].sort() });
    console.log(rows.at(-1));
  }
  const verdict = (r) => (r.perf >= 95 && r.a11y === 100 && r.bp === 100 ? 'met' : 'missed');
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} by \`make lighthouse\` (Lighthouse 12.2.3, default mobile settings, Debian Chromium; median of ${runs} runs; load average ${loadavg()[0].toFixed(2)}).`,
    '',
    '| Page | Performance (≥ 95) | Accessibility (100) | Best practices (100) | LCP | Verdict | Audits that cost points |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.perf} | ${r.a11y} | ${r.bp} | ${(r.lcp / 1000).toFixed(1)} s | ${verdict(r)} | ${r.failing.join(', ') || '—'} |`),
  ].join('\n');
  console.log(table);
  if (readme) writeReadmeBlock(readme, 'lighthouse', table);
} finally {
  await stop();
}
