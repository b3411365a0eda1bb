import { MCP_PATH, PROTECTED_RESOURCE_PATHS } from './protected-resource';

const problem = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const metadataSchema = {
  type: 'object',
  required: ['resource', 'authorization_servers'],
  properties: {
    resource: { type: 'string', examples: ['https://api.example.com/mcp'] },
    authorization_servers: { type: 'array', items: { type: 'string' } },
    bearer_methods_supported: { type: 'array', items: { type: 'string', const: 'header' } },
    resource_name: { type: 'string' },
    resource_documentation: { type: 'string' },
  },
};

const getMetadata = (operationId: string) => ({
  get: {
    operationId,
    tags: ['mcp'],
    summary: 'OAuth protected-resource metadata of the MCP endpoint (RFC 9728)',
    description: 'Public. Where an MCP client learns which authorization server issues tokens for /mcp.',
    security: [],
    responses: {
      '200': { description: 'the metadata', content: { 'application/json': { schema: metadataSchema } } },
      '405': problem('only GET and HEAD'),
    },
  },
});

/**
 * The gateway's own MCP paths in the OpenAPI document. MCP is JSON-RPC over one URL, so the
 * document describes the transport (a POST of a message, the 401 with its metadata pointer);
 * the tools themselves are the operations described elsewhere in it, by the same operationIds.
 */
export const MCP_OPENAPI_PATHS = {
  [MCP_PATH]: {
    post: {
      operationId: 'postMcp',
      tags: ['mcp'],
      summary: 'Model Context Protocol endpoint (Streamable HTTP, stateless)',
      description:
        'One JSON-RPC message per POST (initialize, tools/list, tools/call, resources/*, prompts/*), answered as JSON; ' +
        'no sessions, so GET and DELETE answer 405. Each tool is an operation of this document, named by its operationId, ' +
        'run as a REST call with the same token, rate limits and roles; tools/list shows only what the caller may call. ' +
        'Irreversible tools need `confirm: true`. Bearer token required; rate-limit class `mcp`, and `mcp-destructive` per irreversible call.',
      security: [{ bearer: [] }],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['jsonrpc', 'method'],
              properties: { jsonrpc: { const: '2.0' }, id: {}, method: { type: 'string' }, params: {} },
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'the JSON-RPC answer',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
        '202': { description: 'a notification or response, accepted' },
        '401': problem(
          'token missing, invalid, expired or revoked; WWW-Authenticate names the protected-resource metadata',
          {
            'WWW-Authenticate': {
              schema: { type: 'string' },
              description:
                'Bearer resource_metadata="<PUBLIC_URL>/.well-known/oauth-protected-resource/mcp" (and error="invalid_token" when a token was sent)',
            },
          },
        ),
        '405': problem('GET and DELETE: the endpoint keeps no sessions'),
        '429': problem('rate limit reached (Retry-After says when to retry)'),
        '503': problem('token checks are unavailable (GATEWAY.AUTH_UNAVAILABLE)'),
      },
    },
  },
  [PROTECTED_RESOURCE_PATHS[0]]: getMetadata('getProtectedResourceMetadata'),
  [PROTECTED_RESOURCE_PATHS[1]]: getMetadata('getMcpProtectedResourceMetadata'),
};
