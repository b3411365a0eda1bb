/**
 * @platform/contracts: what services agree on, and the only thing they share about each other.
 * Event envelope and codecs, topic naming and header names.
 */
export {
  decodeEnvelope,
  describeIssues,
  encodeEnvelope,
  EnvelopeDecodeError,
  eventEnvelopeSchema,
  type EventEnvelope,
} from './envelope';
export { dlqTopicOf, Headers, retryTopicOf } from './topics';
