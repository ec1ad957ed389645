import 'reflect-metadata';
import { ingestorEnvSchema, loadConfigOrExit } from '@app/config';
import { createLogger, PinoNestLogger } from '@app/observability';
import { NestFactory } from '@nestjs/core';
import { IngestorModule } from './ingestor.module';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(ingestorEnvSchema);
  const logger = createLogger('provenant-ingestor', config.LOG_LEVEL);
  const app = await NestFactory.create(IngestorModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
  });
  app.enableShutdownHooks();
  await app.listen(config.INGESTOR_PORT, '127.0.0.1');
  logger.info({ port: config.INGESTOR_PORT }, 'ingestor ready: /healthz /readyz /metrics');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`ingestor failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
