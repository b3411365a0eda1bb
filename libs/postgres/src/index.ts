/**
 * @platform/postgres: what every Postgres-owning service needs whatever it stores.
 * `ensureDatabase` creates the service's own database at start when it is missing;
 * `runMigrateCommand` is `node main.js migrate` (create, migrate, stop); `isPostgresUnavailable`
 * tells an outage of the server from a failed statement; `assertIdentifier` guards a table or
 * channel name before it is spliced into SQL.
 */
export { ensureDatabase } from './ensure-database';
export { runMigrateCommand, type MigrateCommandOptions } from './migrate.command';
export { isPostgresUnavailable } from './postgres-unavailable';
export { assertIdentifier } from './sql-identifier';
