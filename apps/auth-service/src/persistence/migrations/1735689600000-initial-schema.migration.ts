import { outboxSchemaSql } from '@platform/outbox';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { IDENTITY_OUTBOX } from '../../outbox/identity-outbox.table';

/** Users, refresh tokens, signing keys and the outbox. */
export class InitialSchema1735689600000 implements MigrationInterface {
  name = 'InitialSchema1735689600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE users (
      id uuid PRIMARY KEY,
      email text NOT NULL,
      password_hash text NOT NULL,
      roles text[] NOT NULL,
      display_name text,
      version integer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    // The constraint, not a check in code, decides a race between two registrations of one email.
    await runner.query(`CREATE UNIQUE INDEX users_email_key ON users (email)`);
    await runner.query(`CREATE TABLE refresh_tokens (
      id uuid PRIMARY KEY,
      token_hash text NOT NULL,
      family_id uuid NOT NULL,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      rotated_at timestamptz,
      replaced_by uuid,
      revoked_at timestamptz
    )`);
    await runner.query(`CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash)`);
    await runner.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);
    await runner.query(`CREATE TABLE signing_keys (
      kid text PRIMARY KEY,
      private_pem text NOT NULL,
      public_jwk jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      retired_at timestamptz
    )`);
    for (const sql of outboxSchemaSql(IDENTITY_OUTBOX).up) await runner.query(sql);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const sql of outboxSchemaSql(IDENTITY_OUTBOX).down) await runner.query(sql);
    await runner.query('DROP TABLE signing_keys');
    await runner.query('DROP TABLE refresh_tokens');
    await runner.query('DROP TABLE users');
  }
}
