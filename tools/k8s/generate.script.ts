/**
 * `npx nx run k8s:generate`: writes every generated manifest (tools/k8s/generated-files.ts): the
 * KafkaTopics from the topic registry, the PrometheusRules and dashboard ConfigMaps from
 * tools/observability, the KEDA ScaledObjects. Run it after changing any of those sources and
 * commit the result; the unit tests of tools/k8s fail until then.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { GENERATED_FILES } from './generated-files';

const ROOT = join(__dirname, '../..');

async function main(): Promise<void> {
  for (const generated of GENERATED_FILES) {
    const file = join(ROOT, generated.path);
    // Formatted as prettier would, so that formatting the repository never shows it as changed.
    const text = await format(generated.render(), { ...(await resolveConfig(file)), parser: 'yaml' });
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // first generation
    }
    if (current === text) {
      process.stdout.write(`${generated.path} is up to date.\n`);
      continue;
    }
    writeFileSync(file, text);
    process.stdout.write(`wrote ${generated.path}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`k8s:generate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
