/**
 * `npx nx run k8s:kafka-topics`: writes k8s/overlays/prod/kafka-topics.yaml from the topic
 * registry. Run it after changing libs/contracts/src/topic-registry.ts and commit the result;
 * kafka-topics.unit.spec.ts fails until then.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { KAFKA_TOPICS_PATH, kafkaTopicsFile, renderKafkaTopics } from './kafka-topics';

async function main(): Promise<void> {
  const file = kafkaTopicsFile();
  // Formatted as prettier would, so that formatting the repository never shows it as changed.
  const text = await format(renderKafkaTopics(), { ...(await resolveConfig(file)), parser: 'yaml' });
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // first generation
  }
  if (current === text) {
    process.stdout.write(`${KAFKA_TOPICS_PATH} is up to date.\n`);
    return;
  }
  writeFileSync(file, text);
  process.stdout.write(`wrote ${KAFKA_TOPICS_PATH}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`kafka-topics: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
