import { randomBytes } from 'node:crypto';

/**
 * A name no other test run uses (`prefix_<8 hex>`), for topics, databases, tables and groups,
 * so that suites run in parallel and never read each other's leftovers. Lowercase letters,
 * digits and underscores only: valid in Kafka, PostgreSQL, ClickHouse and MongoDB alike.
 */
export function uniqueName(prefix: string): string {
  return `${prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_${randomBytes(4).toString('hex')}`;
}
