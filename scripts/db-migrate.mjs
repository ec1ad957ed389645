// `npm run db:migrate`: creates the database named by DATABASE_URL if needed, then applies
// the migrations that are not applied yet.
import { createDatabase, DEFAULT_DATABASE_URL, migrate } from './db.mjs';

const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
try {
  if (await createDatabase(databaseUrl))
    console.error(`created database ${new URL(databaseUrl).pathname.slice(1)}`);
  const applied = await migrate(databaseUrl, { log: (line) => console.error(line) });
  console.error(
    applied.length ? `${applied.length} migration(s) applied` : 'database is up to date',
  );
} catch (error) {
  console.error(`db:migrate failed: ${error.message}`);
  process.exit(1);
}
