import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { Caller as Admin, type CallerIdentity } from '@platform/identity';
import { decodeCursor, encodeCursor } from '@platform/mongo';
import { EntryNotFound, InvalidRequest } from '../errors/dlq.errors';
import { Replayer, type GroupOutcome } from '../replay/application/replayer';
import { QuarantineQueries } from '../quarantine/infrastructure/quarantine.queries';
import { QuarantineStore } from '../quarantine/infrastructure/quarantine.store';
import { AdminGuard } from './admin.guard';
import {
  dlqDiscardBodySchema as discardBodySchema,
  dlqFingerprintSchema as fingerprintSchema,
  dlqGroupsQuerySchema as groupsQuerySchema,
  dlqListQuerySchema as listQuerySchema,
  type DlqDiscardBody as DiscardBody,
  type DlqGroupsQuery as GroupsQuery,
  type DlqListQuery as ListQuery,
} from '@platform/contracts';
import { entryView, summaryView } from './quarantine.view';
import { ZodPipe } from './zod.pipe';

/**
 * The quarantine for admins (through the gateway's `/admin/dlq` route): list and filter, group
 * by fingerprint, inspect, replay to the group that failed, discard with a reason. Every replay
 * and discard is recorded in the entry's history with who did it.
 */
@Controller('admin/dlq')
@UseGuards(AdminGuard)
export class DlqController {
  constructor(
    private readonly store: QuarantineStore,
    private readonly queries: QuarantineQueries,
    private readonly replayer: Replayer,
  ) {}

  /** Newest first; filters: status (default quarantined), topic, type, fingerprint, from/to (ISO). */
  @Get('messages')
  async list(@Query(new ZodPipe(listQuerySchema)) query: ListQuery) {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !after) {
      throw new InvalidRequest([{ path: 'cursor', message: 'not a cursor of this list' }]);
    }
    const page = await this.queries.list(
      {
        status: query.status,
        ...(query.topic ? { topic: query.topic } : {}),
        ...(query.type ? { eventType: query.type } : {}),
        ...(query.fingerprint ? { fingerprint: query.fingerprint } : {}),
        ...(query.from ? { from: query.from } : {}),
        ...(query.to ? { to: query.to } : {}),
      },
      query.limit,
      after,
    );
    return { items: page.items.map(summaryView), nextCursor: page.next ? encodeCursor(page.next) : null };
  }

  /** Kinds of failure with counts and the age of their oldest message, largest first. */
  @Get('groups')
  async groups(@Query(new ZodPipe(groupsQuerySchema)) query: GroupsQuery) {
    const items = await this.queries.groups({
      status: query.status,
      ...(query.topic ? { topic: query.topic } : {}),
      ...(query.type ? { eventType: query.type } : {}),
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
    });
    const now = Date.now();
    return {
      items: items.map((group) => ({
        ...group,
        oldestAgeSeconds: Math.max(0, Math.round((now - new Date(group.oldest).getTime()) / 1000)),
      })),
    };
  }

  /** One message: bytes (base64, and text/JSON when it is), headers, provenance, history. */
  @Get('messages/:id')
  async inspect(@Param('id') id: string) {
    const entry = await this.store.get(id);
    if (!entry) throw new EntryNotFound(id);
    return entryView(entry);
  }

  /** 200 with the entry, now replayed; 404, 409 DLQ.NOT_QUARANTINED, 422 DLQ.NOT_REPLAYABLE, 503 DLQ.REPLAY_FAILED. */
  @Post('messages/:id/replay')
  @HttpCode(200)
  async replay(@Admin() admin: CallerIdentity, @Param('id') id: string) {
    return entryView(await this.replayer.replay(id, admin.userId));
  }

  @Post('messages/:id/discard')
  @HttpCode(200)
  async discard(
    @Admin() admin: CallerIdentity,
    @Param('id') id: string,
    @Body(new ZodPipe(discardBodySchema)) body: DiscardBody,
  ) {
    return entryView(await this.replayer.discard(id, admin.userId, body.reason));
  }

  /** Replays every quarantined message of the group (oldest first, rate-limited); lists what failed. */
  @Post('groups/:fingerprint/replay')
  @HttpCode(200)
  replayGroup(
    @Admin() admin: CallerIdentity,
    @Param('fingerprint', new ZodPipe(fingerprintSchema)) fingerprint: string,
  ): Promise<GroupOutcome> {
    return this.replayer.replayGroup(fingerprint, admin.userId);
  }

  @Post('groups/:fingerprint/discard')
  @HttpCode(200)
  discardGroup(
    @Admin() admin: CallerIdentity,
    @Param('fingerprint', new ZodPipe(fingerprintSchema)) fingerprint: string,
    @Body(new ZodPipe(discardBodySchema)) body: DiscardBody,
  ): Promise<GroupOutcome> {
    return this.replayer.discardGroup(fingerprint, admin.userId, body.reason);
  }
}
