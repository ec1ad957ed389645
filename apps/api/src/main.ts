import 'reflect-metadata';
import { apiEnvSchema, loadConfigOrExit } from '@app/config';
import { createLogger, PinoNestLogger } from '@app/observability';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { existsSync } from 'node:fs';
import { PRODUCT } from '@app/export';
import { ApiModule } from './api.module';
import { serveConsole } from './console/console-static';
import { serveOpenApi } from './openapi';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(apiEnvSchema);
  if (config.AUTH_JWKS_FILE && !existsSync(config.AUTH_JWKS_FILE)) {
    process.stderr.write(
      `invalid configuration: AUTH_JWKS_FILE: ${config.AUTH_JWKS_FILE} does not exist (run \`npm run -s token -- --tenant t --role investigator\` once to create the development key, or set AUTH_JWKS_URL)\n`,
    );
    process.exit(78);
  }
  const logger = createLogger('provenant-api', config.LOG_LEVEL);
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
  });
  // Bounded bodies: a GraphQL request has no business being large.
  app.useBodyParser('json', { limit: config.HTTP_BODY_LIMIT });
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  serveOpenApi(app, PRODUCT.version);
  const consoleServed = serveConsole(app);
  await app.listen(config.PORT, config.HOST);
  logger.info(
    { port: config.PORT, host: config.HOST, console: consoleServed },
    'api ready: /graphql /v1/export /openapi.json /console /healthz /readyz /metrics',
  );
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`api failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
