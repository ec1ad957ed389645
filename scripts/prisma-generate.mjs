// `prisma generate` without Prisma's binary host: the CLI insists on locating a native
// schema engine before it starts, though generating the client never uses it. Pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing file satisfies that check.
import { spawnSync } from 'node:child_process';

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const result = spawnSync('node_modules/.bin/prisma', ['generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
