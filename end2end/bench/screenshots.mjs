// Screenshots for docs/ (`make screenshots`): in German, at 1920×1080 and on a 1280×720 laptop,
// the strategy map, the meeting-room display, the cascade workshop, a proposal, the initiatives
// page, a review, an objective's comments, the Strategy screen, a readiness survey, two versions
// of a map compared and a brainstorm; in English for the README, the workshop, a proposal, the
// initiatives and reviews pages and a brainstorm; and the first pages of a briefing book
// (pdftoppm). Runs the release server (CAIRN_BIN, LEPTOS_SITE_ROOT) with the demo company.
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { arg, startSite } from './site.mjs';

const out = arg('--out', path.join('..', 'docs'));
const EMAIL = 'admin@northwind.example';
const PASSWORD = 'northwind-demo';
const { base, stop } = await startSite('screenshots', 3192);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });

/** Posts to a server function as the signed-in page's context; its JSON answer. */
async function call(request, name, data) {
  const res = await request.post(`${base}/api/${name}`, data.form ? { form: data.form } : { data });
  if (!res.ok()) throw new Error(`${name}: ${res.status()} ${await res.text()}`);
  return res.json();
}

try {
  const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  await page.goto(`${base}/signin`);
  await page.getByLabel('E-Mail').fill(EMAIL);
  await page.getByLabel('Passwort').fill(PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL(`${base}/`);
  const root = (await call(page.request, 'org_tree', { form: {} }))[0];
  const map = root.maps.find((m) => m.name.startsWith('Northwind'));
  const dashboard = await call(page.request, 'create_dashboard', { form: { org_unit_id: root.unit.id, name: 'Strategie-Review' } });
  const widget = (kind, x, y, w, h) => ({ id: crypto.randomUUID(), kind, x, y, w, h });
  await call(page.request, 'save_dashboard', {
    draft: {
      id: dashboard,
      name: 'Strategie-Review',
      span_kind: 'month',
      widgets: [
        widget({ type: 'status_map', map_id: map.id }, 0, 0, 8, 8),
        widget({ type: 'scorecard', map_id: map.id }, 8, 0, 4, 8),
        widget({ type: 'initiatives' }, 0, 8, 12, 4),
      ],
    },
  });
  const link = await call(page.request, 'create_display_link', {
    org_unit_id: root.unit.id,
    name: 'Besprechungsraum',
    dashboard_ids: [dashboard],
    rotate_seconds: 30,
  });
  for (const [width, height] of [
    [1920, 1080],
    [1280, 720],
  ]) {
    await page.setViewportSize({ width, height });
    await page.goto(`${base}/maps/${map.id}`, { waitUntil: 'networkidle' });
    await page.locator('body[data-ready]').waitFor({ state: 'attached' });
    await page.screenshot({ path: path.join(out, `map-de-${width}x${height}.png`) });
    await page.goto(`${base}${link.path}`, { waitUntil: 'networkidle' });
    await page.locator('body[data-ready]').waitFor({ state: 'attached' });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(out, `display-de-${width}x${height}.png`) });
  }
  // The cascade workshop: the enterprise map beside Managed Services, one unit objective
  // selected (its partner highlighted, the line drawn across the split).
  const unit = root.children.find((c) => c.unit.name === 'Managed Services');
  const workshop = `${base}/maps/${unit.maps[0].id}/workshop`;
  const openWorkshop = async (p) => {
    await p.goto(workshop, { waitUntil: 'networkidle' });
    await p.locator('body[data-hydrated]').waitFor({ state: 'attached' });
    await p.locator('.unit-pane g.objective').first().click();
    await p.waitForTimeout(600);
  };
  for (const [width, height] of [
    [1920, 1080],
    [1280, 720],
  ]) {
    await page.setViewportSize({ width, height });
    await openWorkshop(page);
    await page.screenshot({ path: path.join(out, `workshop-de-${width}x${height}.png`) });
  }
  const english = await browser.newContext({ locale: 'en-GB', viewport: { width: 1600, height: 900 } });
  const en = await english.newPage();
  await en.goto(`${base}/signin`);
  await en.getByLabel('Email').fill(EMAIL);
  await en.getByLabel('Password').fill(PASSWORD);
  await en.getByRole('button', { name: 'Sign in' }).click();
  await en.waitForURL(`${base}/`);
  await openWorkshop(en);
  await en.screenshot({ path: path.join(out, 'cascade-workshop-en.png') });

  // A proposal: Tomás (edits Consulting, views the enterprise map) composes one in the
  // workshop, drawn on the parent pane; the enterprise map's editor sees it on the map page.
  const tomasContext = await browser.newContext({ locale: 'en-GB', viewport: { width: 1600, height: 900 } });
  const tomas = await tomasContext.newPage();
  await tomas.goto(`${base}/signin`);
  await tomas.getByLabel('Email').fill('tomas.alvarez@northwind.example');
  await tomas.getByLabel('Password').fill(PASSWORD);
  await tomas.getByRole('button', { name: 'Sign in' }).click();
  await tomas.waitForURL(`${base}/`);
  const consulting = root.children.find((c) => c.unit.name === 'Consulting');
  await tomas.goto(`${base}/maps/${consulting.maps[0].id}/workshop`, { waitUntil: 'networkidle' });
  await tomas.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  const parentPane = tomas.locator('.parent-pane');
  await parentPane.getByText('Propose a change to this map').click();
  await parentPane.getByLabel('Perspective', { exact: true }).selectOption({ label: 'Customer' });
  await parentPane.getByLabel('Title', { exact: true }).fill('Win public-sector clients');
  await parentPane.getByRole('button', { name: 'Add to the proposal' }).click();
  await parentPane.getByLabel('Change', { exact: true }).selectOption({ label: 'Reword an objective' });
  await parentPane.getByLabel('Objective', { exact: true }).selectOption({ label: 'Package repeatable service offerings' });
  await parentPane.getByLabel('New title', { exact: true }).fill('Package offerings for the public sector');
  await parentPane.getByRole('button', { name: 'Add to the proposal' }).click();
  await parentPane.getByLabel('Reason', { exact: true }).fill('Public-sector programmes are where Consulting grows fastest.');
  await tomas.waitForTimeout(400);
  await tomas.screenshot({ path: path.join(out, 'proposal-compose-en.png') });
  await parentPane.getByRole('button', { name: 'Send the proposal' }).click();
  await parentPane.getByText('Proposal sent to the map\'s editors.').waitFor();
  await en.goto(`${base}/maps/${map.id}`, { waitUntil: 'networkidle' });
  await en.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await en.getByRole('button', { name: 'Show on the map' }).click();
  await en.waitForTimeout(400);
  await en.screenshot({ path: path.join(out, 'proposal-review-en.png') });
  for (const [width, height] of [
    [1920, 1080],
    [1280, 720],
  ]) {
    await page.setViewportSize({ width, height });
    await page.goto(`${base}/maps/${map.id}`, { waitUntil: 'networkidle' });
    await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
    await page.getByRole('button', { name: 'Auf der Karte zeigen' }).click();
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(out, `proposal-de-${width}x${height}.png`) });
  }
  // The initiatives page: the timeline and the table, and the editor with its suggestion.
  await en.setViewportSize({ width: 1920, height: 1080 });
  await en.goto(`${base}/units/${root.unit.id}/initiatives`, { waitUntil: 'networkidle' });
  await en.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await en.screenshot({ path: path.join(out, 'initiatives-en.png'), fullPage: true });
  await en.getByRole('button', { name: 'Edit Knowledge Hub rollout' }).click();
  await en.locator('.initiative-editor').waitFor();
  await en.locator('.initiative-editor').screenshot({ path: path.join(out, 'initiative-editor-en.png') });
  for (const [width, height] of [
    [1920, 1080],
    [1280, 720],
  ]) {
    await page.setViewportSize({ width, height });
    await page.goto(`${base}/units/${root.unit.id}/initiatives`, { waitUntil: 'networkidle' });
    await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
    await page.screenshot({ path: path.join(out, `initiatives-de-${width}x${height}.png`) });
  }
  // Strategy reviews: the closed review's page (English) and in German at both sizes; the
  // unit's reviews page; the closed review's briefing book, its first pages as pictures.
  const reviews = await call(en.request, 'unit_reviews', { unit_id: root.unit.id });
  const closed = reviews.reviews.find((r) => r.state === 'closed');
  await en.goto(`${base}/reviews/${closed.id}`, { waitUntil: 'networkidle' });
  await en.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await en.screenshot({ path: path.join(out, 'review-en.png') });
  await en.goto(`${base}/units/${root.unit.id}/reviews`, { waitUntil: 'networkidle' });
  await en.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await en.screenshot({ path: path.join(out, 'reviews-en.png') });
  for (const [width, height] of [
    [1920, 1080],
    [1280, 720],
  ]) {
    await page.setViewportSize({ width, height });
    await page.goto(`${base}/reviews/${closed.id}`, { waitUntil: 'networkidle' });
    await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
    await page.screenshot({ path: path.join(out, `review-de-${width}x${height}.png`) });
  }
  // Comments: Tomás asks the admin about an objective with a mention and a reply follows; the
  // map's Comments tab (English, and German at both sizes) and the admin's inbox.
  const doc = await call(en.request, 'get_map', { form: { map_id: map.id } });
  const objective = doc.objectives[1];
  const subject = { kind: 'objective', id: objective.id };
  const asked = await call(tomas.request, 'add_comment', {
    subject, parent_id: null, body: '@Alex Morgan is the October figure final? The consulting numbers were corrected on the 4th.',
  });
  await call(en.request, 'add_comment', { subject, parent_id: asked.id, body: 'Yes, final since the close. @Robin Vale please add it to the board pack.' });
  await call(tomas.request, 'add_comment', { subject, parent_id: null, body: 'Should the target for next year be raised to 95 %?' });
  const commentsPath = `/maps/${map.id}?objective=${objective.id}&comments=1`;
  await en.goto(`${base}${commentsPath}`, { waitUntil: 'networkidle' });
  await en.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await en.locator('.comments .thread').first().waitFor();
  await en.locator('.side-column').scrollIntoViewIfNeeded();
  await en.screenshot({ path: path.join(out, 'comments-en.png') });
  await en.goto(`${base}/inbox`, { waitUntil: 'networkidle' });
  await en.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await en.screenshot({ path: path.join(out, 'inbox-en.png') });
  for (const [width, height] of [
    [1920, 1080],
    [1280, 720],
  ]) {
    await page.setViewportSize({ width, height });
    await page.goto(`${base}${commentsPath}`, { waitUntil: 'networkidle' });
    await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
    await page.locator('.comments .thread').first().waitFor();
    await page.locator('.side-column').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(out, `comments-de-${width}x${height}.png`) });
  }

  // Hypotheses: the map with its tested arrows marked, and the Hypotheses page (English, and
  // German at both sizes).
  await en.goto(`${base}/maps/${map.id}`, { waitUntil: 'networkidle' });
  await en.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await en.locator('.verdict-mark').first().waitFor();
  await en.screenshot({ path: path.join(out, 'hypotheses-map-en.png') });
  await en.goto(`${base}/maps/${map.id}/hypotheses`, { waitUntil: 'networkidle' });
  await en.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await en.screenshot({ path: path.join(out, 'hypotheses-en.png'), fullPage: false });
  for (const [width, height] of [
    [1920, 1080],
    [1280, 720],
  ]) {
    await page.setViewportSize({ width, height });
    await page.goto(`${base}/maps/${map.id}/hypotheses`, { waitUntil: 'networkidle' });
    await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
    await page.screenshot({ path: path.join(out, `hypotheses-de-${width}x${height}.png`) });
  }

  // The quarterly review's agenda item on the contradicted arrow (English).
  const quarterly = reviews.reviews.find((r) => r.cadence === 'quarterly' && r.state === 'scheduled');
  await en.goto(`${base}/reviews/${quarterly.id}`, { waitUntil: 'networkidle' });
  await en.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  const arrowItem = en.locator('.agenda-items > [data-review-item]', { has: en.locator('.item-arrow') });
  await arrowItem.scrollIntoViewIfNeeded();
  await arrowItem.screenshot({ path: path.join(out, 'review-arrow-en.png') });

  // The Strategy screen (English, and German at both sizes).
  for (const [target, name] of [
    [en, 'strategy-en.png'],
    [page, null],
  ]) {
    const sizes = name ? [[1920, 1080]] : [[1920, 1080], [1280, 720]];
    for (const [width, height] of sizes) {
      await target.setViewportSize({ width, height });
      await target.goto(`${base}/maps/${map.id}/strategy`, { waitUntil: 'networkidle' });
      await target.locator('body[data-hydrated]').waitFor({ state: 'attached' });
      await target.locator('.theme-card').first().waitFor();
      await target.screenshot({ path: path.join(out, name ?? `strategy-de-${width}x${height}.png`) });
    }
  }

  // A readiness survey answered by six people through their links: the results (English, and
  // German at both sizes), and the form a link opens.
  const surveyId = await call(en.request, 'create_survey', { unit_id: root.unit.id, title: 'Readiness for strategy execution' });
  const surveyed = ['Priya Raman', 'Daniel Okafor', 'Sofia Lindqvist', 'Marcus Chen', 'Hannah Weber', 'Tomás Alvarez', 'Jordan Ellis']
    .map((n, i) => `${n} <person${i}@northwind.example>`)
    .join('\n');
  const links = await call(en.request, 'invite_to_survey', { id: surveyId, people: surveyed });
  const survey = await call(en.request, 'get_survey', { id: surveyId });
  const comments = ['We each tell the strategy differently.', 'The monthly figures come too late to act on.', '', 'Budgets still follow last year.', '', ''];
  for (const [n, l] of links.slice(0, 6).entries()) {
    const token = l.url.split('/').pop();
    const answers = survey.survey.statements.map((s, i) => ({
      key: s.key,
      // Clarity high, alignment split, data low: a shape worth a workshop.
      score: Math.max(1, Math.min(5, [4, 3, 3, 2, 3][Math.floor(i / 4)] + ((n + i) % 3) - 1 + (s.area === 'leadership_alignment' && n % 2 ? 2 : 0))),
      comment: i === 4 + (n % 4) ? comments[n] : '',
    }));
    const res = await en.request.post(`${base}/api/answer_survey`, { data: { token, answers } });
    if (!res.ok()) throw new Error(`answer_survey: ${res.status()} ${await res.text()}`);
  }
  await en.setViewportSize({ width: 1920, height: 1080 });
  await en.goto(`${base}/surveys/${surveyId}`, { waitUntil: 'networkidle' });
  await en.locator('figure.radar svg').waitFor();
  await en.screenshot({ path: path.join(out, 'survey-en.png') });
  for (const [width, height] of [
    [1920, 1080],
    [1280, 720],
  ]) {
    await page.setViewportSize({ width, height });
    await page.goto(`${base}/surveys/${surveyId}`, { waitUntil: 'networkidle' });
    await page.locator('figure.radar svg').waitFor();
    await page.screenshot({ path: path.join(out, `survey-de-${width}x${height}.png`) });
  }
  const visitor = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const form = await visitor.newPage();
  await form.goto(links[6].url.replace(/^https?:\/\/[^/]+/, base), { waitUntil: 'networkidle' });
  await form.locator('fieldset.answer').first().waitFor();
  await form.screenshot({ path: path.join(out, 'survey-answer-en.png') });
  await visitor.close();

  // Next year's version of the Consulting plan with one objective reworded, one removed and
  // one added, compared with this year's: side by side and overlaid (English), German at both
  // sizes.
  const thisYear = consulting.maps[0];
  const next = await call(en.request, 'next_version', { map_id: thisYear.id });
  await en.setViewportSize({ width: 1920, height: 1080 });
  await en.goto(`${base}/maps/${next.id}`, { waitUntil: 'networkidle' });
  await en.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  const nextDoc = await call(en.request, 'get_map', { form: { map_id: next.id } });
  const [reworded, removed] = nextDoc.objectives;
  await en.getByRole('button', { name: reworded.title, exact: true }).click();
  const titleBox = en.getByLabel('Title', { exact: true });
  await titleBox.fill(`${reworded.title} across the region`);
  await titleBox.press('Tab');
  await en.getByRole('button', { name: `${reworded.title} across the region`, exact: true }).waitFor();
  await en.getByRole('button', { name: removed.title, exact: true }).click();
  await en.getByRole('complementary', { name: 'Objective details' }).getByRole('button', { name: 'Delete objective' }).click();
  await en.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
  await call(en.request, 'create_objective', {
    form: { map_id: next.id, perspective_id: nextDoc.perspectives[1].id, title: 'Win public-sector clients', x: '900', y: '300' },
  });
  await en.goto(`${base}/maps/${next.id}/versions`, { waitUntil: 'networkidle' });
  await en.locator('.version-pair figure').first().waitFor();
  await en.screenshot({ path: path.join(out, 'versions-en.png'), fullPage: true });
  await en.getByLabel('Overlaid').check();
  await en.locator('.overlay figure').waitFor();
  await en.screenshot({ path: path.join(out, 'versions-overlay-en.png') });
  for (const [width, height] of [
    [1920, 1080],
    [1280, 720],
  ]) {
    await page.setViewportSize({ width, height });
    await page.goto(`${base}/maps/${next.id}/versions`, { waitUntil: 'networkidle' });
    await page.locator('.version-pair figure').first().waitFor();
    await page.screenshot({ path: path.join(out, `versions-de-${width}x${height}.png`) });
  }
  await en.goto(`${base}/maps/${thisYear.id}/settings`, { waitUntil: 'networkidle' });
  await en.locator('.versions-card').screenshot({ path: path.join(out, 'versions-settings-en.png') });

  // A workshop on the enterprise map: notes in two bands, two of them grouped, a vote under way
  // with the countdown running (English), then German at both sizes.
  await en.setViewportSize({ width: 1600, height: 1000 });
  await en.goto(`${base}/maps/${map.id}/brainstorm`, { waitUntil: 'networkidle' });
  await en.locator('body[data-hydrated]').waitFor({ state: 'attached' });
  await en.getByRole('button', { name: 'Start a workshop' }).click();
  const bands = en.locator('.band-row');
  const note = async (band, text) => {
    await bands.nth(band).getByRole('textbox', { name: /^New note in/ }).fill(text);
    await bands.nth(band).getByRole('button', { name: 'Add' }).click();
    await bands.nth(band).locator('.note-text', { hasText: text }).waitFor();
  };
  await note(0, 'Grow recurring revenue from managed services');
  await note(0, 'More revenue per client from add-ons');
  await note(0, 'Cut unbilled hours');
  await note(1, 'Answer every ticket within one business day');
  await note(1, 'Named account manager for top clients');
  await en.getByRole('button', { name: 'Reveal the notes' }).click();
  await bands.nth(0).locator('.sticky').filter({ has: en.locator('.note-text', { hasText: 'More revenue per client' }) })
    .getByRole('combobox', { name: 'Group with…' })
    .selectOption({ label: 'Grow recurring revenue from managed services' });
  await bands.nth(0).locator('.note-group').waitFor();
  await en.getByRole('spinbutton', { name: 'Minutes', exact: true }).fill('5');
  await en.getByRole('button', { name: 'Start', exact: true }).click();
  await en.getByRole('button', { name: 'Start the vote' }).click();
  await en.getByRole('button', { name: 'Vote for “Grow recurring revenue from managed services”' }).click();
  await en.getByRole('button', { name: 'Vote for “Answer every ticket within one business day”' }).click();
  await en.waitForTimeout(1200);
  await en.evaluate(() => window.scrollTo(0, 0));
  await en.setViewportSize({ width: 1600, height: 1250 });
  await en.screenshot({ path: path.join(out, 'brainstorm-en.png') });
  for (const [width, height] of [
    [1920, 1080],
    [1280, 720],
  ]) {
    await page.setViewportSize({ width, height });
    await page.goto(`${base}/maps/${map.id}/brainstorm`, { waitUntil: 'networkidle' });
    await page.locator('body[data-hydrated]').waitFor({ state: 'attached' });
    await page.locator('.note-group').waitFor();
    await page.locator('.countdown').waitFor();
    await page.screenshot({ path: path.join(out, `brainstorm-de-${width}x${height}.png`) });
  }
  await en.getByRole('button', { name: 'Reveal the votes' }).click();
  await en.locator('.brainstorm-ranking').waitFor();
  await en.locator('.brainstorm-ranking').screenshot({ path: path.join(out, 'brainstorm-ranking-en.png') });

  const book = await en.request.get(`${base}/reviews/${closed.id}/briefing.pdf`);
  const pdf = path.join(out, 'briefing-book.pdf');
  fs.writeFileSync(pdf, await book.body());
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '5', pdf, path.join(out, 'briefing-book')]);
  fs.rmSync(pdf);
  console.log(`written into ${out}`);
} finally {
  await browser.close();
  stop();
}
