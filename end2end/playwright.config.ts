import { defineConfig } from '@playwright/test';
import * as os from 'os';
import * as path from 'path';

// The release server is started fresh on its own port with an empty SQLite file (the demo
// company loads on first start). CAIRN_BIN and LEPTOS_SITE_ROOT come from the Makefile.
const port = process.env.E2E_PORT ?? '3100';
const dataDir = path.join(os.tmpdir(), `cairn-e2e-${port}`);
const bin = process.env.CAIRN_BIN ?? '../target/release/server';
const siteRoot = process.env.LEPTOS_SITE_ROOT ?? '../target/site';

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `rm -rf ${dataDir} && mkdir -p ${dataDir} && exec ${bin}`,
    url: `http://127.0.0.1:${port}/healthz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      DATABASE_URL: `sqlite://${dataDir}/e2e.db`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: siteRoot,
      CAIRN_DEMO: '1',
      RUST_LOG: process.env.E2E_RUST_LOG ?? 'warn',
    },
  },
});
