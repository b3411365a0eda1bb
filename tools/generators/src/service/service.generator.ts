import { formatFiles, generateFiles, logger, type Tree } from '@nx/devkit';
import { join } from 'node:path';
import { normalizeOptions, type ServiceGeneratorSchema, type ServiceOptions } from './service-options';
import { LIST_EDITS } from './workspace-lists';

/** The topics the consumer skeleton reads (files/consumer/src/app.module.ts says the same in code). */
const CONSUMER_SKELETON_TOPICS = 'identity.events';

/**
 * `nx g @platform/tools:service <name> --kind=http|consumer`: a new app in the project's shape
 * (files/common, plus files/http or files/consumer), its Kubernetes base (files/k8s), and its
 * place in every list of apps (workspace-lists.ts). Logs what it could not do.
 */
export async function serviceGenerator(tree: Tree, schema: ServiceGeneratorSchema): Promise<void> {
  const leftToDo = await generateService(tree, schema);
  for (const left of leftToDo) logger.warn(left);
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
    consumesTopics: CONSUMER_SKELETON_TOPICS,
    // Template files end in __tmpl__ so that lint, tsc and prettier leave them alone here.
    tmpl: '',
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
  else steps.push(`- the topics it reads: ${options.appConstant}_TOPICS and the hpa.yaml annotation`);
  return steps.join('\n');
}
