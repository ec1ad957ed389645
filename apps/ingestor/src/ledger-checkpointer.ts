import {
  APP_CONFIG,
  ConfigError,
  DEV_LEDGER_SIGNER_FILE,
  readKeySetting,
  type IngestorEnv,
} from '@app/config';
import {
  CheckpointSigner,
  LedgerIntegrityError,
  LedgerSelfCheck,
  parseSignerKey,
  SignedNoteError,
  type NoteSigner,
} from '@app/ledger';
import { LedgerRepository } from '@app/persistence';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { DrainLoop } from './drain-loop';
import { IngestorMetrics } from './ingestor.metrics';
import { INGESTOR_KAFKA, INGESTOR_LOGGER } from './ingestor.tokens';

/** The signing key from configuration; a bad one stops the process at start, naming it. */
export function ledgerSigner(config: IngestorEnv): NoteSigner {
  const text = readKeySetting({
    variable: 'LEDGER_SIGNING_KEY',
    value: config.LEDGER_SIGNING_KEY,
    file: config.LEDGER_SIGNING_KEY_FILE,
    developmentFile: DEV_LEDGER_SIGNER_FILE,
    production: config.NODE_ENV === 'production',
  });
  try {
    return parseSignerKey(text);
  } catch (error) {
    if (error instanceof SignedNoteError)
      throw new ConfigError(`LEDGER_SIGNING_KEY: ${error.message}`);
    throw error;
  }
}

export const LEDGER_SIGNER = Symbol('LEDGER_SIGNER');

/**
 * Signs a checkpoint of the ledger every LEDGER_CHECKPOINT_INTERVAL_MS when it grew (and at
 * once when the sequencer reports LEDGER_CHECKPOINT_GROWTH new leaves), publishes the signed
 * checkpoints to the checkpoint topic once stored (retrying what the broker has not
 * acknowledged), and runs the integrity check every LEDGER_SELF_CHECK_INTERVAL_MS. A ledger
 * that no longer extends its last checkpoint is never signed again: an error is logged and
 * counted on every attempt.
 */
@Injectable()
export class LedgerCheckpointer
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private producer?: Producer;
  private readonly loop = new DrainLoop(() => this.checkpoint(1));
  private readonly checkLoop = new DrainLoop(() => this.selfCheck());
  private readonly origin: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: IngestorEnv,
    @Inject(INGESTOR_KAFKA) private readonly kafka: Kafka,
    @Inject(INGESTOR_LOGGER) private readonly logger: Logger,
    @Inject(LEDGER_SIGNER) private readonly signer: NoteSigner,
    private readonly checkpoints: CheckpointSigner,
    private readonly integrity: LedgerSelfCheck,
    private readonly ledger: LedgerRepository,
    private readonly metrics: IngestorMetrics,
  ) {
    this.origin = config.LEDGER_ORIGIN ?? signer.name;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.LEDGER_INTEGRATION) return;
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    this.loop.start(this.config.LEDGER_CHECKPOINT_INTERVAL_MS);
    this.checkLoop.start(this.config.LEDGER_SELF_CHECK_INTERVAL_MS);
  }

  /** The sequencer integrated a lot: sign now if the ledger grew by LEDGER_CHECKPOINT_GROWTH. */
  grew(): void {
    void this.checkpoint(this.config.LEDGER_CHECKPOINT_GROWTH);
  }

  private async checkpoint(minGrowth: number): Promise<void> {
    try {
      const result = await this.checkpoints.sign(this.signer, this.origin, minGrowth);
      if ('signed' in result) {
        this.metrics.ledgerCheckpointSize.set(result.signed.treeSize);
        this.logger.debug({ treeSize: result.signed.treeSize }, 'ledger checkpoint signed');
      }
      await this.publish();
    } catch (error) {
      if (error instanceof LedgerIntegrityError) {
        this.metrics.ledgerIntegrityProblems.inc();
        this.metrics.ledgerIntegrityOk.set(0);
        this.logger.error(
          { problem: error.message },
          'ledger integrity: refusing to sign a checkpoint that does not extend the last',
        );
        return;
      }
      this.metrics.ledgerFailures.inc();
      this.logger.warn(
        { err: { message: (error as Error).message } },
        'ledger checkpoint failed; will retry',
      );
    }
  }

  private async publish(): Promise<void> {
    const pending = await this.ledger.unpublishedCheckpoints();
    if (pending.length === 0) return;
    await this.producer!.send({
      topic: this.config.KAFKA_CHECKPOINT_TOPIC,
      acks: -1,
      messages: pending.map((checkpoint) => ({
        key: this.origin,
        value: checkpoint.note,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      })),
    });
    await this.ledger.markCheckpointsPublished(pending.map((checkpoint) => checkpoint.treeSize));
  }

  private async selfCheck(): Promise<void> {
    try {
      const report = await this.integrity.run(this.config.LEDGER_SELF_CHECK_WINDOW);
      this.metrics.ledgerIntegrityOk.set(report.problems.length === 0 ? 1 : 0);
      if (report.problems.length === 0) return;
      this.metrics.ledgerIntegrityProblems.inc(report.problems.length);
      this.logger.error(
        {
          problems: report.problems.slice(0, 20),
          count: report.problems.length,
          checked: report.checked,
        },
        'ledger integrity: the stored ledger does not match what was recorded',
      );
    } catch (error) {
      this.logger.warn(
        { err: { message: (error as Error).message } },
        'ledger integrity check failed; will retry',
      );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.config.LEDGER_INTEGRATION) return;
    await this.checkLoop.stop();
    await this.loop.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer?.disconnect();
  }
}
