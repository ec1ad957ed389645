export const MIGRATIONS_DIR: string;
export const DEFAULT_DATABASE_URL: string;
export function createDatabase(databaseUrl: string): Promise<boolean>;
export function dropDatabase(databaseUrl: string): Promise<void>;
export function migrate(
  databaseUrl: string,
  options?: { log?: (line: string) => void },
): Promise<string[]>;
export function listMigrations(
  dir?: string,
): Array<{ name: string; sql: string; checksum: string }>;
