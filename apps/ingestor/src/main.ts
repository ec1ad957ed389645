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
  // The batch in hand gets SHUTDOWN_DEADLINE_MS to finish and commit; after that the process
  // exits uncommitted (the batch is read again by whoever takes the partition).
  const armDeadline = (signal: NodeJS.Signals) => {
    setTimeout(() => {
      logger.error(
        { signal, deadlineMs: config.SHUTDOWN_DEADLINE_MS },
        'shutdown deadline passed; exiting uncommitted',
      );
      process.exit(1);
    }, config.SHUTDOWN_DEADLINE_MS).unref();
  };
  process.once('SIGTERM', armDeadline);
  process.once('SIGINT', armDeadline);
  await app.listen(config.INGESTOR_PORT, '127.0.0.1');
  logger.info({ port: config.INGESTOR_PORT }, 'ingestor ready: /healthz /readyz /metrics');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`ingestor failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
