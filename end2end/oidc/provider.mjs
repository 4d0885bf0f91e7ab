// A real OpenID provider (npm `oidc-provider`) for Cairn's single sign-on tests: the Rust router
// tests (server/tests/sso.rs) and Playwright (end2end/tests/sso.spec.ts) start it, sign in
// through it, and check what Cairn makes of the answer.
//
//   node end2end/oidc/provider.mjs --port=0 --client-id=cairn --client-secret=… \
//        --redirect-uri=http://127.0.0.1:3101/auth/oidc/callback
//
// Every option can also be given as an environment variable (OIDC_PORT, OIDC_HOST,
// OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI; several redirect URIs separated by
// commas). Port 0 takes a free port. Once ready it prints one line, `issuer <url>`, on stdout.
//
// The one client is confidential (client_secret_basic) and must use PKCE (S256). Anybody can sign
// in: the login form asks for an email and whether the provider vouches for it
// (`email_verified`), so a test picks an existing Cairn user, an unknown one, or an unverified
// address. There is no consent step (the grant is made at once, as for a first-party app).

import crypto from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

function option(name, fallback) {
  const flag = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (flag) return flag.slice(name.length + 3);
  const env = process.env[`OIDC_${name.toUpperCase().replaceAll('-', '_')}`];
  return env ?? fallback;
}

const host = option('host', '127.0.0.1');
const port = Number(option('port', '0'));
const clientId = option('client-id', 'cairn');
const clientSecret = option('client-secret', 'cairn-test-secret');
const redirectUris = option('redirect-uri', 'http://127.0.0.1:3101/auth/oidc/callback')
  .split(',')
  .map((u) => u.trim())
  .filter(Boolean);

// An account id carries the email and whether it is verified: `v:ann@example.com` or
// `u:ann@example.com`.
function accountId(email, verified) {
  return `${verified ? 'v' : 'u'}:${email.trim().toLowerCase()}`;
}

// "new.person@x" → "New Person".
function nameOf(email) {
  return email
    .split('@')[0]
    .split(/[._-]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');
}

async function findAccount(_ctx, id) {
  const match = /^([vu]):(.+@.+)$/.exec(id);
  if (!match) return undefined;
  const [, flag, email] = match;
  return {
    accountId: id,
    async claims() {
      return { sub: id, email, email_verified: flag === 'v', name: nameOf(email) };
    },
  };
}

// First-party client: the grant is made without asking.
async function loadExistingGrant(ctx) {
  const grantId = ctx.oidc.result?.consent?.grantId
    || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
  if (grantId) return ctx.oidc.provider.Grant.find(grantId);
  const grant = new ctx.oidc.provider.Grant({
    clientId: ctx.oidc.client.clientId,
    accountId: ctx.oidc.session.accountId,
  });
  grant.addOIDCScope('openid email profile');
  await grant.save();
  return grant;
}

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test', alg: 'RS256', use: 'sig' };

function configuration() {
  return {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        post_logout_redirect_uris: redirectUris.map((u) => new URL('/signin', u).href),
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // Scope claims (email) go into the ID token itself, which is what Cairn reads.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    findAccount,
    loadExistingGrant,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  };
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid) {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main>
<h1>Test identity provider</h1>
<form method="post" action="/interaction/${escape(uid)}/login">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" required autofocus>
  <label><input name="verified" type="checkbox" value="1" checked> The provider has verified this email</label>
  <button type="submit">Continue</button>
</form>
</main></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

let provider;
let callback;

async function handle(req, res) {
  const url = new URL(req.url, 'http://provider.local');
  const interaction = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
  try {
    if (interaction && req.method === 'GET' && !interaction[2]) {
      const details = await provider.interactionDetails(req, res);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(loginPage(details.uid));
      return;
    }
    if (interaction && req.method === 'POST' && interaction[2]) {
      const form = await readForm(req);
      const email = (form.get('email') ?? '').trim();
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('enter an email');
        return;
      }
      const login = { accountId: accountId(email, form.get('verified') === '1') };
      await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
      return;
    }
  } catch (e) {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end(`interaction failed: ${e.message}`);
    return;
  }
  callback(req, res);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((e) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(e));
  });
});

// Whoever started the provider may stop reading its output; that must not stop it.
process.stdout.on('error', () => {});

server.listen(port, host, () => {
  const issuer = `http://${host}:${server.address().port}`;
  provider = new Provider(issuer, configuration());
  callback = provider.callback();
  process.stdout.write(`issuer ${issuer}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
