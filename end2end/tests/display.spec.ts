import { APIRequestContext, Browser, BrowserContext, expect, Page, request as playwrightRequest, test } from './fixtures';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ADMIN, createDashboard, createLink, enterprise, Measure, PASSWORD, openEnterpriseMap, signIn } from './helpers';

// The meeting-room display (issue 5): dashboards composed in the editor, display links made by
// an admin, a display that updates itself within 2 s of new data and of map edits, recovers from
// a server restart, says "link revoked", keeps its memory flat over 10,000 updates; a viewer
// cannot edit a dashboard.

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

async function newPage(browser: Browser, width = 1920, height = 1080): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  contexts.push(context);
  return context.newPage();
}

function widget(kind: object, x: number, y: number, w: number, h: number) {
  return { id: crypto.randomUUID(), kind, x, y, w, h };
}

/** API tokens made for the tests, by the signed-in admin whose request context made them. */
const tokens = new Map<APIRequestContext, string>();

/**
 * Posts one actual as a program would: through the REST API v1 with a read+write API token (made
 * once per signed-in context through the server function the token page uses).
 */
async function postActual(request: APIRequestContext, measureId: string, period: string, value: number) {
  let secret = tokens.get(request);
  if (!secret) {
    const unitId = (await enterprise(request)).unitId;
    const created = await request.post('/api/create_api_token', {
      data: { name: `e2e display feed ${tokens.size + 1}`, unit_ids: [unitId], can_write: true },
    });
    expect(created.ok(), await created.text()).toBeTruthy();
    secret = (await created.json()).secret as string;
    tokens.set(request, secret);
  }
  const res = await request.post('/api/v1/actuals', {
    headers: { Authorization: `Bearer ${secret}` },
    data: { actuals: [{ measure_id: measureId, period, value, note: 'e2e display' }] },
  });
  expect(res.ok(), await res.text()).toBeTruthy();
}

/** The stored actual of a cell (to put it back after a test). */
async function storedActual(request: APIRequestContext, mapId: string, measureId: string, period: string): Promise<number | undefined> {
  const [data] = await (await request.post('/api/get_score_data', { form: { map_id: mapId } })).json();
  return data.readings.find((r: { measure_id: string; period: string }) => r.measure_id === measureId && r.period === period)?.value;
}

/** How the app writes a value of a measure ("12.5 %"). */
function formatted(m: Measure, v: number): string {
  const n = v.toFixed(m.decimals);
  if (m.unit === '') return n;
  if (m.unit === '%') return `${n} %`;
  if (m.unit.startsWith('€') || m.unit.startsWith('$')) return `${m.unit}${n}`;
  return `${n} ${m.unit}`;
}

/** "Oct 2026" → "2026-10". */
function periodOf(label: string): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const [mon, year] = label.trim().split(' ');
  return `${year}-${String(months.indexOf(mon) + 1).padStart(2, '0')}`;
}

const kpi = (page: Page, name: string) => page.getByRole('region', { name, exact: true });

test('an editor composes a dashboard and an admin makes a display link that updates itself, follows map edits and goes dark when revoked', async ({ browser }) => {
  const admin = await newPage(browser, 1500, 950);
  await signIn(admin, ADMIN);
  const ent = await enterprise(admin.request);
  const renewal = ent.measures.find((m) => m.name === 'Contract renewal rate')!;

  // Compose: from the home page's org tree to a new dashboard in the editor.
  await admin.getByRole('link', { name: 'Dashboards of Northwind Technology Services' }).click();
  // The home page is sent without the bundle: the link loads the next page, which hydrates.
  await admin.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await admin.getByLabel('Name', { exact: true }).fill('Wall e2e');
  await admin.getByRole('button', { name: 'Create dashboard' }).click();
  await expect(admin.getByRole('heading', { name: 'Edit dashboard' })).toBeVisible();
  const palette = admin.getByRole('complementary', { name: 'Add a widget' });
  await palette.getByLabel('Widget').selectOption('kpi');
  await palette.getByLabel('Measure').selectOption({ label: 'Contract renewal rate' });
  await palette.getByRole('button', { name: 'Add widget' }).click();
  await palette.getByLabel('Widget').selectOption('status_map');
  await palette.getByRole('button', { name: 'Add widget' }).click();
  const layout = admin.getByRole('list', { name: 'Layout' });
  const tile = layout.getByRole('button', { name: /^KPI tile · Contract renewal rate/ });
  await expect(tile).toHaveAccessibleName(/columns 1–3, rows 1–3/);
  // Keyboard: arrows move, Shift+arrows resize; the status map makes room.
  await tile.focus();
  await admin.keyboard.press('ArrowRight');
  await expect(tile).toHaveAccessibleName(/columns 2–4, rows 1–3/);
  await admin.keyboard.press('Shift+ArrowRight');
  await expect(tile).toHaveAccessibleName(/columns 2–5, rows 1–3/);
  await admin.keyboard.press('ArrowLeft');
  await expect(admin.getByRole('status').filter({ hasText: 'Unsaved changes' })).toBeVisible();
  await admin.getByRole('button', { name: 'Save' }).click();
  await expect(admin.getByText('All changes saved')).toBeVisible();

  // The admin creates a display link for it; the address is shown once.
  await admin.getByRole('link', { name: 'Dashboards', exact: true }).click();
  await admin.getByLabel('Screen name').fill('Board room e2e');
  await admin.getByRole('checkbox', { name: 'Wall e2e' }).check();
  await admin.getByRole('button', { name: 'Create display link' }).click();
  const address = admin.getByLabel('Display link address');
  await expect(address).toHaveValue(/\/display\/[0-9a-f]{64}$/);
  const url = await address.inputValue();

  // A screen with no session opens it.
  const screen = await newPage(browser);
  const opened = await screen.goto(url);
  expect(opened!.status()).toBe(200);
  const root = screen.locator('.display-root');
  await expect(root).toHaveAttribute('data-conn', 'live');
  await expect(screen.locator('.display-unit')).toHaveText('Northwind Technology Services');
  await expect(screen.getByTestId('last-updated')).toHaveText(/Updated \d\d:\d\d:\d\d/);
  await screen.evaluate(() => ((window as unknown as { stayed: number }).stayed = 42));
  const period = periodOf((await screen.getByTestId('display-period').textContent())!);
  const before = await storedActual(admin.request, ent.mapId, renewal.id, period);

  // New data: the tile's value and colour change within 2 s, with no navigation.
  await postActual(admin.request, renewal.id, period, 12.5);
  await expect(kpi(screen, 'Contract renewal rate').getByTestId('kpi-value')).toHaveText(formatted(renewal, 12.5), { timeout: 2000 });
  await expect(kpi(screen, 'Contract renewal rate')).toHaveAttribute('data-status', 'red', { timeout: 2000 });
  await postActual(admin.request, renewal.id, period, 99);
  await expect(kpi(screen, 'Contract renewal rate').getByTestId('kpi-value')).toHaveText(formatted(renewal, 99), { timeout: 2000 });
  await expect(kpi(screen, 'Contract renewal rate')).toHaveAttribute('data-status', 'green', { timeout: 2000 });
  expect(await screen.evaluate(() => (window as unknown as { stayed: number }).stayed)).toBe(42);

  // A map edit from the signed-in context: the display's status map follows.
  await admin.goto('/');
  await openEnterpriseMap(admin);
  await expect(admin.getByTestId('connection')).toHaveText(/^Live/);
  const original = 'Manage key accounts proactively';
  await admin.getByRole('button', { name: original, exact: true }).click();
  const title = admin.getByLabel('Title', { exact: true });
  await title.fill('Manage key accounts (e2e)');
  await title.press('Tab');
  await expect(screen.getByRole('img', { name: /^Manage key accounts \(e2e\):/ })).toBeVisible();
  await title.fill(original);
  await title.press('Tab');
  await expect(screen.getByRole('img', { name: new RegExp(`^${original}:`) })).toBeVisible();
  expect(await screen.evaluate(() => (window as unknown as { stayed: number }).stayed)).toBe(42);
  if (before !== undefined) await postActual(admin.request, renewal.id, period, before);

  // Revoking: the screen says so at once; reopening it is a 410 page, an unknown secret a 404.
  await admin.goto('/');
  await admin.getByRole('link', { name: 'Dashboards of Northwind Technology Services' }).click();
  await admin.waitForURL('**/dashboards');
  await admin.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await admin.getByRole('button', { name: 'Revoke Board room e2e' }).click();
  await admin.getByRole('alertdialog', { name: 'Revoke Board room e2e?' }).getByRole('button', { name: 'Yes, revoke' }).click();
  await expect(screen.getByRole('alert').getByRole('heading', { name: 'Link revoked' })).toBeVisible();
  const again = await screen.reload();
  expect(again!.status()).toBe(410);
  await expect(screen.getByRole('heading', { name: 'Link revoked' })).toBeVisible();
  const unknown = await screen.goto(`/display/${'0'.repeat(64)}`);
  expect(unknown!.status()).toBe(404);
  await expect(screen.getByRole('heading', { name: 'Unknown display link' })).toBeVisible();
});

test('a signed-in dashboard page updates itself when data arrives', async ({ browser }) => {
  const admin = await newPage(browser, 1500, 950);
  await signIn(admin, ADMIN);
  const ent = await enterprise(admin.request);
  const renewal = ent.measures.find((m) => m.name === 'Contract renewal rate')!;
  const id = await createDashboard(admin.request, ent.unitId, 'Live page e2e', [
    widget({ type: 'kpi', map_id: ent.mapId, measure_id: renewal.id }, 0, 0, 4, 3),
  ]);

  // A viewer watches it in the app (signed in, no display link).
  const viewer = await newPage(browser, 1400, 900);
  await signIn(viewer, 'viewer@northwind.example', `/dashboards/${id}`);
  await expect(viewer.getByTestId('dashboard-connection')).toHaveText(/^● Live/);
  const period = periodOf((await viewer.locator('.span-picker .span-label').first().textContent())!);
  const before = await storedActual(admin.request, ent.mapId, renewal.id, period);
  let navigations = 0;
  viewer.on('framenavigated', () => navigations++);

  await postActual(admin.request, renewal.id, period, 11.5);
  await expect(kpi(viewer, 'Contract renewal rate').getByTestId('kpi-value')).toHaveText(formatted(renewal, 11.5), { timeout: 2000 });
  await expect(kpi(viewer, 'Contract renewal rate')).toHaveAttribute('data-status', 'red', { timeout: 2000 });
  await expect(viewer.getByTestId('dashboard-connection')).toHaveText(/updated \d\d:\d\d:\d\d/);
  expect(navigations).toBe(0);
  if (before !== undefined) await postActual(admin.request, renewal.id, period, before);
});

test('a viewer sees dashboards but cannot edit one', async ({ browser }) => {
  const admin = await newPage(browser);
  await signIn(admin, ADMIN);
  const ent = await enterprise(admin.request);
  const id = await createDashboard(admin.request, ent.unitId, 'Viewer check e2e', [
    widget({ type: 'initiatives' }, 0, 0, 6, 4),
    widget({ type: 'scorecard', map_id: ent.mapId }, 6, 0, 6, 6),
  ]);
  const viewer = await newPage(browser, 1400, 900);
  await signIn(viewer, 'viewer@northwind.example');
  await viewer.getByRole('link', { name: 'Dashboards of Northwind Technology Services' }).click();
  await expect(viewer.getByRole('link', { name: 'Viewer check e2e' })).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Create dashboard' })).toHaveCount(0);
  await expect(viewer.getByRole('link', { name: 'Edit Viewer check e2e' })).toHaveCount(0);
  await expect(viewer.getByRole('heading', { name: 'Display links' })).toHaveCount(0);
  await viewer.getByRole('link', { name: 'Viewer check e2e' }).click();
  await expect(viewer.getByRole('region', { name: 'Initiatives' })).toBeVisible();
  await expect(viewer.getByRole('region', { name: /^Scorecard Northwind/ })).toBeVisible();
  await expect(viewer.getByRole('link', { name: 'Edit dashboard' })).toHaveCount(0);
  await viewer.goto(`/dashboards/${id}/edit`);
  await expect(viewer.getByRole('alert').getByRole('heading', { name: 'View only' })).toBeVisible();
  const refused = await viewer.request.post('/api/save_dashboard', {
    data: { draft: { id, name: 'Hijacked', span_kind: 'month', widgets: [] } },
  });
  expect(refused.status()).toBe(403);
  const stored = await (await admin.request.post('/api/get_dashboard', { form: { dashboard_id: id } })).json();
  expect(stored.board.dashboards[0].name).toBe('Viewer check e2e');
});

// ---------------------------------------------------------------------------------------------
// A server of our own, to restart it.
// ---------------------------------------------------------------------------------------------

type OwnServer = { port: number; dir: string; proc?: ChildProcess };

async function startOwn(server: OwnServer) {
  const bin = process.env.CAIRN_BIN ?? '../target/release/server';
  server.proc = spawn(bin, [], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${server.dir}/own.db`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${server.port}`,
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? '../target/site',
      CAIRN_DEMO: '1',
      RUST_LOG: 'warn',
    },
    stdio: 'ignore',
  });
  await expect
    .poll(async () => {
      try {
        return (await fetch(`http://127.0.0.1:${server.port}/healthz`)).status;
      } catch {
        return 0;
      }
    }, { timeout: 60_000 })
    .toBe(200);
}

function stopOwn(server: OwnServer) {
  server.proc?.kill('SIGKILL');
  server.proc = undefined;
}

test('the display recovers from a server restart and shows current data', async ({ browser }) => {
  const own: OwnServer = { port: Number(process.env.E2E_PORT ?? 3100) + 50, dir: fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-restart-')) };
  await startOwn(own);
  try {
    const base = `http://127.0.0.1:${own.port}`;
    const api = await playwrightRequest.newContext({ baseURL: base });
    const signedIn = await api.post('/api/sign_in', { form: { email: ADMIN, password: PASSWORD }, maxRedirects: 0 });
    expect(signedIn.status()).toBeLessThan(400);
    const ent = await enterprise(api);
    const measure = ent.measures.find((m) => m.name === 'Client satisfaction (CSAT)') ?? ent.measures[0];
    const dashboard = await createDashboard(api, ent.unitId, 'Restart e2e', [widget({ type: 'kpi', map_id: ent.mapId, measure_id: measure.id }, 0, 0, 4, 3)]);
    const link = await createLink(api, ent.unitId, 'Restart screen', [dashboard]);

    const screen = await newPage(browser);
    await screen.goto(base + link.path);
    const root = screen.locator('.display-root');
    await expect(root).toHaveAttribute('data-conn', 'live');
    const period = periodOf((await screen.getByTestId('display-period').textContent())!);

    stopOwn(own);
    await expect(screen.getByTestId('display-connection')).toHaveText(/Reconnecting|Offline/);
    await startOwn(own);
    // Written while the screen is still waiting to reconnect: it arrives with the welcome (or as
    // a push, if the screen was quicker) — either way the screen shows it without a reload.
    await postActual(api, measure.id, period, 42.2);
    await expect(root).toHaveAttribute('data-conn', 'live', { timeout: 30_000 });
    await expect(kpi(screen, measure.name).getByTestId('kpi-value')).toHaveText(formatted(measure, 42.2));
    await postActual(api, measure.id, period, 44.2);
    await expect(kpi(screen, measure.name).getByTestId('kpi-value')).toHaveText(formatted(measure, 44.2), { timeout: 2000 });
    await api.dispose();
  } finally {
    stopOwn(own);
    fs.rmSync(own.dir, { recursive: true, force: true });
  }
});

/** What in each display tile reaches outside its box (nothing, when every tile fits). */
async function overflowingTiles(screen: Page): Promise<string[]> {
  return screen.evaluate(() =>
    Array.from(document.querySelectorAll('.display-main section.widget')).flatMap((tile) => {
      const name = tile.getAttribute('aria-label') ?? tile.className;
      const out: string[] = [];
      if (tile.scrollHeight > tile.clientHeight + 1 || tile.scrollWidth > tile.clientWidth + 1) {
        out.push(`${name}: content ${tile.scrollWidth}×${tile.scrollHeight} in ${tile.clientWidth}×${tile.clientHeight}`);
      }
      const box = tile.getBoundingClientRect();
      for (const el of Array.from(tile.querySelectorAll('*'))) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
          out.push(`${name}: ${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''} reaches outside`);
        }
      }
      return out;
    }),
  );
}

test('display tiles fit their content at 1920×1080 and at 1280×720', async ({ browser }) => {
  const admin = await newPage(browser);
  await signIn(admin, ADMIN);
  const ent = await enterprise(admin.request);
  const shown = ent.measures[0];
  const dashboard = await createDashboard(admin.request, ent.unitId, 'Fit e2e', [
    widget({ type: 'kpi', map_id: ent.mapId, measure_id: shown.id }, 0, 0, 3, 3),
    widget({ type: 'chart', map_id: ent.mapId, measure_id: shown.id }, 3, 0, 5, 3),
    widget({ type: 'initiatives' }, 8, 0, 4, 3),
    widget({ type: 'status_map', map_id: ent.mapId }, 0, 3, 7, 6),
    widget({ type: 'scorecard', map_id: ent.mapId }, 7, 3, 5, 6),
  ]);
  const link = await createLink(admin.request, ent.unitId, 'Fit screen', [dashboard]);
  for (const [width, height] of [[1920, 1080], [1280, 720]]) {
    const screen = await newPage(browser, width, height);
    await screen.goto(link.path);
    await expect(screen.locator('.display-root')).toHaveAttribute('data-conn', 'live');
    await expect(screen.locator('.display-main section.widget')).toHaveCount(5);
    await expect.poll(() => overflowingTiles(screen), { message: `tiles at ${width}×${height}` }).toEqual([]);
  }
});

test('soak: 10,000 updates pushed to an open display keep its memory flat', async ({ browser }) => {
  // 10,000 actuals: 1,000 transactions of ten cells each (ten measures of the month shown, each set
  // to a new value every time), so the suite stays quick on two cores. The display applies every
  // push as it comes; the test reports how many pushes and cells it applied.
  test.setTimeout(600_000);
  const admin = await newPage(browser);
  await signIn(admin, ADMIN);
  const ent = await enterprise(admin.request);
  const full = (await (await admin.request.post('/api/get_map', { form: { map_id: ent.mapId } })).json()).measures;
  const measures: Measure[] = full.filter((m: { data_source: string }) => m.data_source !== 'formula').slice(0, 10);
  const shown = measures[0];
  const dashboard = await createDashboard(admin.request, ent.unitId, 'Soak e2e', [
    widget({ type: 'kpi', map_id: ent.mapId, measure_id: shown.id }, 0, 0, 3, 3),
    widget({ type: 'chart', map_id: ent.mapId, measure_id: shown.id }, 3, 0, 5, 3),
    widget({ type: 'initiatives' }, 8, 0, 4, 3),
    widget({ type: 'status_map', map_id: ent.mapId }, 0, 3, 7, 6),
    widget({ type: 'scorecard', map_id: ent.mapId }, 7, 3, 5, 6),
  ]);
  const link = await createLink(admin.request, ent.unitId, 'Soak screen', [dashboard]);
  const screen = await newPage(browser);
  await screen.goto(link.path);
  const root = screen.locator('.display-root');
  await expect(root).toHaveAttribute('data-conn', 'live');
  const period = periodOf((await screen.getByTestId('display-period').textContent())!);
  const originals = await Promise.all(measures.map((m) => storedActual(admin.request, ent.mapId, m.id, period)));

  const cdp = await screen.context().newCDPSession(screen);
  await cdp.send('HeapProfiler.enable');
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const wasm = await screen.evaluate(() => (window as unknown as { cairnWasmMemory: WebAssembly.Memory }).cairnWasmMemory.buffer.byteLength);
    return { js: usedSize, wasm };
  };
  const batch = (values: (m: Measure, k: number) => number) => ({
    batch: {
      actuals: measures.map((m, k) => ({
        measure_id: m.id, period, value: values(m, k), note: 'e2e soak', entered_by: null, entered_at: '', source: 'manual',
      })),
    },
  });
  // Values cycle so every update changes every cell and the data never grows.
  const push = async (rounds: number, concurrency: number) => {
    let next = 0;
    const worker = async () => {
      while (next < rounds) {
        const i = next++;
        const res = await admin.request.post('/api/save_data', { data: batch((_, k) => 50 + ((i + k) % 37)) });
        expect(res.ok(), await res.text()).toBeTruthy();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  await push(30, 3); // warm up: caches, JIT, first allocations
  const start = await heap();
  const before = { pushes: Number(await root.getAttribute('data-pushes')), cells: Number(await root.getAttribute('data-cells')) };
  const t0 = Date.now();
  await push(1000, 4);
  await postActual(admin.request, shown.id, period, 12.3);
  await expect(kpi(screen, shown.name).getByTestId('kpi-value')).toHaveText(formatted(shown, 12.3), { timeout: 60_000 });
  const seconds = (Date.now() - t0) / 1000;
  const end = await heap();
  const pushes = Number(await root.getAttribute('data-pushes')) - before.pushes;
  const cells = Number(await root.getAttribute('data-cells')) - before.cells;
  console.log(
    `soak: 10,000 actuals (1,000 transactions of 10) in ${seconds.toFixed(1)} s; the display applied ${pushes} pushes setting ${cells} cells; ` +
      `JS heap ${(start.js / 1e6).toFixed(2)} → ${(end.js / 1e6).toFixed(2)} MB; wasm memory ${(start.wasm / 1e6).toFixed(1)} → ${(end.wasm / 1e6).toFixed(1)} MB`,
  );
  expect(pushes).toBeGreaterThan(0);
  expect(end.js).toBeLessThanOrEqual(2 * start.js);
  expect(end.wasm).toBeLessThanOrEqual(2 * start.wasm);
  // Put the month back as it was for the tests that follow.
  const restore = await admin.request.post('/api/save_data', {
    data: {
      batch: {
        actuals: measures.flatMap((m, k) => originals[k] === undefined ? [] : [{ measure_id: m.id, period, value: originals[k], note: '', entered_by: null, entered_at: '', source: 'manual' }]),
        clear_actuals: measures.flatMap((m, k) => originals[k] === undefined ? [{ measure_id: m.id, period }] : []),
      },
    },
  });
  expect(restore.ok(), await restore.text()).toBeTruthy();
});
