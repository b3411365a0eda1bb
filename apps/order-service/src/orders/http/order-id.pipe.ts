import type { PipeTransform } from '@nestjs/common';
import { OrderNotFound } from '../application/order-not-found';

/**
 * An order id from the path, as the store can look it up. PostgreSQL text cannot hold NUL: an id
 * with one names no order, so it is a 404 here instead of a failed query (a 500 that
 * `npm run fuzz:http` probing found).
 */
export class OrderIdPipe implements PipeTransform<string, string> {
  transform(id: string): string {
    if (id.includes(String.fromCharCode(0))) throw new OrderNotFound(id);
    return id;
  }
}
