// A real OpenID provider for the single sign-on tests: Node's oidc-provider on a loopback
// port, with one relying party (Fansipan), a second one (to get tokens meant for someone
// else) and a few people. Started by tests/support/oidc.py; prints "ready" when listening.
//
//   node server.mjs PORT REDIRECT_URI[,REDIRECT_URI...]
//
// POST /__test/next?mode=... makes the next token answer misbehave once, the way a broken
// or hostile platform (or a man in the middle) would: bad-signature, wrong-audience,
// wrong-issuer, expired, replay-nonce (the ID token of the previous sign-in).
import crypto from 'node:crypto';
import Provider from 'oidc-provider';
import { SignJWT, decodeJwt } from 'jose';

const port = Number(process.argv[2]);
const redirects = process.argv[3].split(',');
const issuer = `http://127.0.0.1:${port}`;

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

// The people of the platform. Like the national identity platform, a person signs in with
// the 12-digit number of their citizen identity card, which is also their stable subject.
const people = {
  '001088000123': { preferred_username: 'lan.sso', name: 'Nguyễn Thị Lan',
                    email: 'lan@laocai.gov.vn', groups: ['so-ke-hoach', 'lanh-dao'] },
  '001088000456': { preferred_username: 'minh.sso', name: 'Trần Văn Minh',
                    email: 'minh@laocai.gov.vn', groups: ['can-bo'] },
};

function claimsOf(id) {
  const known = people[id];
  if (known) return { sub: id, ...known, email_verified: true };
  return { sub: id, name: id };
}

const clients = [{
  client_id: 'fansipan', client_secret: 'fansipan-test-client-secret-1234567890',
  redirect_uris: redirects, post_logout_redirect_uris: redirects.map((r) => new URL('/', r).href),
  grant_types: ['authorization_code'], response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
}, {
  client_id: 'someone-else', client_secret: 'another-test-client-secret-0987654321',
  redirect_uris: redirects, grant_types: ['authorization_code'], response_types: ['code'],
}];

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [jwk] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  conformIdTokenClaims: false,
  scopes: ['openid', 'profile', 'email', 'groups'],
  claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'unit'],
            email: ['email', 'email_verified'], groups: ['groups'] },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign out</title></head>
          <body><h1>Sign out of the identity platform?</h1>${form}
          <button id="confirm-logout" type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
          </body></html>`;
      },
    },
  },
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return claimsOf(id); } };
  },
  // The platform's own consent screen is out of the picture: the province registered us.
  async loadExistingGrant(ctx) {
    const id = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (id) return ctx.oidc.provider.Grant.find(id);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId,
                                                accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email groups');
    await grant.save();
    return grant;
  },
  ttl: { IdToken: 600, AccessToken: 600, AuthorizationCode: 60, Session: 3600, Interaction: 600, Grant: 3600 },
});

let next = null;
let previous = null;

async function resign(token, change) {
  const claims = { ...decodeJwt(token), ...change };
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
    .sign(privateKey);
}

provider.use(async (ctx, go) => {
  if (ctx.path === '/__test/next' && ctx.method === 'POST') {
    next = ctx.query.mode || null;
    ctx.body = { next };
    return;
  }
  await go();
  if (ctx.path !== '/token' || !ctx.body || typeof ctx.body !== 'object' || !ctx.body.id_token) return;
  const honest = ctx.body.id_token;
  const mode = next;
  next = null;
  if (mode === 'bad-signature') {
    const [h, p, s] = honest.split('.');
    ctx.body.id_token = `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
  } else if (mode === 'wrong-audience') {
    ctx.body.id_token = await resign(honest, { aud: 'someone-else', azp: 'someone-else' });
  } else if (mode === 'wrong-issuer') {
    ctx.body.id_token = await resign(honest, { iss: 'http://127.0.0.1:1/impostor' });
  } else if (mode === 'expired') {
    const now = Math.floor(Date.now() / 1000);
    ctx.body.id_token = await resign(honest, { iat: now - 7200, exp: now - 3600 });
  } else if (mode === 'replay-nonce' && previous) {
    ctx.body.id_token = previous;
  }
  previous = honest;
});

provider.listen(port, '127.0.0.1', () => { console.log('ready'); });
