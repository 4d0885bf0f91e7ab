import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { ADMIN, PASSWORD, enterprise, everyPage } from './helpers';

// The German pass: with a German browser every screen speaks German. The check compares what
// a page shows (its text and the names and hints of its controls) with the English catalogue:
// no English text that German translates differently may appear. User data (the demo company's
// map, written in English) is told apart by looking the hit up in the map's own data.

const LOCALES = path.join(__dirname, '..', '..', 'app', 'locales');

type Catalogue = Map<string, string[]>;

/** Every key of a language's catalogue (namespace.path) with its texts (counts have several). */
function catalogue(lang: string): Catalogue {
  const out: Catalogue = new Map();
  const walk = (value: unknown, key: string) => {
    if (typeof value === 'string') out.set(key, [...(out.get(key) ?? []), value]);
    else if (Array.isArray(value)) value.forEach((v) => walk(v, key));
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) walk(v, `${key}.${k}`);
  };
  for (const file of readdirSync(path.join(LOCALES, lang))) {
    walk(JSON.parse(readFileSync(path.join(LOCALES, lang, file), 'utf8')), file.replace(/\.json$/, ''));
  }
  return out;
}

/**
 * The English phrases a German page must not show: the parts of English texts between their
 * `{{ variables }}`, at least one word of four letters or more, that appear in no German text
 * (so words both languages use — "Dashboard", "Scorecard", "Status" — are allowed).
 */
function englishPhrases(en: Catalogue, de: Catalogue): string[] {
  const german = [...de.values()].flat().join('\n');
  const phrases = new Set<string>();
  for (const texts of en.values()) {
    for (const text of texts) {
      if (text.includes('{{') && text.replace(/\{\{[^}]*\}\}/g, '').trim() === '') continue;
      for (const part of text.split(/\{\{[^}]*\}\}/)) {
        const phrase = part.replace(/^[\s\p{P}\p{S}\d]+|[\s\p{P}\p{S}\d]+$/gu, '');
        if (!/\p{L}{4,}/u.test(phrase) || german.includes(phrase)) continue;
        phrases.add(phrase);
      }
    }
  }
  return [...phrases];
}

/** What a page shows people: its text, and the names, hints and titles of its elements. */
async function shownTexts(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts = [document.title, document.body.innerText];
    for (const el of Array.from(document.querySelectorAll('[aria-label],[title],[placeholder],[alt]'))) {
      for (const attr of ['aria-label', 'title', 'placeholder', 'alt']) {
        const v = el.getAttribute(attr);
        if (v) parts.push(v);
      }
    }
    for (const el of Array.from(document.querySelectorAll('svg title'))) parts.push(el.textContent ?? '');
    return parts.join('\n');
  });
}

/** The demo company's own words (map, units, initiatives, reviews), which stay as they were written. */
async function userData(request: APIRequestContext, mapIds: string[]): Promise<string> {
  const tree = await (await request.post('/api/org_tree')).text();
  const maps = await Promise.all(
    mapIds.map(async (id) => (await request.post('/api/get_map', { form: { map_id: id } })).text()),
  );
  const root = JSON.parse(tree)[0].unit.id;
  const initiatives = await (await request.post('/api/unit_initiatives', { data: { unit_id: root } })).text();
  // The reviews' titles, actions and agenda items (a demo review is "Monthly strategy review").
  const reviews = await (await request.post('/api/unit_reviews', { data: { unit_id: root } })).text();
  return [tree, ...maps, initiatives, reviews].join('\n');
}

/** The English phrases in `shown` that are not user data, each with a little context. */
function englishOn(shown: string, phrases: string[], data: string): string[] {
  const hits: string[] = [];
  // Email addresses are user data ("viewer@northwind.example" is not the word "viewer").
  shown = shown.replace(/[^\s@]+@[^\s@]+/g, ' ');
  for (const phrase of phrases) {
    const re = new RegExp(`(^|[^\\p{L}])${phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u');
    const m = re.exec(shown);
    if (!m) continue;
    const line = shown.slice(shown.lastIndexOf('\n', m.index) + 1, shown.indexOf('\n', m.index + 1) >>> 0);
    if (data.includes(phrase) || data.includes(line.trim())) continue;
    hits.push(`"${phrase}" in "${line.trim().slice(0, 120)}"`);
  }
  return hits;
}

test.describe('in German', () => {
  test.use({ locale: 'de-DE' });

  test('the two catalogues have the same keys', () => {
    const en = catalogue('en');
    const de = catalogue('de');
    expect([...de.keys()].sort()).toEqual([...en.keys()].sort());
    expect(englishPhrases(en, de).length).toBeGreaterThan(100);
  });

  test('every screen speaks German and shows no English text of the catalogue', async ({ page }) => {
    // Some forty pages, each loaded until the network is idle: the same budget as the a11y pass.
    test.setTimeout(180_000);
    const phrases = englishPhrases(catalogue('en'), catalogue('de'));

    await page.goto('/signin');
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await page.locator('body[data-ready]').waitFor({ state: 'attached' });
    expect.soft(englishOn(await shownTexts(page), phrases, ''), 'English on /signin').toEqual([]);
    await page.getByLabel('E-Mail').fill(ADMIN);
    await page.getByLabel('Passwort').fill(PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL((url) => url.pathname === '/');

    const ent = await enterprise(page.request);
    const data = await userData(page.request, [ent.mapId, ent.childMapId]);
    const pages = await everyPage(page.request, ent, 'Tafel', 'Tafel im Foyer');
    for (const at of pages) {
      await test.step(at, async () => {
        await page.goto(at);
        await page.locator('body[data-ready]').waitFor({ state: 'attached' });
        await page.waitForLoadState('networkidle');
        await expect(page.locator('html')).toHaveAttribute('lang', 'de');
        expect.soft(englishOn(await shownTexts(page), phrases, data), `English on ${at}`).toEqual([]);
      });
    }

    // The map with an objective's panel open and the health check shown.
    await page.goto(`/maps/${ent.mapId}`);
    await page.locator('body[data-ready]').waitFor({ state: 'attached' });
    await page.getByRole('group', { name: /Strategy Map/ }).getByRole('button').first().click();
    await page.waitForLoadState('networkidle');
    expect.soft(englishOn(await shownTexts(page), phrases, data), 'English on the map panel').toEqual([]);
  });

  test('numbers, months and money follow the German locale', async ({ page }) => {
    await page.goto('/signin');
    await page.getByLabel('E-Mail').fill(ADMIN);
    await page.getByLabel('Passwort').fill(PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    const ent = await enterprise(page.request);
    await page.goto(`/maps/${ent.mapId}/data`);
    await page.locator('body[data-ready]').waitFor({ state: 'attached' });
    const grid = await page.locator('main').innerText();
    expect(grid).toMatch(/Jan\.|Feb\.|März|Apr\.|Mai|Juni|Juli|Aug\.|Sept\.|Okt\.|Nov\.|Dez\./);
    expect(grid).not.toMatch(/\b(Oct|Dec|May|Mar)\b/);
    await page.goto(`/maps/${ent.mapId}/scorecard`);
    await page.locator('body[data-ready]').waitFor({ state: 'attached' });
    // A decimal value in the demo is written with a decimal comma.
    expect(await page.locator('main').innerText()).toMatch(/\d,\d/);
  });
});

test('the language menu switches a visitor to German and back', async ({ page }) => {
  await page.goto('/signin');
  await page.locator('body[data-ready]').waitFor({ state: 'attached' });
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByLabel('Language').selectOption('de');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByRole('button', { name: 'Anmelden' })).toBeVisible();
  await page.getByLabel('Sprache').selectOption('en');
  await page.getByRole('button', { name: 'Übernehmen' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
});
