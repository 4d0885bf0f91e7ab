import { APIRequestContext, Browser, BrowserContext, expect, Page } from '@playwright/test';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const PASSWORD = 'northwind-demo';
export const ADMIN = 'admin@northwind.example';

/** Signs in through the form and waits until the app has hydrated. */
export async function signIn(page: Page, email: string, next = '/') {
  await page.goto(`/signin?next=${encodeURIComponent(next)}`);
  await expect(page.locator('body[data-ready]')).toBeAttached();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname + url.search === next || url.pathname === next);
  await expect(page.locator('body[data-ready]')).toBeAttached();
}

/**
 * People working side by side, each signed in in a browser context of their own (1500×950).
 * `open` signs one in on `next` and waits for the page to hydrate (the home page is sent
 * without the browser bundle, so it is not waited for); `closeAll` ends their contexts (a
 * spec calls it after each test).
 */
export class People {
  private contexts: BrowserContext[] = [];

  async open(browser: Browser, email: string, next = '/'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1500, height: 950 } });
    this.contexts.push(context);
    const page = await context.newPage();
    await signIn(page, email, next);
    if (next !== '/') await expect(page.locator('body[data-hydrated]')).toBeAttached();
    return page;
  }

  async closeAll() {
    for (const c of this.contexts.splice(0)) await c.close();
  }
}

/** Opens the enterprise map from the home page. */
export async function openEnterpriseMap(page: Page) {
  await page.getByRole('link', { name: 'Northwind Strategy 2025–2027', exact: true }).click();
  // The home page is sent without the bundle: the link loads the map page, which hydrates.
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await expect(page.getByRole('group', { name: /Strategy map Northwind Strategy/ })).toBeVisible();
}

export type Measure = { id: string; name: string; unit: string; decimals: number };
export type Enterprise = {
  unitId: string; mapId: string; measures: Measure[]; objectives: { id: string; title: string }[];
  /** Managed Services: a business unit below, with a map aligned to the enterprise map. */
  childUnitId: string; childMapId: string;
  /** Cloud Platforms: a business unit without a map yet, waiting to be cascaded. */
  nextUnitId: string;
};

/** The enterprise unit, its map and measures, as a signed-in user sees them. */
export async function enterprise(request: APIRequestContext): Promise<Enterprise> {
  const tree = await request.post('/api/org_tree');
  expect(tree.ok()).toBeTruthy();
  const root = (await tree.json())[0];
  const map = root.maps.find((m: { name: string }) => m.name.startsWith('Northwind'));
  const doc = await (await request.post('/api/get_map', { form: { map_id: map.id } })).json();
  type Node = { unit: { id: string; name: string }; maps: { id: string }[] };
  const child = root.children.find((c: Node) => c.unit.name === 'Managed Services');
  const next = root.children.find((c: Node) => c.unit.name === 'Cloud Platforms');
  return {
    unitId: root.unit.id, mapId: map.id, measures: doc.measures, objectives: doc.objectives,
    childUnitId: child.unit.id, childMapId: child.maps[0].id, nextUnitId: next.unit.id,
  };
}

/** A dashboard made through the server functions (create, then save its layout). */
export async function createDashboard(request: APIRequestContext, unitId: string, name: string, widgets: object[]): Promise<string> {
  const created = await request.post('/api/create_dashboard', { form: { org_unit_id: unitId, name } });
  expect(created.ok(), await created.text()).toBeTruthy();
  const id = await created.json();
  const saved = await request.post('/api/save_dashboard', { data: { draft: { id, name, span_kind: 'month', widgets } } });
  expect(saved.ok(), await saved.text()).toBeTruthy();
  return id;
}

/** A display link for dashboards (as an admin); returns its path `/display/{secret}` and id. */
export async function createLink(request: APIRequestContext, unitId: string, name: string, dashboardIds: string[]) {
  const res = await request.post('/api/create_display_link', {
    data: { org_unit_id: unitId, name, dashboard_ids: dashboardIds, rotate_seconds: 30 },
  });
  expect(res.ok(), await res.text()).toBeTruthy();
  const body = await res.json();
  return { path: body.path as string, id: body.link.id as string };
}

/**
 * A scheduled review of the enterprise: the demo's (or any still open), else one scheduled here
 * under `title`. Returns its id.
 */
export async function scheduledReview(request: APIRequestContext, ent: Enterprise, title: string): Promise<string> {
  const res = await request.post('/api/unit_reviews', { data: { unit_id: ent.unitId } });
  expect(res.ok(), await res.text()).toBeTruthy();
  const page = await res.json();
  const open = page.reviews.find((r: { state: string }) => r.state === 'scheduled');
  if (open) return open.id;
  const made = await request.post('/api/schedule_review', {
    data: { draft: { org_unit_id: ent.unitId, map_id: ent.mapId, title, cadence: 'monthly', held_on: page.today } },
  });
  expect(made.ok(), await made.text()).toBeTruthy();
  return await made.json();
}

/**
 * Every page of the app once, as the admin sees it: a dashboard and a display link are made
 * for the pages that need one (named `name` and `linkName`), and a scheduled review is found (or
 * made). The accessibility and German passes walk it.
 */
export async function everyPage(request: APIRequestContext, ent: Enterprise, name: string, linkName: string): Promise<string[]> {
  const dashboard = await createDashboard(request, ent.unitId, name, [
    { id: crypto.randomUUID(), kind: { type: 'scorecard', map_id: ent.mapId }, x: 0, y: 0, w: 6, h: 4 },
  ]);
  const link = await createLink(request, ent.unitId, linkName, [dashboard]);
  const review = await scheduledReview(request, ent, name);
  return [
    '/',
    `/maps/${ent.mapId}`,
    `/maps/${ent.mapId}/scorecard`,
    `/maps/${ent.mapId}/hypotheses`,
    `/maps/${ent.mapId}/strategy`,
    `/maps/${ent.mapId}/brainstorm`,
    `/maps/${ent.mapId}/versions`,
    `/maps/${ent.mapId}/data`,
    `/maps/${ent.mapId}/import`,
    `/units/${ent.unitId}/dashboards`,
    `/dashboards/${dashboard}`,
    `/dashboards/${dashboard}/edit`,
    '/admin/tokens',
    '/admin/units',
    '/admin/people',
    '/admin/audit',
    `/units/${ent.unitId}/new-map`,
    `/maps/${ent.childMapId}`,
    `/maps/${ent.childMapId}/workshop`,
    `/units/${ent.nextUnitId}/cascade`,
    `/units/${ent.unitId}/cascade-report`,
    `/units/${ent.unitId}/reminders`,
    `/units/${ent.unitId}/initiatives`,
    `/units/${ent.unitId}/reviews`,
    `/units/${ent.unitId}/surveys`,
    `/reviews/${review}`,
    `/maps/${ent.mapId}/settings`,
    '/profile',
    '/inbox',
    '/reset',
    '/no-such-page',
    link.path,
  ];
}

/**
 * A second Cairn server of its own (port, empty SQLite file, `env` on top of the defaults), for
 * specs that need another configuration than the shared server's (single sign-on, a first run
 * with the demo off). Resolves once `/healthz` answers; the caller kills it in `afterAll`.
 */
export async function startCairn(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `cairn-e2e-${port}-`));
  const server = spawn(process.env.CAIRN_BIN ?? '../target/release/server', [], {
    stdio: 'ignore',
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? '../target/site',
      CAIRN_DEMO: '1',
      RUST_LOG: 'warn',
      ...env,
    },
  });
  for (let i = 0; i < 240; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  server.kill('SIGTERM');
  throw new Error(`the Cairn server on port ${port} did not start`);
}
