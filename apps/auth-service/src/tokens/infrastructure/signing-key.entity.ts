import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An RS256 key pair. The newest unretired one signs; retired ones stay published for a while. */
@Entity({ name: 'signing_keys' })
export class SigningKeyEntity {
  @PrimaryColumn('text')
  kid!: string;

  @Column('text', { name: 'private_pem' })
  privatePem!: string;

  @Column('jsonb', { name: 'public_jwk' })
  publicJwk!: Record<string, string>;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'retired_at', nullable: true })
  retiredAt!: Date | null;
}
