import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';

/**
 * What a user's browser does in an OAuth sign-in through the gateway: keeps cookies, never
 * follows a redirect on its own (a test reads each one), and posts the sign-in form.
 */
export class TestBrowser {
  /** Cookies, by name: what the sign-in page needs between requests. */
  private readonly jar = new Map<string, string>();

  /** `base`: the gateway's public URL (PUBLIC_URL), against which relative URLs resolve. */
  constructor(private readonly base: string) {}

  /** A request as a browser makes it: cookies sent and kept, redirects not followed. */
  async browse(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(new URL(url, this.base), {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      this.jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  }

  /** Where a redirect points, resolved against the gateway. */
  location(res: Response): URL {
    return new URL(res.headers.get('location') as string, this.base);
  }

  /**
   * The whole sign-in from an authorization URL: the sign-in page, the password, and back to the
   * client's redirect URI, whose URL (with `code` and `state`) it returns without calling it.
   */
  async signIn(authorizationUrl: string, email: string, password: string): Promise<URL> {
    const started = await this.browse(authorizationUrl);
    expect(started.status).toBe(303);
    const signedIn = await this.browse(this.location(started).href, form({ email, password }));
    expect(signedIn.status).toBe(303);
    const resumed = await this.browse(this.location(signedIn).href);
    expect(resumed.status).toBe(303);
    return this.location(resumed);
  }
}

/** A POST of `fields` as an HTML form sends them. */
export function form(fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  };
}

/**
 * An MCP client's OAuth state, in memory (what a desktop app keeps on disk): its registration,
 * tokens and PKCE verifier, and the authorization URL it would open in the user's browser.
 */
export class InMemoryOAuthClient implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  private client: OAuthClientInformationMixed | undefined;
  private saved: OAuthTokens | undefined;
  private verifier = '';

  constructor(
    readonly redirectUrl: string,
    private readonly name = 'e2e MCP SDK client',
  ) {}

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.name,
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(information: OAuthClientInformationMixed) {
    this.client = information;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}
