// `npm run -s token -- --tenant acme --role investigator [--tenant … --role …] [--sub name] [--ttl 3600]`
// prints, alone on stdout, a JWT signed with the local development key (tools/infra/dev-keys.ts).
import { parseArgs } from 'node:util';
import { runCli, signDevToken } from './infra';

const ROLES = ['investigator', 'dashboard', 'siem', 'admin'];

runCli('token', async () => {
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
    process.stderr.write(`token: ${(error as Error).message}\n`);
    return 2;
  }
  const ttl = Number(values.ttl);
  const problems: string[] = [];
  if (values.tenant.length === 0) problems.push('at least one --tenant is needed');
  for (const role of values.role)
    if (!ROLES.includes(role)) problems.push(`unknown role "${role}" (one of ${ROLES.join(', ')})`);
  if (values.role.length === 0)
    problems.push(`at least one --role is needed (${ROLES.join(', ')})`);
  if (!Number.isInteger(ttl) || ttl <= 0)
    problems.push('--ttl must be a positive number of seconds');
  if (problems.length > 0) {
    process.stderr.write(`token: ${problems.join('; ')}\n`);
    return 2;
  }
  const token = await signDevToken({
    tenants: values.tenant,
    roles: values.role,
    subject: values.sub,
    expiresIn: ttl,
  });
  process.stdout.write(`${token}\n`);
  return 0;
});
