// Shared by the browser benchmarks (canvas, budgets, lighthouse): the release server on a fresh
// SQLite file with the demo company, and the README block a benchmark writes its table into.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Starts the release server (CAIRN_BIN, LEPTOS_SITE_ROOT) on `port` (BENCH_PORT overrides it)
 * and waits until it answers; resolves to its base address and a `stop()` that also removes its
 * database.
 */
export async function startSite(name, port) {
  const bin = process.env.CAIRN_BIN ?? '../target/release/server';
  const siteRoot = process.env.LEPTOS_SITE_ROOT ?? '../target/site';
  const at = process.env.BENCH_PORT ?? String(port);
  const base = `http://127.0.0.1:${at}`;
  const dir = mkdtempSync(path.join(tmpdir(), `cairn-${name}-`));
  const server = spawn(bin, [], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${dir}/bench.db`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${at}`,
      LEPTOS_SITE_ROOT: siteRoot,
      CAIRN_DEMO: '1',
      RUST_LOG: 'warn',
    },
  });
  const stop = () => {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { base, siteRoot, stop };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new Error('the server did not start');
}

/** Replaces the lines between `<!-- {marker}:start -->` and `<!-- {marker}:end -->` in `readme`. */
export function writeReadmeBlock(readme, marker, table) {
  const text = readFileSync(readme, 'utf8');
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${readme} has no ${start} … ${end} block`);
  writeFileSync(readme, `${text.slice(0, a + start.length)}\n${table}\n${text.slice(b)}`);
  console.log(`written into ${readme}`);
}

/** The value after `name` on the command line, or `fallback`. */
export function arg(name, fallback) {
  const argv = process.argv.slice(2);
  return argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback;
}

/** The middle value (the upper one of an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
