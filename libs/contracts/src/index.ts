/**
 * @platform/contracts: what services agree on, and the only thing they share about each other.
 * Event envelope and codecs, the catalog of every event and version, topics, keys and headers;
 * and the public HTTP APIs of the services (request schemas the services validate with, which
 * the gateway documents).
 */
export {
  decodeEnvelope,
  describeIssues,
  encodeEnvelope,
  EnvelopeDecodeError,
  eventEnvelopeSchema,
  type EventEnvelope,
} from './envelope';
export {
  ContractError,
  EventPayloadError,
  UnknownEventError,
  type ContractErrorCode,
} from './contract-error';
export {
  eventTypes,
  isKnownEventType,
  knownVersionsOf,
  latestVersionOf,
  type DomainEvent,
  type EventOf,
  type EventType,
  type PayloadOf,
} from './catalog';
export { decodeEvent, validateEvent } from './event-codec';
export { contractReportOf, type ContractIssue, type ContractReport } from './contract-report';
export {
  snapshotOfCatalog,
  type CatalogSnapshot,
  type EventSnapshot,
  type TopicSnapshot,
} from './compatibility/catalog-snapshot';
export { createEvent, type EventFactoryOptions, type NewEvent } from './create-event';
export { dlqTopicOf, retryTopicOf } from './topics';
export { Headers, type HeaderName } from './headers';
export {
  allTopicNames,
  allTopics,
  topicConfigsOwnedBy,
  topicOfEvent,
  Topics,
  type TopicConfig,
  type TopicName,
  type TopicOwner,
  type TopicSpec,
} from './topic-registry';

// Payload types of every event version, for code that names them (handlers, read models, tests).
export type { RefreshTokenFamilyRevokedV1 } from './identity/refresh-token-family-revoked.v1';
export type { RegistrationAttemptedV1 } from './identity/registration-attempted.v1';
export type { UserLoggedInV1 } from './identity/user-logged-in.v1';
export type { UserLoggedOutV1 } from './identity/user-logged-out.v1';
export type { UserRegisteredV1 } from './identity/user-registered.v1';
export type { UserRolesChangedV1 } from './identity/user-roles-changed.v1';
export type { NotificationRequestedV1 } from './notifications/notification-requested.v1';
export type { OrderCancelledV1 } from './orders/order-cancelled.v1';
export type { OrderConfirmedV1 } from './orders/order-confirmed.v1';
export type { OrderPaidV1 } from './orders/order-paid.v1';
export type { OrderPlacedV1 } from './orders/order-placed.v1';
export { totalOfLines, type OrderLine, type OrderPlacedV2 } from './orders/order-placed.v2';
export type { OrderShippedV1 } from './orders/order-shipped.v1';

// Public HTTP APIs behind the gateway.
export type { HttpApiSpec, HttpOperationSpec, HttpResponseSpec } from './http/http-api';
export {
  cancelOrderBodySchema,
  emptyBodySchema,
  identifierText,
  listOrdersQuerySchema,
  ordersHttpApi,
  payOrderBodySchema,
  placeOrderBodySchema,
  shipOrderBodySchema,
  skuSchema,
  type CancelOrderBody,
  type ListOrdersQuery,
  type PayOrderBody,
  type PlaceOrderBody,
  type ShipOrderBody,
} from './http/orders.api';
export {
  catalogHttpApi,
  catalogProductBodySchema,
  catalogSkuParamSchema,
  type CatalogProductBody,
} from './http/catalog.api';
export {
  DEVELOPMENT_PAYMENT_WEBHOOK_SECRET,
  PAYMENT_SIGNATURE_HEADER,
  PAYMENT_SIGNATURE_TOLERANCE_SECONDS,
  paymentCallbackRequest,
  paymentCallbackSchema,
  paymentsHttpApi,
  signPaymentCallback,
  verifyPaymentSignature,
  type PaymentCallback,
  type PaymentSignatureProblem,
  type SimulatedPayment,
} from './http/payments.api';
export {
  dlqConsumerLagQuerySchema,
  dlqDiscardBodySchema,
  dlqFingerprintSchema,
  dlqGroupsQuerySchema,
  dlqHttpApi,
  dlqListQuerySchema,
  type DlqConsumerLagQuery,
  type DlqDiscardBody,
  type DlqGroupsQuery,
  type DlqListQuery,
} from './http/dlq.api';
export {
  notificationIdSchema,
  notificationReadBodySchema,
  notificationsHttpApi,
  notificationsListQuerySchema,
  type NotificationReadBody,
  type NotificationsListQuery,
} from './http/notifications.api';
export { analyticsHttpApi, analyticsRangeQuerySchema, type AnalyticsRangeQuery } from './http/analytics.api';

// Text fields of requests and payloads: well-formed Unicode, no controls, bounded in code points.
export { codePointLength, isWellFormedText, text, type TextOptions } from './text';
