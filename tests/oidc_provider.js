// A real OpenID Connect provider (npm oidc-provider) on a loopback port, for the sign-in tests.
//
//   node tests/oidc_provider.js <port> <config.json>
//
// config.json: {"clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}],
//               "accounts": {"<sub>": {"email": ..., "email_verified": true, "name": ...}}}
//
// The sign-in interaction is a small page of its own: one "Sign in as <sub>" button per account
// (a browser clicks one; an HTTP test posts `account=<sub>`). Consent is granted at once: the
// clients are the service's own. Prints "ready" once it listens.
//
// OIDC_TEST_NOW_MS (optional): the tests' "now" in milliseconds. The tests may run on a moved
// clock; the provider's clock is moved by the same amount, so its tokens are issued "now".
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

if (process.env.OIDC_TEST_NOW_MS) {
  const offset = Number(process.env.OIDC_TEST_NOW_MS) - Date.now();
  const realNow = Date.now;
  Date.now = () => realNow() + offset;
}

const port = Number(process.argv[2]);
const config = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const issuer = `http://127.0.0.1:${port}`;
const accounts = config.accounts;

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const provider = new Provider(issuer, {
  clients: config.clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  cookies: { keys: ['test-only-cookie-key-one', 'test-only-cookie-key-two'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource(ctx, form) {
        ctx.body = `<!DOCTYPE html><html lang="en"><head><title>Sign out</title></head><body>
          <h1>Sign out of the test provider</h1>${form}
          <button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
          </body></html>`;
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    if (!(id in accounts)) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) };
  },
  // The service's own clients: grant what they ask for without a consent page.
  async loadExistingGrant(ctx) {
    const { client, session } = ctx.oidc;
    const existing = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
    if (existing) return ctx.oidc.provider.Grant.find(existing);
    const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    session.grantIdFor(client.clientId, grant.jti);
    return grant;
  },
});

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'POST') {
    const body = await new Promise((resolve) => {
      let data = '';
      req.on('data', (chunk) => { data += chunk; });
      req.on('end', () => resolve(new URLSearchParams(data)));
    });
    const account = body.get('account');
    if (!(account in accounts)) {
      res.statusCode = 400;
      res.end('unknown account');
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: account } }, {
      mergeWithLastSubmission: false,
    });
    return;
  }
  const buttons = Object.keys(accounts).map((sub) => `<button type="submit" name="account" value="${escape(sub)}">Sign in as ${escape(sub)}</button>`).join('\n');
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(`<!DOCTYPE html><html lang="en"><head><title>Test provider</title></head><body>
    <h1>Test provider: ${escape(details.params.client_id)}</h1>
    <form method="post" action="/interaction/${escape(uid)}">${buttons}</form></body></html>`);
}

const handler = provider.callback();
createServer((req, res) => {
  const match = req.url.match(/^\/interaction\/([^/?]+)$/);
  if (match) {
    interaction(req, res, match[1]).catch((error) => {
      res.statusCode = 500;
      res.end(String(error));
    });
    return;
  }
  handler(req, res);
}).listen(port, '127.0.0.1', () => {
  process.stdout.write('ready\n');
});
