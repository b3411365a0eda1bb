import { formatFiles, generateFiles, logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CONSUMER_SKELETON_TOPIC, KEDA_CONSUMERS_PATH } from './k8s-lists';
import { normalizeOptions, type ServiceGeneratorSchema, type ServiceOptions } from './service-options';
import { LIST_EDITS } from './workspace-lists';

/**
 * `nx g @platform/tools:service <name> --kind=http|consumer`: a new app in the project's shape
 * (files/common, plus files/http or files/consumer), its Kubernetes base (files/k8s), and its
 * place in every list of apps (workspace-lists.ts). Logs what it could not do. For a consumer it
 * returns the regeneration of the ScaledObjects from its new row, which Nx runs once on disk.
 */
export async function serviceGenerator(
  tree: Tree,
  schema: ServiceGeneratorSchema,
): Promise<GeneratorCallback | undefined> {
  const consumersBefore = tree.read(KEDA_CONSUMERS_PATH, 'utf-8');
  const leftToDo = await generateService(tree, schema);
  for (const left of leftToDo) logger.warn(left);
  const consumersChanged = tree.read(KEDA_CONSUMERS_PATH, 'utf-8') !== consumersBefore;
  return consumersChanged ? regenerateManifests(tree.root) : undefined;
}

export default serviceGenerator;

/** The generator's work on `tree`; returns the list edits it could not make (their files were reshaped). */
export async function generateService(tree: Tree, schema: ServiceGeneratorSchema): Promise<string[]> {
  const options = normalizeOptions(tree, schema);
  const substitutions = templateValues(options);
  generateFiles(tree, join(__dirname, 'files/common'), `apps/${options.name}`, substitutions);
  generateFiles(tree, join(__dirname, 'files', options.kind), `apps/${options.name}`, substitutions);
  generateFiles(tree, join(__dirname, 'files/k8s'), `k8s/base/apps/${options.name}`, substitutions);
  const leftToDo = LIST_EDITS.map((edit) => edit(tree, options)).filter((left) => left !== undefined);
  if (!schema.skipFormat) await formatFiles(tree);
  logger.info(nextSteps(options));
  return leftToDo;
}

function templateValues(options: ServiceOptions): Record<string, unknown> {
  return {
    ...options,
    consumesTopics: CONSUMER_SKELETON_TOPIC.name,
    // Template files end in __tmpl__ so that lint, tsc and prettier leave them alone here.
    tmpl: '',
  };
}

/**
 * `npx nx run k8s:generate` in the workspace, for after a change of the KEDA consumer table: the
 * ScaledObjects are written by the same code that tools/k8s tests them against, from the table as
 * it is on disk (Nx runs a generator's callback after writing the tree, and not under --dry-run).
 */
export function regenerateManifests(root: string): GeneratorCallback {
  return () => {
    execFileSync('npx', ['nx', 'run', 'k8s:generate'], { cwd: root, stdio: 'inherit' });
  };
}

function nextSteps(options: ServiceOptions): string {
  const steps = [
    `apps/${options.name} is ready: npx nx run-many -t lint typecheck test -p ${options.name}`,
    'Then, by hand:',
    `- docs/architecture.md (Layout) and README.md (the list of apps): say what ${options.name} does`,
    `- the Secret ${options.name}-secrets in k8s/base/kustomization.yaml once it has credentials`,
  ];
  if (options.kind === 'http')
    steps.push(
      `- the gateway's route table and its NetworkPolicy egress to port ${options.port}, to expose it`,
    );
  else
    steps.push(
      `- the topics it reads: ${options.appConstant}_TOPICS, the hpa.yaml annotation and its row in ${KEDA_CONSUMERS_PATH}` +
        ' (then npx nx run k8s:generate), and its lagThreshold there',
    );
  return steps.join('\n');
}
