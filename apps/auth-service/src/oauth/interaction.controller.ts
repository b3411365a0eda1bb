import { Controller, Get, Headers, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ClientAddress, GatewayGuard } from '@platform/identity';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import { InvalidCredentials, TooManyAttempts } from '../errors/auth.errors';
import { SessionsService } from '../sessions/application/sessions.service';
import { loginBodySchema } from '../sessions/http/sessions.schemas';
import { renderErrorPage, renderSignInPage } from './interaction.page';
import { OAUTH_PATHS } from './oauth-provider.factory';
import { OAuthServer } from './oauth-server';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;
/** The request as Express hands it over: the form parsed by the app's urlencoded body parser. */
type Request = IncomingMessage & { body?: unknown };
type Response = ServerResponse;

// The page holds a password form: never cached, never framed (clickjacking), no script at all.
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
};

/**
 * The sign-in page of an authorization request (oidc-provider's "interaction"): it names the
 * client, takes the user's email and password, checks them as /auth/login does (throttling
 * included), and grants the client what it asked for. The interaction cookie, bound to this uid
 * and signed with OAUTH_COOKIE_KEYS, is what ties the form to the browser that started the
 * request (a forged cross-site post has no such cookie). Only through the gateway (GatewayGuard).
 */
@Controller(OAUTH_PATHS.interaction.slice(1))
@UseGuards(GatewayGuard)
export class InteractionController {
  constructor(
    private readonly oauth: OAuthServer,
    private readonly sessions: SessionsService,
  ) {}

  @Get(':uid')
  async show(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const found = await this.interaction(uid, req, res);
    if (!found) return;
    this.page(res, 200, await this.pageModel(found.provider, found.interaction));
  }

  /** 303 to the client with a code; the form again (401, 429) when the credentials are refused. */
  @Post(':uid')
  async signIn(
    @Param('uid') uid: string,
    @ClientAddress() ip: string,
    @Headers('user-agent') userAgent: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const found = await this.interaction(uid, req, res);
    if (!found) return;
    const { provider, interaction } = found;
    const form = (req.body ?? {}) as Record<string, unknown>;
    const email = typeof form['email'] === 'string' ? form['email'] : '';
    const credentials = loginBodySchema.safeParse({ email, password: form['password'] });
    const model = await this.pageModel(provider, interaction);
    if (!credentials.success)
      return this.page(res, 400, { ...model, email, error: 'Enter your email and your password.' });
    let userId: string;
    try {
      ({ userId } = await this.sessions.authenticate(credentials.data, { ip, userAgent }));
    } catch (error) {
      if (error instanceof InvalidCredentials)
        return this.page(res, 401, { ...model, email, error: 'The email or the password is wrong.' });
      if (error instanceof TooManyAttempts)
        return this.page(res, 429, {
          ...model,
          email,
          error: 'Too many failed attempts. Wait a few minutes, then try again.',
        });
      throw error;
    }
    const grantId = await this.grant(provider, interaction, userId);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: userId }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  /** 303 to the client with `error=access_denied`. */
  @Post(':uid/deny')
  async deny(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const found = await this.interaction(uid, req, res);
    if (!found) return;
    await found.provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'the user denied the request' },
      { mergeWithLastSubmission: false },
    );
  }

  /**
   * The interaction of this browser (its cookie) when it is the one in the URL; otherwise a 400
   * page is sent and undefined returned: an expired request, or a link opened in another browser.
   */
  private async interaction(uid: string, req: Request, res: Response) {
    const provider = await this.oauth.provider();
    let interaction: Interaction;
    try {
      interaction = await provider.interactionDetails(req, res);
    } catch {
      interaction = undefined as unknown as Interaction;
    }
    if (!interaction || interaction.uid !== uid) {
      res.writeHead(400, PAGE_HEADERS).end(
        renderErrorPage({
          error: 'This sign-in request has expired or was opened in another browser.',
          'what to do': 'Start the sign-in again from your app.',
        }),
      );
      return undefined;
    }
    return { provider, interaction };
  }

  /** Everything the client asked for, granted to it for this user. */
  private async grant(provider: Provider, interaction: Interaction, userId: string): Promise<string> {
    const { params } = interaction;
    const grant = new provider.Grant({ accountId: userId, clientId: String(params['client_id']) });
    const scope = typeof params['scope'] === 'string' ? params['scope'] : '';
    if (scope) grant.addOIDCScope(scope);
    const requested = params['resource'];
    const resources = Array.isArray(requested) ? requested : requested ? [requested] : [];
    for (const resource of resources.length > 0 ? resources : [provider.issuer])
      grant.addResourceScope(String(resource), scope);
    return grant.save();
  }

  private async pageModel(provider: Provider, interaction: Interaction) {
    const clientId = String(interaction.params['client_id']);
    const client = await provider.Client.find(clientId);
    const redirectUri = String(interaction.params['redirect_uri'] ?? '');
    return {
      action: `${OAUTH_PATHS.interaction}/${interaction.uid}`,
      denyAction: `${OAUTH_PATHS.interaction}/${interaction.uid}/deny`,
      clientName: client?.clientName ?? clientId,
      clientId,
      redirectHost: URL.canParse(redirectUri) ? new URL(redirectUri).host : redirectUri,
      platform: provider.issuer,
    };
  }

  private page(res: Response, status: number, model: Parameters<typeof renderSignInPage>[0]): void {
    res.writeHead(status, PAGE_HEADERS).end(renderSignInPage(model));
  }
}
