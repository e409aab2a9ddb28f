// A real OpenID Connect provider for the tests: panva's certified oidc-provider on
// loopback, with test users whose claims look like Microsoft Entra ID's (oid,
// preferred_username, groups). Its own login page (the package's development
// interactions) signs anyone in by their account id; the password is not checked.
//
//   node tests/oidc/provider.mjs CONFIG.json
//
// CONFIG: {"issuer", "port", "clients": [...], "accounts": {id: claims},
//          "id_token_ttl": seconds}. Accounts are read from the file at every sign-in,
// so a test changes a user's groups by writing the file again. Prints "ready" once it
// listens.
import fs from 'node:fs';
import Provider from 'oidc-provider';

const configPath = process.argv[2];
const read = () => JSON.parse(fs.readFileSync(configPath, 'utf8'));
const conf = read();

const provider = new Provider(conf.issuer, {
  clients: conf.clients,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username', 'oid', 'groups', 'roles'],
  },
  // Every claim of the scopes in the ID token, as Entra ID puts them there.
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    const claims = read().accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  ttl: { IdToken: conf.id_token_ttl || 3600, AccessToken: 3600, Session: 3600,
         Interaction: 3600, Grant: 3600 },
  cookies: { keys: ['followup-test-cookie-key'] },
});
provider.listen(conf.port, '127.0.0.1', () => { console.log('ready'); });
