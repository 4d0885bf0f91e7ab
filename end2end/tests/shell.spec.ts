import { expect, test } from './fixtures';

// The release build's files: content-hashed names, brotli/gzip copies made at build time, a
// year in the browser's cache; pages are compressed on the fly and never cached unasked.

/** The wasm, JS and CSS files the sign-in page links to (preloads included). */
async function siteFiles(request: import('@playwright/test').APIRequestContext): Promise<string[]> {
  // A page that loads the bundle (sign-in and home are sent without it): the 404 page.
  const html = await (await request.get('/no-such-page')).text();
  const files = [...html.matchAll(/(?:href|src)="(\/pkg\/[^"]+)"/g)].map((m) => m[1]);
  return [...new Set(files)];
}

test('site files have hashed names, come precompressed and are cached for a year', async ({ request }) => {
  const files = await siteFiles(request);
  expect(files.some((f) => /\/pkg\/cairn\.[\w-]+\.css$/.test(f)), files.join(' ')).toBeTruthy();
  expect(files.some((f) => /\/pkg\/cairn\.[\w-]+\.js$/.test(f)), files.join(' ')).toBeTruthy();
  expect(files.some((f) => /\/pkg\/cairn\.[\w-]+\.wasm$/.test(f)), files.join(' ')).toBeTruthy();
  for (const file of files.filter((f) => /\.(js|css|wasm)$/.test(f))) {
    for (const encoding of ['br', 'gzip']) {
      const res = await request.get(file, { headers: { 'Accept-Encoding': encoding } });
      expect(res.status(), file).toBe(200);
      expect(res.headers()['content-encoding'], `${file} (${encoding})`).toBe(encoding);
      expect(res.headers()['cache-control'], file).toBe('public, max-age=31536000, immutable');
    }
  }
});

test('pages are compressed and revalidated; the document has a nonce on its scripts', async ({ request }) => {
  const res = await request.get('/signin', { headers: { 'Accept-Encoding': 'br, gzip' } });
  expect(res.status()).toBe(200);
  expect(['br', 'gzip']).toContain(res.headers()['content-encoding']);
  expect(res.headers()['cache-control']).toBe('no-cache');
  const csp = res.headers()['content-security-policy'];
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(await res.text()).not.toContain('.wasm');
  // A page that hydrates carries the nonce on its scripts, and has no script without it.
  const hydrated = await request.get('/no-such-page');
  const pageNonce = /'nonce-([^']+)'/.exec(hydrated.headers()['content-security-policy'])?.[1];
  const html = await hydrated.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${pageNonce}"`);
});
