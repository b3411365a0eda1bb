import { isUnavailable } from '@platform/messaging';
import { isMongoUnavailable } from '@platform/mongo';

/**
 * Failures both consumer groups wait out instead of dead-lettering: MongoDB or the broker they
 * produce to is down. Measured by the fault suite: with the default bounded retries, a 30 s store
 * outage quarantined about one in ten of the events that arrived during it.
 */
export const isStoreOutage = (error: unknown): boolean => isMongoUnavailable(error) || isUnavailable(error);
