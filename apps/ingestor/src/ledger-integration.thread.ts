import { APP_CONFIG, type IngestorEnv } from '@app/config';
import type { IntegrationResult } from '@app/ledger';
import { RequestThread } from '@app/threads';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';

/** What the integration thread is started with. */
export interface IntegrationWorkerData {
  url: string;
  applicationName: string;
}

/**
 * Runs the ledger's integration in a worker thread: building each event's canonical record,
 * hashing it, and reading and writing the leaves and nodes cost about 100 µs of CPU an event,
 * none of which belongs on the thread that consumes, validates and stores the stream. The
 * thread has its own database connection and is started on first use; if it dies, the
 * integration in progress fails (its transaction rolls back, the sequencer's next pass
 * retries) and the next call starts a new one. It stops at shutdown, after the sequencer's
 * last pass.
 */
@Injectable()
export class LedgerIntegrationThread implements OnApplicationShutdown {
  private readonly thread: RequestThread<number, IntegrationResult>;

  constructor(@Inject(APP_CONFIG) config: Pick<IngestorEnv, 'DATABASE_URL'>) {
    this.thread = new RequestThread({
      name: 'ledger integration',
      file: join(__dirname, 'ledger-integration.worker.js'),
      workerData: {
        url: config.DATABASE_URL,
        applicationName: 'provenant-ingestor-ledger',
      } satisfies IntegrationWorkerData,
    });
  }

  /** Writes the leaves of up to `limit` placed events that have none yet. */
  integrate(limit: number): Promise<IntegrationResult> {
    return this.thread.request(limit);
  }

  onApplicationShutdown(): Promise<void> {
    return this.thread.stop('the ingestor is shutting down');
  }
}
