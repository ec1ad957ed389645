// The database commands:
//   npm run db:generate     the Prisma client, from prisma/schema.prisma
//   npm run db:migrate      creates the database named by DATABASE_URL if needed, then applies
//                           the migrations that are not applied yet
//   npm run -s db:diff [-- path/to/schema.prisma]
//                           prints the SQL that builds, from an empty database, what the schema
//                           describes: to write a new migration from (node needs
//                           --experimental-wasm-modules, which the npm script passes)
import {
  createDatabase,
  DEFAULT_DATABASE_URL,
  generatePrismaClient,
  migrate,
  runCli,
  schemaSql,
  stderrLine,
} from './infra';

const say = stderrLine('db');

runCli('db', async () => {
  const [command, schemaPath] = process.argv.slice(2);
  switch (command) {
    case 'generate':
      generatePrismaClient();
      return 0;
    case 'migrate': {
      const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
      if (await createDatabase(databaseUrl))
        say(`created database ${new URL(databaseUrl).pathname.slice(1)}`);
      const applied = await migrate(databaseUrl, { log: say });
      say(applied.length ? `${applied.length} migration(s) applied` : 'database is up to date');
      return 0;
    }
    case 'diff':
      process.stdout.write(await schemaSql(schemaPath));
      return 0;
    default:
      say('usage: tools/db.ts generate | migrate | diff [schema.prisma]');
      return 2;
  }
});
