// The reference: `@hocuspocus/server` relaying Yjs updates between N `@hocuspocus/provider`
// clients on one document, each moving "its" objective (a Y.Map entry {x, y, …}) at a fixed rate.
// `node bench/hocuspocus.mjs [--quick] [--clients 10,50,200] [--rate 5]`
import { Server } from '@hocuspocus/server';
import { HocuspocusProvider } from '@hocuspocus/provider';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { fileURLToPath } from 'node:url';
import { parseOpts, startServer, runPhase, printTable, objectiveId, sleep } from './common.mjs';

const opts = parseOpts();

if (opts.serve) {
  const server = new Server({ address: '127.0.0.1', port: 0, quiet: true });
  await server.listen();
  process.send({ port: server.address.port });
} else {
  const server = await startServer(fileURLToPath(import.meta.url));
  const rows = [];
  for (const [k, n] of opts.clients.entries()) {
    const name = `bench-${k}`;
    let current = null;
    const clients = await Promise.all(
      Array.from({ length: n }, (_, me) => new Promise((resolve) => {
        const doc = new Y.Doc();
        const positions = doc.getMap('positions');
        positions.observe((event) => {
          if (event.transaction.local || !current) return;
          for (const key of event.keysChanged) {
            const v = positions.get(key);
            if (v && v.c !== me) current.observe(v.t);
          }
        });
        const provider = new HocuspocusProvider({
          url: `ws://127.0.0.1:${server.port}`,
          name,
          document: doc,
          WebSocketPolyfill: WebSocket,
          onSynced: () => resolve({ doc, positions, provider }),
        });
      })),
    );
    const { phase, done } = await runPhase(n, opts, (i, seq, t) => {
      clients[i].positions.set(objectiveId(i), { x: seq % 800, y: i % 600, c: i, t });
    });
    current = phase;
    const row = await done;
    current = null;
    rows.push(row);
    console.error(`hocuspocus n=${n}: p50 ${row.p50.toFixed(2)} ms p99 ${row.p99.toFixed(2)} ms`);
    for (const c of clients) c.provider.destroy();
    await sleep(300);
  }
  server.stop();
  printTable('Hocuspocus (@hocuspocus/server + provider, Yjs Y.Map updates)', opts, rows);
  process.exit(0);
}
