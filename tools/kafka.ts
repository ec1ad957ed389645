// `npm run kafka:start|stop|fetch`: a broker for local development (tools/infra/kafka).
//   kafka:start [-- --port 9092] [--dir .cache/kafka-run/default] [--fresh]
//       starts a detached broker, prints KAFKA_BROKERS=127.0.0.1:<port> once it is ready;
//       port 9092 for a new folder, the folder's last port for an existing one
//   kafka:stop [-- --dir .cache/kafka-run/default]     keeps the data
//   kafka:fetch        fetches the jars only, prints the libs folder
import path from 'node:path';
import {
  DEFAULT_RUN_DIR,
  ensureKafkaJars,
  formattedRun,
  ROOT,
  runCli,
  startKafka,
  stderrLine,
  stopKafka,
} from './infra';

const DEFAULT_CLI_PORT = 9092;
const say = stderrLine('kafka');
const defaultDir = path.relative(ROOT, DEFAULT_RUN_DIR);
const USAGE = `usage: npm run kafka:start [-- --port ${DEFAULT_CLI_PORT}] [--dir ${defaultDir}] [--fresh]
       npm run kafka:stop [-- --dir ${defaultDir}]
       npm run kafka:fetch`;

interface Arguments {
  command: string;
  port?: number;
  dir: string;
  fresh: boolean;
}

function parseArguments(argv: string[]): Arguments {
  const [command, ...rest] = argv;
  const options: { port?: string; dir?: string; fresh?: boolean } = {};
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--fresh') {
      options.fresh = true;
      continue;
    }
    const match = /^--(port|dir)(?:=(.*))?$/.exec(rest[i]);
    if (!match) throw new Error(`unknown argument: ${rest[i]}`);
    const value = match[2] ?? rest[++i];
    if (value === undefined) throw new Error(`--${match[1]} needs a value`);
    options[match[1] as 'port' | 'dir'] = value;
  }
  let port: number | undefined;
  if (options.port !== undefined) {
    port = Number(options.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`not a port: ${options.port}`);
    }
  }
  return { command, port, dir: options.dir ?? DEFAULT_RUN_DIR, fresh: options.fresh ?? false };
}

runCli('kafka', async () => {
  const { command, port, dir, fresh } = parseArguments(process.argv.slice(2));
  switch (command) {
    case 'start': {
      // A folder with a broker in it keeps its port unless --port says otherwise.
      const kept = fresh ? null : await formattedRun(path.resolve(dir));
      const kafka = await startKafka({
        port: port ?? kept?.port ?? DEFAULT_CLI_PORT,
        dataDir: dir,
        fresh,
        detached: true,
      });
      process.stdout.write(`KAFKA_BROKERS=${kafka.brokers}\n`);
      return 0;
    }
    case 'stop':
      say((await stopKafka({ dataDir: dir })) ? 'broker stopped' : 'no broker was running');
      return 0;
    case 'fetch':
      process.stdout.write(`${await ensureKafkaJars()}\n`);
      return 0;
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
});
