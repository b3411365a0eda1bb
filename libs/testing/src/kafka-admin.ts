import { Kafka, logLevel, type Admin } from 'kafkajs';
import { infraEnv, reach } from './infra';

/**
 * Runs `work` with an admin client of the test broker, disconnected afterwards, e.g. to create the
 * topics of services a test does not run: `withKafkaAdmin((admin) => ensureTopicsOf(admin, owners))`.
 * A broker that does not answer fails with how to start it.
 */
export async function withKafkaAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Kafka({
    clientId: 'test-admin',
    brokers: infraEnv.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  await reach('Kafka', infraEnv.kafkaBrokers.join(','), () => admin.connect());
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}
