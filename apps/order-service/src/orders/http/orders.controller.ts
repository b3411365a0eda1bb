import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { Caller, CallerGuard, type CallerIdentity } from '@platform/identity';
import type { ServerResponse } from 'node:http';
import { IdempotencyInterceptor } from '../../idempotency/http/idempotency.interceptor';
import { Payments } from '../../payments/application/payments.service';
import { OrderCommands, type VersionedOrder } from '../application/order-commands.service';
import type { OrderCommand } from '../domain/order.commands';
import type { OrderAction } from '../domain/order.policy';
import type { OrderDetails } from '../domain/order.state';
import {
  decodeCursor,
  OrderSummaries,
  type ListPosition,
  type OrderSummaryPage,
} from '../infrastructure/order-summaries';
import { etagOf, parseIfMatch } from './if-match';
import { OrderIdPipe } from './order-id.pipe';
import { InvalidQuery } from './order-http.errors';
import { toOrderView, type OrderView } from './order.view';
import {
  cancelOrderBodySchema,
  emptyBodySchema,
  listOrdersQuerySchema,
  payOrderBodySchema,
  placeOrderBodySchema,
  shipOrderBodySchema,
  type CancelOrderBody,
  type ListOrdersQuery,
  type PayOrderBody,
  type PlaceOrderBody,
  type ShipOrderBody,
} from '@platform/contracts';
import { ZodBodyPipe } from './zod-body.pipe';
import { ZodQueryPipe } from './zod-query.pipe';

/**
 * Orders of the caller the gateway signed for (401 without); who may do what is order.policy's
 * (403 ORDER.FORBIDDEN, or 404 for another customer's order). Changes answer the new state with
 * its version as ETag; `If-Match: <version>` makes a change conditional (409 when stale), and
 * `Idempotency-Key` makes a POST safe to retry (same answer; 422 for the key on another request).
 */
@Controller('orders')
@UseGuards(CallerGuard)
@UseInterceptors(IdempotencyInterceptor)
export class OrdersController {
  constructor(
    private readonly orders: OrderCommands,
    private readonly summaries: OrderSummaries,
    private readonly payments: Payments,
  ) {}

  /** The caller's own orders, newest first, `limit` (1-100, default 20) a page; 400 ORDER.INVALID_QUERY. */
  @Get()
  list(
    @Caller() caller: CallerIdentity,
    @Query(new ZodQueryPipe(listOrdersQuerySchema)) query: ListOrdersQuery,
  ): Promise<OrderSummaryPage> {
    let after: ListPosition | undefined;
    if (query.cursor !== undefined) {
      after = decodeCursor(query.cursor);
      if (after === undefined)
        throw new InvalidQuery([{ path: 'cursor', message: 'not a cursor of this list' }]);
    }
    return this.summaries.ofCustomer(caller.userId, query.limit, after);
  }

  /**
   * 201 with the new order's id and version, priced from the catalog; 400 ORDER.INVALID_BODY (a
   * client's price included); 403 for a caller who is not a customer; 422 for broken rules.
   */
  @Post()
  @HttpCode(201)
  async place(
    @Caller() caller: CallerIdentity,
    @Body(new ZodBodyPipe(placeOrderBodySchema)) body: PlaceOrderBody,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<{ id: string; version: number }> {
    const order = await this.orders.place(caller, body.lines);
    res.setHeader('Location', `/orders/${order.state.orderId}`);
    res.setHeader('ETag', etagOf(order.version));
    return { id: order.state.orderId, version: order.version };
  }

  /** 404 ORDER.NOT_FOUND for an unknown order and for another customer's. */
  @Get(':id')
  async get(
    @Caller() caller: CallerIdentity,
    @Param('id', OrderIdPipe) id: string,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<OrderView> {
    return this.answer(res, await this.orders.find(caller, id));
  }

  /** Staff only (403 ORDER.FORBIDDEN for the order's customer). */
  @Post(':id/confirm')
  @HttpCode(200)
  confirm(
    @Caller() caller: CallerIdentity,
    @Param('id', OrderIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new ZodBodyPipe(emptyBodySchema)) _body: unknown,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<OrderView> {
    return this.change(res, caller, id, ifMatch, 'confirm', (order) => ({
      type: 'ConfirmOrder',
      orderId: order.orderId,
    }));
  }

  /** Staff record a payment by hand, with a reason; customers pay through the provider's callback. */
  @Post(':id/pay')
  @HttpCode(200)
  async pay(
    @Caller() caller: CallerIdentity,
    @Param('id', OrderIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new ZodBodyPipe(payOrderBodySchema)) body: PayOrderBody,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<OrderView> {
    return this.answer(res, await this.payments.recordByStaff(caller, id, body, parseIfMatch(ifMatch)));
  }

  /** Staff only. */
  @Post(':id/ship')
  @HttpCode(200)
  ship(
    @Caller() caller: CallerIdentity,
    @Param('id', OrderIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new ZodBodyPipe(shipOrderBodySchema)) body: ShipOrderBody,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<OrderView> {
    return this.change(res, caller, id, ifMatch, 'ship', (order) => ({
      type: 'ShipOrder',
      orderId: order.orderId,
      ...body,
    }));
  }

  /** Its customer, before shipping; staff cancel any order, as the merchant. */
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(
    @Caller() caller: CallerIdentity,
    @Param('id', OrderIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body(new ZodBodyPipe(cancelOrderBodySchema)) body: CancelOrderBody,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<OrderView> {
    return this.change(res, caller, id, ifMatch, 'cancel', (order, who) => ({
      type: 'CancelOrder',
      orderId: order.orderId,
      reason: body.reason,
      cancelledBy: who.userId === order.customerId ? 'customer' : 'merchant',
    }));
  }

  private async change(
    res: ServerResponse,
    caller: CallerIdentity,
    id: string,
    ifMatch: string | undefined,
    action: Exclude<OrderAction, 'place' | 'view'>,
    toCommand: (order: OrderDetails, caller: CallerIdentity) => OrderCommand,
  ): Promise<OrderView> {
    const version = parseIfMatch(ifMatch);
    return this.answer(res, await this.orders.change(caller, id, action, toCommand, version));
  }

  private answer(res: ServerResponse, order: VersionedOrder): OrderView {
    res.setHeader('ETag', etagOf(order.version));
    return toOrderView(order);
  }
}
