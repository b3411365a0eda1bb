import type { Role } from '@platform/identity';
import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An account. `version` counts the user's events: it is their aggregateVersion. */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** Normalised (trimmed, lowercase); unique index `users_email_key`. */
  @Column('text')
  email!: string;

  /** `scrypt$N$r$p$salt$hash`; never leaves this service. */
  @Column('text', { name: 'password_hash' })
  passwordHash!: string;

  @Column('text', { array: true })
  roles!: Role[];

  @Column('text', { name: 'display_name', nullable: true })
  displayName!: string | null;

  @Column('integer')
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
