import type { HttpApiSpec, HttpOperationSpec } from '@platform/contracts';
import type { Role } from '@platform/identity';
import { jsonSchema } from '../openapi/openapi.document';
import type { CompiledRoute, RouteTable } from '../routing/route-table';

/** A JSON Schema object, as MCP's `inputSchema` takes it. */
export interface ToolInputSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required: string[];
  additionalProperties: false;
}

/** Where each argument of a tool goes in the HTTP request it becomes. */
export type ArgumentPlace = 'path' | 'query' | 'body' | 'header' | 'confirm';

/** Request headers a tool takes as arguments, by the argument's name. */
export const HEADER_ARGUMENTS: Readonly<Record<string, string>> = {
  idempotencyKey: 'Idempotency-Key',
  ifMatch: 'If-Match',
};

/** One MCP tool: a public operation of the API, served by the route that serves its REST call. */
export interface McpTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: ToolInputSchema;
  readonly operation: HttpOperationSpec;
  readonly route: CompiledRoute;
  readonly arguments: Readonly<Record<string, ArgumentPlace>>;
  /** Roles of which the caller needs one, route first then operation; empty = any signed-in caller. */
  readonly roleSets: readonly (readonly Role[])[];
}

/**
 * The MCP tools of the gateway, derived from the services' API specs joined with the route table:
 * one tool per operation that an authenticated route serves, named by its operationId, with an
 * input schema made from the same zod schemas the service validates with. A route or operation
 * added to either becomes a tool without another line here; public routes (login, payment
 * callbacks) never do, since a tool always acts as a signed-in user.
 */
export class ToolCatalog {
  private readonly byName: ReadonlyMap<string, McpTool>;

  constructor(readonly tools: readonly McpTool[]) {
    this.byName = new Map(tools.map((tool) => [tool.name, tool]));
  }

  /** The catalog of `routes` and `apis`; throws on two operations with one name or argument clashes. */
  static derive(routes: RouteTable, apis: readonly HttpApiSpec[]): ToolCatalog {
    const tools: McpTool[] = [];
    for (const api of apis) {
      for (const operation of api.operations) {
        const route = routes.match(operation.path.replace(/\{[^}]+\}/g, 'x'));
        if (!route?.auth || !route.methodSet.has(operation.method)) continue;
        tools.push(toolOf(operation, route));
      }
    }
    const names = new Set<string>();
    for (const tool of tools) {
      if (names.has(tool.name)) throw new Error(`MCP: two operations are named ${tool.name}`);
      names.add(tool.name);
    }
    return new ToolCatalog(tools);
  }

  /** The tools a caller holding `roles` may call, in catalog order. */
  visibleTo(roles: readonly Role[]): McpTool[] {
    return this.tools.filter((tool) => mayCall(tool, roles));
  }

  /** The tool named `name` if a caller holding `roles` may call it. */
  find(name: string, roles: readonly Role[]): McpTool | undefined {
    const tool = this.byName.get(name);
    return tool && mayCall(tool, roles) ? tool : undefined;
  }
}

/** True when `roles` meet every role set of the tool (the route's and the operation's). */
export function mayCall(tool: McpTool, roles: readonly Role[]): boolean {
  return tool.roleSets.every((set) => set.length === 0 || set.some((role) => roles.includes(role)));
}

function toolOf(operation: HttpOperationSpec, route: CompiledRoute): McpTool {
  const properties: ToolInputSchema['properties'] = {};
  const required: string[] = [];
  const places: Record<string, ArgumentPlace> = {};
  const add = (name: string, place: ArgumentPlace, schema: Record<string, unknown>, isRequired: boolean) => {
    if (name in places) {
      throw new Error(`MCP: ${operation.operationId} has two arguments named ${name}`);
    }
    places[name] = place;
    properties[name] = schema;
    if (isRequired) required.push(name);
  };
  for (const [name, description] of Object.entries(operation.params ?? {})) {
    add(name, 'path', { type: 'string', minLength: 1, description }, true);
  }
  if (operation.query) {
    const query = jsonSchema(operation.query) as {
      properties?: Record<string, Record<string, unknown>>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      add(name, 'query', schema, query.required?.includes(name) ?? false);
    }
  }
  if (operation.body) {
    add('body', 'body', { ...jsonSchema(operation.body), description: 'the JSON request body' }, true);
  }
  for (const [argument, header] of Object.entries(HEADER_ARGUMENTS)) {
    const spec = operation.headers?.[header];
    if (!spec) continue;
    const generated = header === 'Idempotency-Key' ? ' (one is made when omitted)' : '';
    add(
      argument,
      'header',
      { type: 'string', description: `${header}: ${spec.description}${generated}` },
      false,
    );
  }
  if (operation.destructive) {
    add(
      'confirm',
      'confirm',
      {
        type: 'boolean',
        const: true,
        description: 'cannot be undone: show the user what will happen, and pass true only once they agreed',
      },
      true,
    );
  }
  const roles = operation.roles ?? [];
  return {
    name: operation.operationId,
    description: [
      operation.summary,
      operation.description,
      roles.length > 0 ? `Callers: ${roles.join(' or ')}.` : undefined,
      operation.destructive ? 'Irreversible: needs confirm: true.' : undefined,
    ]
      .filter(Boolean)
      .join(' '),
    inputSchema: { type: 'object', properties, required, additionalProperties: false },
    operation,
    route,
    arguments: places,
    roleSets: [route.roles, roles],
  };
}
