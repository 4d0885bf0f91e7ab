// The floor: a bare `ws` server relaying every message to all other clients, driven with the same
// pattern as the Cairn and Hocuspocus benches. `node bench/echo.mjs [--quick] [--clients 10,50,200] [--rate 5]`
import { WebSocketServer, WebSocket } from 'ws';
import { fileURLToPath } from 'node:url';
import { parseOpts, startServer, runPhase, printTable, objectiveId, sleep } from './common.mjs';

const opts = parseOpts();

if (opts.serve) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('listening', () => process.send({ port: wss.address().port }));
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      for (const other of wss.clients) {
        if (other !== ws && other.readyState === WebSocket.OPEN) other.send(data, { binary: isBinary });
      }
    });
  });
} else {
  const server = await startServer(fileURLToPath(import.meta.url));
  const rows = [];
  for (const n of opts.clients) {
    const sockets = await Promise.all(
      Array.from({ length: n }, () => new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/`);
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      })),
    );
    let current = null;
    sockets.forEach((ws, me) => ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (current && m.c !== me) current.observe(m.t);
    }));
    const { phase, done } = await runPhase(n, opts, (i, seq, t) => {
      // A message shaped like Cairn's Mutate (similar size).
      sockets[i].send(JSON.stringify({
        type: 'mutate', c: i, s: seq, t,
        ops: [{ op: 'set', entity: 'objective', id: objectiveId(i), field: 'position', value: { x: seq % 800, y: i % 600 } }],
      }));
    });
    current = phase;
    const row = await done;
    current = null;
    rows.push(row);
    console.error(`echo n=${n}: p50 ${row.p50.toFixed(2)} ms p99 ${row.p99.toFixed(2)} ms`);
    sockets.forEach((ws) => ws.close());
    await sleep(300);
  }
  server.stop();
  printTable('Echo floor (bare `ws` relay)', opts, rows);
  process.exit(0);
}
