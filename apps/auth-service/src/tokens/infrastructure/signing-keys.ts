import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AUTH_SERVICE_CONFIG, type AuthServiceConfig } from '../../config/auth-service.config';
import { generateSigningKey, signingKeyFromPem, type SigningKey } from '../domain/signing-key';
import { SigningKeyEntity } from './signing-key.entity';

/** How long an instance trusts its cached keys; another instance may rotate meanwhile. */
const CACHE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * The signing keys in Postgres. The newest unretired key signs; a new one replaces it when none
 * exists or it is older than AUTH_KEY_ROTATION_DAYS, or on demand (`rotate`). A retired key stays
 * in the JWKS for the access-token lifetime plus the cache time, so every token it signed (also by
 * an instance that had not noticed the rotation yet) still verifies until it expires.
 */
@Injectable()
export class SigningKeys implements OnModuleInit {
  private cache: { active: SigningKey; published: SigningKey[]; loadedAt: number } | undefined;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(AUTH_SERVICE_CONFIG) private readonly config: AuthServiceConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
  }

  /** The key that signs now. */
  async active(): Promise<SigningKey> {
    return (await this.fresh()).active;
  }

  /** Every key whose tokens may still be alive: the JWKS. */
  async published(): Promise<SigningKey[]> {
    return (await this.fresh()).published;
  }

  /** A published key by id; reloads once for a kid this instance has not seen yet. */
  async byKid(kid: string): Promise<SigningKey | undefined> {
    const find = (keys: SigningKey[]) => keys.find((key) => key.kid === kid);
    return find(await this.published()) ?? find((await this.reload()).published);
  }

  /** Retires the active key and starts signing with a new one; returns the new kid. */
  async rotate(): Promise<string> {
    await this.dataSource.transaction((manager) => this.ensureActive(manager, true));
    return (await this.reload()).active.kid;
  }

  private async fresh() {
    if (this.cache && Date.now() - this.cache.loadedAt < CACHE_MS) return this.cache;
    return this.reload();
  }

  private async reload() {
    const active = await this.dataSource.transaction((manager) => this.ensureActive(manager, false));
    const publishedSince = new Date(Date.now() - this.config.AUTH_ACCESS_TOKEN_TTL_SECONDS * 1000 - CACHE_MS);
    const rows = await this.dataSource
      .getRepository(SigningKeyEntity)
      .createQueryBuilder('k')
      .where('k.retired_at IS NULL OR k.retired_at > :since', { since: publishedSince })
      .orderBy('k.created_at', 'DESC')
      .getMany();
    const published = rows.map(signingKeyFromPem);
    this.cache = {
      active: published.find((key) => key.kid === active.kid) ?? signingKeyFromPem(active),
      published,
      loadedAt: Date.now(),
    };
    return this.cache;
  }

  /** Runs under an advisory lock: two instances starting together create one key, not two. */
  private async ensureActive(manager: EntityManager, force: boolean): Promise<SigningKeyEntity> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('signing_keys'))`);
    const repository = manager.getRepository(SigningKeyEntity);
    const current = await repository
      .createQueryBuilder('k')
      .where('k.retired_at IS NULL')
      .orderBy('k.created_at', 'DESC')
      .getOne();
    const maxAgeMs = this.config.AUTH_KEY_ROTATION_DAYS * DAY_MS;
    if (current && !force && Date.now() - current.createdAt.getTime() < maxAgeMs) return current;
    await repository
      .createQueryBuilder()
      .update()
      .set({ retiredAt: () => 'now()' })
      .where('retired_at IS NULL')
      .execute();
    const key = await generateSigningKey();
    return repository.save(
      repository.create({
        kid: key.kid,
        privatePem: key.privatePem,
        publicJwk: key.publicJwk,
        createdAt: key.createdAt,
        retiredAt: null,
      }),
    );
  }
}
