import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { Caller as Admin, type CallerIdentity } from '@platform/identity';
import { decodeCursor, encodeCursor } from '@platform/mongo';
import { EntryNotFound, InvalidRequest } from '../errors/dlq.errors';
import { ConsumerLagReader } from '../lag/consumer-lag.reader';
import { GroupExplainer } from '../quarantine/application/group-explainer';
import { Replayer, type GroupOutcome } from '../replay/application/replayer';
import { QuarantineQueries } from '../quarantine/infrastructure/quarantine.queries';
import { QuarantineStore } from '../quarantine/infrastructure/quarantine.store';
import { AdminGuard } from './admin.guard';
import {
  dlqConsumerLagQuerySchema as consumerLagQuerySchema,
  dlqDiscardBodySchema as discardBodySchema,
  dlqFingerprintSchema as fingerprintSchema,
  dlqGroupsQuerySchema as groupsQuerySchema,
  dlqListQuerySchema as listQuerySchema,
  type DlqConsumerLagQuery as ConsumerLagQuery,
  type DlqDiscardBody as DiscardBody,
  type DlqGroupsQuery as GroupsQuery,
  type DlqListQuery as ListQuery,
} from '@platform/contracts';
import { entryView, summaryView } from './quarantine.view';
import { ZodPipe } from './zod.pipe';

/**
 * The quarantine for admins (through the gateway's `/admin/dlq` route): list and filter, group
 * by fingerprint, explain a group, inspect, replay to the group that failed, discard with a
 * reason; and the consumer lag of every group. Every replay and discard is recorded in the
 * entry's history with who did it (the admin, and the OAuth client when an agent acted).
 */
@Controller('admin/dlq')
@UseGuards(AdminGuard)
export class DlqController {
  constructor(
    private readonly store: QuarantineStore,
    private readonly queries: QuarantineQueries,
    private readonly replayer: Replayer,
    private readonly explainer: GroupExplainer,
    private readonly lag: ConsumerLagReader,
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

  /**
   * Why a kind of failure happens: counts, topics and groups of the fingerprint, the error chain,
   * and whether its newest message breaks its event's contract (with the schema's issues).
   */
  @Get('groups/:fingerprint/explanation')
  async explain(@Param('fingerprint', new ZodPipe(fingerprintSchema)) fingerprint: string) {
    const explanation = await this.explainer.explain(fingerprint);
    return {
      ...explanation,
      firstSeen: explanation.firstSeen.toISOString(),
      lastSeen: explanation.lastSeen.toISOString(),
    };
  }

  /** Committed and end offsets and their difference, per group, topic and partition; 503 DLQ.LAG_UNAVAILABLE. */
  @Get('consumer-lag')
  async consumerLag(@Query(new ZodPipe(consumerLagQuerySchema)) query: ConsumerLagQuery) {
    const groups = await this.lag.read(query.group);
    return { measuredAt: new Date().toISOString(), groups };
  }

  /** One message: bytes (base64, and text/JSON when it is; `decoded`), headers, provenance with the error chain, history. */
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
    return entryView(await this.replayer.replay(id, admin));
  }

  @Post('messages/:id/discard')
  @HttpCode(200)
  async discard(
    @Admin() admin: CallerIdentity,
    @Param('id') id: string,
    @Body(new ZodPipe(discardBodySchema)) body: DiscardBody,
  ) {
    return entryView(await this.replayer.discard(id, admin, body.reason));
  }

  /** Replays every quarantined message of the group (oldest first, rate-limited); lists what failed. */
  @Post('groups/:fingerprint/replay')
  @HttpCode(200)
  replayGroup(
    @Admin() admin: CallerIdentity,
    @Param('fingerprint', new ZodPipe(fingerprintSchema)) fingerprint: string,
  ): Promise<GroupOutcome> {
    return this.replayer.replayGroup(fingerprint, admin);
  }

  @Post('groups/:fingerprint/discard')
  @HttpCode(200)
  discardGroup(
    @Admin() admin: CallerIdentity,
    @Param('fingerprint', new ZodPipe(fingerprintSchema)) fingerprint: string,
    @Body(new ZodPipe(discardBodySchema)) body: DiscardBody,
  ): Promise<GroupOutcome> {
    return this.replayer.discardGroup(fingerprint, admin, body.reason);
  }
}
