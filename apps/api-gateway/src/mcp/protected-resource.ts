/** Path of the MCP endpoint on the gateway. */
export const MCP_PATH = '/mcp';

/** Where RFC 9728 clients look for the metadata of the resource `${PUBLIC_URL}/mcp` (and of the origin). */
export const PROTECTED_RESOURCE_PATHS = [
  '/.well-known/oauth-protected-resource',
  `/.well-known/oauth-protected-resource${MCP_PATH}`,
] as const;

/**
 * The gateway's OAuth protected-resource metadata (RFC 9728): the MCP endpoint is the resource,
 * tokens come from the authorization server at the same public origin (auth-service behind the
 * gateway), sent in the Authorization header only.
 */
export function protectedResourceMetadata(publicUrl: string) {
  return {
    resource: `${publicUrl}${MCP_PATH}`,
    authorization_servers: [publicUrl],
    bearer_methods_supported: ['header'],
    resource_name: 'Platform MCP server',
    resource_documentation: `${publicUrl}/docs`,
  };
}

/**
 * The WWW-Authenticate of a 401 from /mcp: where the metadata is, so that an MCP client can start
 * the OAuth flow from it (MCP authorization spec), and `invalid_token` when a token was sent.
 */
export function mcpWwwAuthenticate(publicUrl: string, tokenSent: boolean): string {
  const metadata = `Bearer resource_metadata="${publicUrl}${PROTECTED_RESOURCE_PATHS[1]}"`;
  return tokenSent ? `${metadata}, error="invalid_token"` : metadata;
}
