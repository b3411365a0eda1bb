import {
  analyticsHttpApi,
  catalogHttpApi,
  dlqHttpApi,
  notificationsHttpApi,
  ordersHttpApi,
  paymentsHttpApi,
  type HttpApiSpec,
} from '@platform/contracts';
import { usersHttpApi } from './auth-bodies.schema';

/**
 * Services whose API the contracts describe operation by operation: the OpenAPI document and the
 * MCP tools are both made from this list, so a new operation becomes both without more code.
 */
export const SERVICE_APIS: readonly HttpApiSpec[] = [
  ordersHttpApi,
  catalogHttpApi,
  paymentsHttpApi,
  notificationsHttpApi,
  dlqHttpApi,
  analyticsHttpApi,
  usersHttpApi,
];
