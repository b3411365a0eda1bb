/**
 * @platform/tools: the workspace's own Nx generators (generators.json). Run them through Nx:
 * `npx nx g @platform/tools:service <name> --kind=http|consumer` (README.md).
 */
export { serviceGenerator } from './service/service.generator';
export type { ServiceGeneratorSchema, ServiceKind } from './service/service-options';
