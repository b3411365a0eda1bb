import { Inject, Injectable } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, type EntityManager } from 'typeorm';

/** Runs SQL: the DataSource, or the EntityManager of an open transaction. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * One transaction per unit of work, shared by everything the work calls. The idempotency
 * interceptor opens one per keyed request, so the key's record, the events, the outbox rows and
 * the read model commit together: a crash leaves either all of them or none, never a key whose
 * events exist without its answer. Code that runs outside a unit of work gets its own transaction.
 */
@Injectable()
export class UnitOfWork {
  private readonly open = new AsyncLocalStorage<{ manager: EntityManager; afterCommit: (() => void)[] }>();

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Runs `work` in the transaction already open for this call chain, or in a new one. */
  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const open = this.open.getStore();
    if (open) return work(open.manager);
    const afterCommit: (() => void)[] = [];
    const result = await this.dataSource.transaction((manager) =>
      this.open.run({ manager, afterCommit }, () => work(manager)),
    );
    for (const callback of afterCommit) callback();
    return result;
  }

  /** Where SQL should go: the open transaction (one connection per request), else the pool. */
  runner(): SqlRunner {
    return this.open.getStore()?.manager ?? this.dataSource;
  }

  /** Runs `callback` once what was written so far is committed: now outside a unit of work. */
  afterCommit(callback: () => void): void {
    const open = this.open.getStore();
    if (open) open.afterCommit.push(callback);
    else callback();
  }
}
