// Shared by hocuspocus.mjs and echo.mjs: options, the server child process, pacing and tables.
// Same pattern as `cargo bench -p server --bench live`: N clients in one room, each sending one
// position move at `--rate` per second; latency = author's send -> each other client observing it.
import { fork } from 'node:child_process';

export function parseOpts(argv = process.argv.slice(2)) {
  const o = { clients: [10, 50, 200], rate: 5, warm: 1000, measure: 5000, drain: 2000, serve: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') Object.assign(o, { warm: 500, measure: 2000, drain: 1000 });
    else if (a === '--clients') o.clients = argv[++i].split(',').map(Number);
    else if (a === '--rate') o.rate = Number(argv[++i]);
    else if (a === '--secs') o.measure = Number(argv[++i]) * 1000;
    else if (a === '--serve') o.serve = true;
  }
  return o;
}

/** Starts this script again with `--serve` in its own process (its own core); resolves to the port. */
export function startServer(script) {
  const child = fork(script, ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ port: m.port, stop: () => child.kill() }));
    child.once('error', reject);
    child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Objective-like ids: each client moves its own "objective" (a Y.Map key / JSON field). */
export const objectiveId = (i) => `0190${String(i).padStart(4, '0')}-7e1a-7c3b-9d2e-3f4a5b6c7d8e`;

/**
 * Runs one latency phase. `send(i, seq, t)` makes client i send; receivers call
 * `phase.observe(author, t)` with the sender's timestamp. Returns a table row.
 */
export async function runPhase(n, opts, send) {
  const start = performance.now() + 200;
  const period = 1000 / opts.rate;
  const sendEnd = start + opts.warm + opts.measure;
  const inWindow = (t) => t >= start + opts.warm && t < sendEnd;
  const lat = [];
  let sent = 0;
  const phase = {
    observe(t) {
      if (inWindow(t)) lat.push(performance.now() - t);
    },
  };
  const timers = [];
  for (let i = 0; i < n; i++) {
    let seq = 0;
    const offset = (period * i) / n;
    const tick = () => {
      const now = performance.now();
      if (now >= sendEnd) return;
      seq += 1;
      send(i, seq, now);
      if (inWindow(now)) sent += 1;
      // Fixed schedule (like tokio's interval): next tick relative to the plan, not to now.
      const next = start + offset + seq * period;
      timers.push(setTimeout(tick, Math.max(0, next - performance.now())));
    };
    timers.push(setTimeout(tick, Math.max(0, start + offset - performance.now())));
  }
  phase.runPromise = sleep(sendEnd + opts.drain - performance.now());
  return { phase, done: phase.runPromise.then(() => {
    timers.forEach(clearTimeout);
    lat.sort((a, b) => a - b);
    const pct = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor((lat.length * p) / 100))] : NaN);
    return {
      clients: n,
      sentPerSec: sent / (opts.measure / 1000),
      p50: pct(50),
      p99: pct(99),
      delivered: lat.length,
      expected: sent * (n - 1),
    };
  }) };
}

export function printTable(title, opts, rows) {
  console.log(`\n### ${title}: ${opts.rate} moves/s per client, ${(opts.measure / 1000).toFixed(1)} s measured\n`);
  console.log('| clients | edits sent/s | p50 ms | p99 ms | deliveries (got/expected) |');
  console.log('|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.clients} | ${r.sentPerSec.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.delivered}/${r.expected} |`);
  }
}
