// `npm run setup` / `npm run build`: the Prisma client when it is stale and, with --build,
// the apps compiled to dist/. (The node dependencies were installed by the bootstrap.)
import { prepareCheckout, runCli } from './infra';

runCli('setup', () => prepareCheckout({ withBuild: process.argv.includes('--build') }));
