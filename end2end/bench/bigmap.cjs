// A big strategy map for the canvas test and benchmark: a new map (server function `create_map`)
// filled through the live WebSocket protocol from the signed-in page itself (themes, objectives
// and links as `mutate` batches, each waited for), so it is built exactly as editors build maps.
// CommonJS so both the Playwright tests (TypeScript) and the bench scripts (ESM) can load it.

/**
 * Creates a map with `objectives` objectives in 4 perspectives × `themes` themes, laid out
 * without overlaps (4 per band-and-lane cell), and `links` links (objective i drives i+1, i+13,
 * i+29, … modulo the count). `page` must be signed in as an editor of the enterprise unit and
 * be on a page of this site. Returns `{ mapId, objectiveIds, links }` where `links` is a list of
 * `[fromId, toId]`.
 */
async function createBigMap(page, { name, objectives = 200, links = 400, themes = 13 } = {}) {
  const tree = await page.request.post('/api/org_tree', { form: {} });
  if (!tree.ok()) throw new Error(`org_tree: ${tree.status()}`);
  const units = await tree.json();
  const unit = units[0].unit.id;
  const made = await page.request.post('/api/create_map', {
    form: {
      org_unit_id: unit,
      name: name ?? `Big map ${Date.now()}`,
      period_start: '2026-01',
      period_end: '2026-12',
    },
  });
  if (!made.ok()) throw new Error(`create_map: ${made.status()} ${await made.text()}`);
  const mapId = await made.json();
  const docRes = await page.request.post('/api/get_map', { form: { map_id: mapId } });
  const doc = await docRes.json();
  const perspectives = [...doc.perspectives].sort((a, b) => a.rank - b.rank).map((p) => p.id);
  return page.evaluate(fill, { mapId, perspectives, objectives, links, themes });
}

/** Runs in the page: builds the batches and sends them over the map's WebSocket. */
async function fill({ mapId, perspectives, objectives, links, themes }) {
  const uuid = () => crypto.randomUUID();
  const LABEL_WIDTH = 150;
  const HEADER_HEIGHT = 44;
  const BAND_HEIGHT = 180;
  const LANE_WIDTH = 420;
  const colours = ['#16a34a', '#2563eb', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];
  const themeIds = [];
  const themeOps = [];
  for (let t = 0; t < themes; t++) {
    const id = uuid();
    themeIds.push(id);
    themeOps.push({
      op: 'create',
      item: { entity: 'theme', id, map_id: mapId, name: `Theme ${t + 1}`, colour: colours[t % colours.length], rank: t },
    });
  }
  const objectiveIds = [];
  const objectiveOps = [];
  for (let i = 0; i < objectives; i++) {
    const cell = Math.floor(i / 4);
    const slot = i % 4;
    const band = cell % perspectives.length;
    const lane = Math.floor(cell / perspectives.length) % themes;
    const id = uuid();
    objectiveIds.push(id);
    objectiveOps.push({
      op: 'create',
      item: {
        entity: 'objective',
        id,
        map_id: mapId,
        perspective_id: perspectives[band],
        theme_id: themeIds[lane],
        title: `Objective ${i + 1}`,
        description: '',
        owner_id: null,
        x: LABEL_WIDTH + lane * LANE_WIDTH + 110 + (slot % 2) * 200,
        y: HEADER_HEIGHT + band * BAND_HEIGHT + 46 + Math.floor(slot / 2) * 88,
      },
    });
  }
  const pairs = [];
  const steps = [1, 13, 29, 47, 71];
  for (let k = 0; pairs.length < links; k++) {
    const i = k % objectives;
    const step = steps[Math.floor(k / objectives) % steps.length];
    pairs.push([objectiveIds[i], objectiveIds[(i + step) % objectives]]);
  }
  const linkOps = pairs.map(([from, to]) => ({
    op: 'link',
    link: { id: uuid(), map_id: mapId, from_id: from, to_id: to, hypothesis: '' },
  }));
  const chunks = (ops, n) => Array.from({ length: Math.ceil(ops.length / n) }, (_, k) => ops.slice(k * n, k * n + n));
  const batches = [...chunks(themeOps, 50), ...chunks(objectiveOps, 50), ...chunks(linkOps, 100)];

  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/maps/${mapId}`);
  const next = () =>
    new Promise((resolve, reject) => {
      ws.onmessage = (e) => resolve(JSON.parse(e.data));
      ws.onerror = () => reject(new Error('socket error'));
    });
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error('could not open the socket'));
  });
  ws.send(JSON.stringify({ type: 'hello', map_id: mapId, last_seq: null, protocol_version: 1 }));
  for (;;) {
    const m = await next();
    if (m.type === 'welcome') break;
  }
  for (const ops of batches) {
    const opId = uuid();
    ws.send(JSON.stringify({ type: 'mutate', op_id: opId, ops }));
    for (;;) {
      const m = await next();
      if (m.type === 'ack' && m.op_id === opId) break;
      if (m.type === 'reject' && m.op_id === opId) throw new Error(`batch refused: ${m.reason}`);
      if (m.type === 'error') throw new Error(`server error: ${m.message}`);
    }
  }
  ws.close();
  return { mapId, objectiveIds, links: pairs };
}

module.exports = { createBigMap };
