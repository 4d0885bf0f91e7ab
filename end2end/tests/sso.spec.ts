import { expect, test } from '@playwright/test';
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { seriousA11yViolations } from './fixtures';
import { startCairn } from './helpers';

const EDITOR_EMAIL = 'editor@northwind.example';

// Single sign-on through a real OpenID provider (npm oidc-provider, end2end/oidc/provider.mjs).
// The spec starts the provider and a second Cairn server configured for it (its own port and
// SQLite file with the demo company), so the shared server of the other specs stays as it is.
const cairnPort = Number(process.env.E2E_SSO_PORT ?? '3101');
const cairn = `http://127.0.0.1:${cairnPort}`;
const clientId = 'cairn-e2e';
const clientSecret = 'cairn-e2e-secret-0123456789';

let provider: ChildProcess | undefined;
let server: ChildProcess | undefined;

async function startProvider(): Promise<string> {
  provider = spawn('node', [
    path.join(__dirname, '..', 'oidc', 'provider.mjs'),
    '--port=0',
    `--client-id=${clientId}`,
    `--client-secret=${clientSecret}`,
    `--redirect-uri=${cairn}/auth/oidc/callback`,
  ], { stdio: ['ignore', 'pipe', 'ignore'] });
  return await new Promise<string>((resolve, reject) => {
    let out = '';
    provider!.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /issuer (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    provider!.on('exit', (code) => reject(new Error(`the provider exited (${code})`)));
  });
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const issuer = await startProvider();
  server = await startCairn(cairnPort, {
    CAIRN_PUBLIC_URL: cairn,
    CAIRN_OIDC_ISSUER: issuer,
    CAIRN_OIDC_CLIENT_ID: clientId,
    CAIRN_OIDC_CLIENT_SECRET: clientSecret,
    CAIRN_OIDC_LABEL: 'Sign in with Northwind ID',
  });
});

test.afterAll(async () => {
  server?.kill('SIGTERM');
  provider?.kill('SIGTERM');
});

test('signs in through the identity provider and lands signed in', async ({ page }) => {
  await page.goto(`${cairn}/signin?next=/`);
  await expect(page.locator('body[data-ready]')).toBeAttached();
  const button = page.getByRole('link', { name: 'Sign in with Northwind ID' });
  await expect(button).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await button.click();
  // The provider's login form.
  await page.getByLabel('Email', { exact: true }).fill(EDITOR_EMAIL);
  await page.getByRole('button', { name: 'Continue' }).click();
  // Back at Cairn, signed in as the demo's editor.
  await page.waitForURL(`${cairn}/`);
  await expect(page.locator('body[data-ready]')).toBeAttached();
  const me = await page.context().request.post(`${cairn}/api/current_user`);
  expect(me.ok()).toBe(true);
  expect((await me.json())?.name).toBeTruthy();
});

test('an unverified email is refused with a message on the sign-in page', async ({ page }) => {
  await page.goto(`${cairn}/signin`);
  await page.getByRole('link', { name: 'Sign in with Northwind ID' }).click();
  await page.getByLabel('Email', { exact: true }).fill(EDITOR_EMAIL);
  await page.getByLabel('The provider has verified this email').uncheck();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/\/signin\?error=sso_unverified/);
  await expect(page.getByRole('alert')).toContainText('has not verified your email address');
});
