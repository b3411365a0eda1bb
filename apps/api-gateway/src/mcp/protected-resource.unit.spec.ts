import { mcpWwwAuthenticate, protectedResourceMetadata } from './protected-resource';

describe('protected resource metadata (RFC 9728)', () => {
  it('names /mcp as the resource, the public origin as its authorization server, and the header as the way', () => {
    expect(protectedResourceMetadata('https://api.example.com')).toMatchObject({
      resource: 'https://api.example.com/mcp',
      authorization_servers: ['https://api.example.com'],
      bearer_methods_supported: ['header'],
    });
  });

  it('points a 401 at the metadata, and says invalid_token only when a token was sent', () => {
    expect(mcpWwwAuthenticate('https://api.example.com', false)).toBe(
      'Bearer resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/mcp"',
    );
    expect(mcpWwwAuthenticate('https://api.example.com', true)).toBe(
      'Bearer resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/mcp", error="invalid_token"',
    );
  });
});
