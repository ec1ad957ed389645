// `npm run -s token -- --tenant acme --role investigator [--tenant … --role …] [--sub name] [--ttl 3600]`
// prints, alone on stdout, a JWT signed with the local development key (see dev-keys.mjs).
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { DEV_AUDIENCE, DEV_ISSUER, ensureDevKeys } from './dev-keys.mjs';

const ROLES = ['investigator', 'dashboard', 'siem', 'admin'];
let values;
try {
  ({ values } = parseArgs({
    options: {
      tenant: { type: 'string', multiple: true, default: [] },
      role: { type: 'string', multiple: true, default: [] },
      sub: { type: 'string', default: 'dev-user' },
      ttl: { type: 'string', default: '3600' },
    },
  }));
} catch (error) {
  process.stderr.write(`token: ${error.message}\n`);
  process.exit(2);
}
const ttl = Number(values.ttl);
const problems = [];
if (values.tenant.length === 0) problems.push('at least one --tenant is needed');
for (const role of values.role)
  if (!ROLES.includes(role)) problems.push(`unknown role "${role}" (one of ${ROLES.join(', ')})`);
if (values.role.length === 0) problems.push(`at least one --role is needed (${ROLES.join(', ')})`);
if (!Number.isInteger(ttl) || ttl <= 0) problems.push('--ttl must be a positive number of seconds');
if (problems.length > 0) {
  process.stderr.write(`token: ${problems.join('; ')}\n`);
  process.exit(2);
}

const require = createRequire(import.meta.url);
const { SignJWT, importJWK } = require('jose');
const jwk = ensureDevKeys();
const key = await importJWK(jwk, 'ES256');
const token = await new SignJWT({ tenants: values.tenant, roles: values.role })
  .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'JWT' })
  .setSubject(values.sub)
  .setIssuer(DEV_ISSUER)
  .setAudience(DEV_AUDIENCE)
  .setIssuedAt()
  .setExpirationTime(Math.floor(Date.now() / 1000) + ttl)
  .sign(key);
process.stdout.write(`${token}\n`);
