export const KAFKA_VERSION: string;

export interface KafkaBroker {
  /** `127.0.0.1:<port>`, for KAFKA_BROKERS */
  brokers: string;
  port: number;
  controllerPort: number;
  pid: number;
  dataDir: string;
  logFile: string;
  startMs: number;
  /** The data folder already held this broker: its topics, messages and offsets were kept. */
  restarted: boolean;
  /** Keeps a caller's data folder and removes a temporary one, unless `keepData` says otherwise. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export function startKafka(options?: {
  port?: number;
  dataDir?: string;
  fresh?: boolean;
  log?: ((message: string) => void) | false;
  detached?: boolean;
}): Promise<KafkaBroker>;
export function stopKafka(options?: { dataDir?: string }): Promise<boolean>;
export function ensureKafkaJars(options?: {
  log?: ((message: string) => void) | false;
}): Promise<string>;
export function freePort(): Promise<number>;
