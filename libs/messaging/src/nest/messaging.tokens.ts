/** The MessagingMetrics of the app, for handlers that add their own labels or tests. */
export const MESSAGING_METRICS = Symbol('platform.messaging.metrics');
