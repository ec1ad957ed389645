// A real single-node Apache Kafka broker (KRaft: broker and controller in one JVM) for the
// demo, the tests and local development, with no Docker and no Kafka distribution to
// install: plain `java` on the jars of jars.ts.
//
//   const kafka = await startKafka();          // free port, fresh temporary folder
//   ... use kafka.brokers ...
//   await kafka.stop();                        // removes that temporary folder
//   await kafka.stop({ keepData: true });      // or keeps it, to start again:
//   await startKafka({ dataDir: kafka.dataDir, port: kafka.port });
//
//   // Also a SASL_SSL listener (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) for these users, with a
//   // throw-away self-signed certificate whose PEM is kafka.caFile:
//   const kafka = await startKafka({ saslSsl: { users: [{ name: 'alice', password: 'pw' }] } });
//   ... use kafka.saslSslBrokers and kafka.caFile ...
//
// Needs Java 17+ (`java` and `keytool` on the PATH or JAVA_HOME) and, for the first fetch,
// Maven.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, isPortFree, isPortOpen } from '../ports';
import { tail } from '../processes';
import { sleep } from '../wait';
import { checkSaslUsers, log4jProperties, serverProperties, type SaslUser } from './config';
import { JAVA, javaMissing } from './java';
import { ensureKafkaJars, logger, stderrLog, type KafkaLog } from './jars';
import {
  DATA_SUBDIR,
  definedPorts,
  formatStorage,
  PID_FILE,
  prepareRunDir,
  PROPS_FILE,
  stopBroker,
} from './run-dir';
import { ensureCertificate } from './tls';

const STARTED_LINE = 'Kafka Server started';
const START_TIMEOUT_MS = 90_000;
const POLL_MS = 100;

export interface StartKafkaOptions {
  /**
   * Client port on 127.0.0.1. When omitted: the port the folder was last started with, or a
   * free one for a new folder. Another port than last time is fine: the listeners are
   * configured afresh on every start.
   */
  port?: number;
  /** Folder for config, data, logs and the pid file; a new temporary one (that `stop()` removes) when omitted. */
  dataDir?: string;
  /** Wipe `dataDir` and format it anew even if it holds a broker (never a folder without our marker). */
  fresh?: boolean;
  /** Progress messages: stderr by default, `false` for none. */
  log?: KafkaLog;
  /** Keep the broker running after this process exits (the CLI); otherwise it is killed when this process exits normally. */
  detached?: boolean;
  /**
   * Also a SASL_SSL listener on another port, for these users with PLAIN, SCRAM-SHA-256 and
   * SCRAM-SHA-512, behind a self-signed certificate for 127.0.0.1 and localhost made for the
   * folder (its PEM is `caFile`). The SCRAM credentials are stored when the folder is
   * formatted: a folder started again keeps the SCRAM users it was formatted with (PLAIN's
   * are configured afresh on every start). The broker's own and the controller's listeners
   * stay PLAINTEXT.
   */
  saslSsl?: { users: SaslUser[] };
}

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
  /** With `saslSsl`: `127.0.0.1:<port>` of the SASL_SSL listener, for KAFKA_BROKERS. */
  saslSslBrokers?: string;
  saslSslPort?: number;
  /** With `saslSsl`: the PEM of the listener's self-signed certificate, for KAFKA_SSL_CA_FILE. */
  caFile?: string;
  /** Keeps a caller's data folder and removes a temporary one, unless `keepData` says otherwise. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * Starts a broker and resolves once it accepts clients. A data folder formatted before is
 * started again as it is (topics, messages and consumer-group offsets kept); an empty or new
 * one is formatted first.
 */
export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaBroker> {
  const { detached = false, fresh = false, saslSsl } = options;
  const log = logger(options.log === undefined ? stderrLog : options.log);
  if (saslSsl) checkSaslUsers(saslSsl.users);
  const libs = await ensureKafkaJars({ log });
  const started = Date.now();

  const ownsDataDir = !options.dataDir;
  let dataDir = options.dataDir
    ? path.resolve(options.dataDir)
    : await fs.mkdtemp(path.join(os.tmpdir(), 'provenant-kafka-'));
  await fs.mkdir(dataDir, { recursive: true });
  // The canonical path: stopKafka() recognises the broker by it in the process table.
  dataDir = await fs.realpath(dataDir);
  // The listeners of the broker to start again, or null when the folder is (now) empty.
  const previous = await prepareRunDir(dataDir, { fresh, log });
  const restarted = previous !== null;

  const port = options.port ?? previous?.port ?? (await freePort());
  if (!(await isPortFree(port))) {
    const hint =
      previous?.port === port
        ? `; it is the port ${dataDir} last ran on, another one can be given (--port)`
        : '';
    throw new Error(
      `port ${port} on 127.0.0.1 is already in use (a broker still running? ` +
        `\`npm run kafka:stop\`${hint})`,
    );
  }
  // The controller keeps its port too when it can; with a static one-voter quorum it may
  // also move (the voter set comes from the configuration, not from the stored metadata).
  let controllerPort =
    previous?.controllerPort &&
    previous.controllerPort !== port &&
    (await isPortFree(previous.controllerPort))
      ? previous.controllerPort
      : await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  let saslSslPort: number | undefined;
  if (saslSsl) {
    const taken = (candidate: number) => candidate === port || candidate === controllerPort;
    saslSslPort =
      previous?.saslSslPort &&
      !taken(previous.saslSslPort) &&
      (await isPortFree(previous.saslSslPort))
        ? previous.saslSslPort
        : await freePort();
    while (taken(saslSslPort)) saslSslPort = await freePort();
  }

  const dataPath = path.join(dataDir, DATA_SUBDIR);
  const logsDir = path.join(dataDir, 'logs');
  const logFile = path.join(logsDir, 'server.log');
  const outFile = path.join(dataDir, 'kafka.out');
  const propsFile = path.join(dataDir, PROPS_FILE);
  const log4jFile = path.join(dataDir, 'log4j2.properties');
  await fs.mkdir(logsDir, { recursive: true });
  const tls = saslSsl ? await ensureCertificate(dataDir, log) : undefined;
  // Written on every start: this is where the ports are kept, and they may have changed.
  await fs.writeFile(
    propsFile,
    serverProperties({
      port,
      controllerPort,
      dataPath,
      saslSsl:
        saslSsl && tls && saslSslPort !== undefined
          ? { port: saslSslPort, users: saslSsl.users, tls }
          : undefined,
    }),
  );
  await fs.writeFile(log4jFile, log4jProperties(logFile));
  // A restarted broker appends to its old log, which already holds a start-up line.
  const logOffset = await fs.stat(logFile).then(
    (stat) => stat.size,
    () => 0,
  );

  const classpath = `${libs}${path.sep}*`; // expanded by java itself, no shell involved
  const log4jOpt = `-Dlog4j2.configurationFile=${log4jFile}`;

  if (previous) {
    const moved = [
      previous.port !== undefined && previous.port !== port && `port ${previous.port} → ${port}`,
      previous.controllerPort !== undefined &&
        previous.controllerPort !== controllerPort &&
        `controller port ${previous.controllerPort} → ${controllerPort}`,
    ].filter(Boolean);
    log(
      `starting the broker in ${dataDir} again, with its topics and offsets` +
        (moved.length > 0 ? ` (${moved.join(', ')})` : ''),
    );
  } else {
    await formatStorage({ dataDir, classpath, log4jOpt, propsFile, scramUsers: saslSsl?.users });
  }

  const outFd = openSync(outFile, 'a');
  let child;
  try {
    child = spawn(
      JAVA,
      [
        '-Xms256m',
        '-Xmx512m',
        // The GC settings of Kafka's own start script (kafka-run-class.sh).
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-XX:InitiatingHeapOccupancyPercent=35',
        '-XX:+ExplicitGCInvokesConcurrent',
        '-Djava.awt.headless=true',
        log4jOpt,
        `-Dkafka.logs.dir=${logsDir}`,
        '-cp',
        classpath,
        'kafka.Kafka',
        propsFile,
      ],
      // A file, not a pipe, for stdout/stderr: a detached broker outlives this process,
      // and nobody would drain a pipe.
      { cwd: dataDir, detached, stdio: ['ignore', outFd, outFd] },
    );
  } finally {
    closeSync(outFd);
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject)).catch(
    javaMissing,
  );
  await Promise.race([new Promise((resolve) => child.once('spawn', resolve)), spawnError]);
  const pid = child.pid!;
  await fs.writeFile(path.join(dataDir, PID_FILE), `${pid}\n`);

  // Best effort for the attached case: a test run that forgets stop() still takes its
  // broker down when it exits normally. (A SIGKILLed parent leaves it running.)
  const killOnExit = () => child.kill('SIGKILL');
  if (!detached) process.once('exit', killOnExit);

  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((info) => (exitInfo = info));

  const ports = definedPorts({ port, controllerPort, saslSslPort });
  let stopping: Promise<void> | undefined;
  const shutDown = ({ removeDataDir }: { removeDataDir: boolean }) =>
    (stopping ??= (async () => {
      // Once it has exited, its pid may belong to someone else: no more signals.
      if (!exitInfo) await stopBroker(pid, { exited, ports });
      process.removeListener('exit', killOnExit);
      await fs.rm(path.join(dataDir, PID_FILE), { force: true });
      if (removeDataDir) await fs.rm(dataDir, { recursive: true, force: true });
    })());
  // On a failed start the data folder stays, temporary or not: the error points into it.
  const failStart = async (reason: string): Promise<never> => {
    await shutDown({ removeDataDir: false });
    throw new Error(`${reason}\n${await brokerLogTail(dataDir)}`);
  };

  for (;;) {
    if (exitInfo) {
      const how = exitInfo.signal ?? `code ${exitInfo.code}`;
      await failStart(`the Kafka broker exited during start-up (${how})`);
    }
    if (Date.now() - started > START_TIMEOUT_MS) {
      await failStart(`the Kafka broker was not ready after ${START_TIMEOUT_MS / 1000} s`);
    }
    // The log line alone is not enough: the acceptors must take connections too.
    if (
      (await logContains(logFile, STARTED_LINE, logOffset)) &&
      (await isPortOpen(port)) &&
      (saslSslPort === undefined || (await isPortOpen(saslSslPort)))
    )
      break;
    await sleep(POLL_MS);
  }
  if (detached) child.unref();

  const startMs = Date.now() - started;
  const brokers = `127.0.0.1:${port}`;
  log(`broker ${brokers} ready in ${startMs} ms (pid ${pid}, data ${dataDir})`);
  const stop = ({ keepData = !ownsDataDir }: { keepData?: boolean } = {}) =>
    shutDown({ removeDataDir: !keepData });

  const secured = saslSsl &&
    tls && {
      saslSslBrokers: `127.0.0.1:${saslSslPort}`,
      saslSslPort,
      caFile: tls.caFile,
    };
  return {
    brokers,
    port,
    controllerPort,
    pid,
    dataDir,
    logFile,
    startMs,
    restarted,
    ...secured,
    stop,
  };
}

/** Whether `text` is in `file` after byte `from` (from the start if it has rolled over). */
async function logContains(file: string, text: string, from = 0): Promise<boolean> {
  const content = await fs.readFile(file).catch(() => Buffer.alloc(0));
  return content.subarray(content.length < from ? 0 : from).includes(text);
}

async function brokerLogTail(dataDir: string): Promise<string> {
  const parts: string[] = [];
  for (const [name, file] of [
    ['logs/server.log', path.join(dataDir, 'logs', 'server.log')],
    ['kafka.out', path.join(dataDir, 'kafka.out')],
  ]) {
    const content = await fs.readFile(file, 'utf8').catch(() => '');
    if (content.trim())
      parts.push(`--- last lines of ${path.join(dataDir, name)} ---\n${tail(content, 30)}`);
  }
  return parts.join('\n') || `(no broker output in ${dataDir})`;
}
