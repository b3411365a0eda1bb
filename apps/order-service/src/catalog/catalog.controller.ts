import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import {
  catalogProductBodySchema,
  catalogSkuParamSchema,
  type CatalogProductBody,
} from '@platform/contracts';
import { Caller, CallerGuard, type CallerIdentity } from '@platform/identity';
import { OrderForbidden } from '../orders/domain/order.errors';
import { mayEditCatalog } from '../orders/domain/order.policy';
import { ZodBodyPipe } from '../orders/http/zod-body.pipe';
import { ZodParamPipe } from '../orders/http/zod-param.pipe';
import { CatalogProducts, type CatalogProduct } from './catalog-products';

/** The catalog behind the gateway's `/catalog`: anyone signed in reads it, admins change it. */
@Controller('catalog')
@UseGuards(CallerGuard)
export class CatalogController {
  constructor(private readonly products: CatalogProducts) {}

  @Get()
  async list(): Promise<{ items: CatalogProduct[] }> {
    return { items: await this.products.list() };
  }

  /** 200 with the product as stored; 403 ORDER.FORBIDDEN for anyone but an admin; 400 ORDER.INVALID_BODY. */
  @Put(':sku')
  put(
    @Caller() caller: CallerIdentity,
    @Param('sku', new ZodParamPipe(catalogSkuParamSchema, 'sku')) sku: string,
    @Body(new ZodBodyPipe(catalogProductBodySchema)) body: CatalogProductBody,
  ): Promise<CatalogProduct> {
    if (!mayEditCatalog(caller)) throw new OrderForbidden('edit the catalog');
    return this.products.put(sku, body);
  }
}
