import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import {
  notificationIdSchema,
  notificationReadBodySchema,
  notificationsListQuerySchema,
  type NotificationReadBody,
  type NotificationsListQuery,
} from '@platform/contracts';
import { Caller, CallerGuard, type CallerIdentity } from '@platform/identity';
import { decodeInboxCursor, encodeInboxCursor } from '../infrastructure/inbox-cursor';
import type { NotificationDoc } from '../infrastructure/notification.model';
import { NotificationStore } from '../infrastructure/notification.store';
import { InvalidRequest, NotificationNotFound } from '../../errors/notification.errors';
import { ZodPipe } from './zod.pipe';

/** A notification as the API shows it. */
function view(n: NotificationDoc) {
  return {
    id: n._id,
    channel: n.channel,
    template: n.template,
    title: n.title,
    body: n.body,
    sourceEventType: n.sourceEventType,
    delivery: {
      status: n.status,
      attempts: n.attempts,
      deliveredAt: n.deliveredAt ?? null,
      lastError: n.lastError ?? null,
    },
    createdAt: n.createdAt,
    // An absent field and null are the same to Mongo's queries; the API always says null.
    readAt: n.readAt ?? null,
  };
}

const idPipe = new ZodPipe(notificationIdSchema, 'id');

/**
 * The caller's inbox (through the gateway's `/notifications` route): every request is scoped to
 * the signed caller, so another user's notification is simply not found. Request shapes are the
 * contracts' `notificationsHttpApi`, which the gateway's OpenAPI documents.
 */
@Controller('notifications')
@UseGuards(CallerGuard)
export class NotificationsController {
  constructor(private readonly store: NotificationStore) {}

  @Get()
  async list(
    @Caller() caller: CallerIdentity,
    @Query(new ZodPipe(notificationsListQuerySchema)) query: NotificationsListQuery,
  ) {
    const from = query.cursor === undefined ? {} : decodeInboxCursor(query.cursor);
    if (!from) {
      throw new InvalidRequest([{ path: 'cursor', message: 'not a cursor of this list' }]);
    }
    const page = await this.store.inbox(
      caller.userId,
      {
        ...(query.unread !== undefined ? { unread: query.unread } : {}),
        ...(query.channel ? { channel: query.channel } : {}),
      },
      query.limit,
      from,
    );
    return { items: page.items.map(view), nextCursor: page.next ? encodeInboxCursor(page.next) : null };
  }

  @Post('read-all')
  @HttpCode(200)
  async readAll(@Caller() caller: CallerIdentity) {
    return { updated: await this.store.markAllRead(caller.userId) };
  }

  @Get(':id')
  async get(@Caller() caller: CallerIdentity, @Param('id', idPipe) id: string) {
    const notification = await this.store.findOwn(caller.userId, id);
    if (!notification) throw new NotificationNotFound(id);
    return view(notification);
  }

  @Patch(':id')
  async setRead(
    @Caller() caller: CallerIdentity,
    @Param('id', idPipe) id: string,
    @Body(new ZodPipe(notificationReadBodySchema)) body: NotificationReadBody,
  ) {
    const notification = await this.store.setRead(caller.userId, id, body.read);
    if (!notification) throw new NotificationNotFound(id);
    return view(notification);
  }
}
