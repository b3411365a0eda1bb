import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Connection, Model } from 'mongoose';
import { MONGO_CONNECTION } from '@platform/mongo';
import {
  quarantineBytesModel,
  quarantineModel,
  type QuarantineBytes,
  type QuarantineRecord,
} from './quarantine.model';

/**
 * The two collections of the quarantine, shared by the store, its queries and the status
 * transitions: the entries, and their value and headers in a collection of their own (see
 * QuarantineEntry), written before the entry and read only when one entry is asked for whole: on
 * FerretDB v1 a count, a `$group` or a sorted page reads every matching document whole, and a
 * quarantine holding a few poison values of a megabyte made `/admin/dlq/groups` take seconds
 * (`npm run bench:quarantine`).
 */
@Injectable()
export class QuarantineCollections implements OnModuleInit {
  readonly model: Model<QuarantineRecord>;
  readonly bytes: Model<QuarantineBytes>;
  // Updates of one entry from this process, one at a time. A replay's "replayed" line and the
  // "failed-again" of its dead letter can arrive within milliseconds; MongoDB applies each update
  // atomically, but FerretDB v1 (the native store) rewrites the whole document and can lose one.
  private readonly entryLocks = new Map<string, Promise<unknown>>();

  constructor(@Inject(MONGO_CONNECTION) connection: Connection) {
    this.model = quarantineModel(connection);
    this.bytes = quarantineBytesModel(connection);
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.model.init(), this.bytes.init()]);
  }

  /** Runs the updates of one entry one after the other (see entryLocks). */
  serially<T>(id: string, update: () => Promise<T>): Promise<T> {
    const previous = this.entryLocks.get(id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(update);
    this.entryLocks.set(id, next);
    void next
      .catch(() => undefined)
      .finally(() => {
        if (this.entryLocks.get(id) === next) this.entryLocks.delete(id);
      });
    return next;
  }
}
