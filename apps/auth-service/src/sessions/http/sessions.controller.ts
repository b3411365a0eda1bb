import { Body, Controller, Headers, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ClientAddress, GatewayGuard } from '@platform/identity';
import { ZodBodyPipe } from '../../http/zod-body.pipe';
import { AccessTokens } from '../../tokens/application/access-tokens';
import {
  loginBodySchema,
  refreshBodySchema,
  type LoginBody,
  type RefreshBody,
  type TokenPair,
} from './sessions.schemas';
import { SessionsService } from '../application/sessions.service';

/**
 * Sessions are opened only through the gateway (GatewayGuard: 401 otherwise), which also says
 * who the client is: the login throttle's per-address bucket trusts no header a client could set.
 */
@Controller('auth')
@UseGuards(GatewayGuard)
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokens,
  ) {}

  /** 200 with a token pair; 401 AUTH.INVALID_CREDENTIALS; 429 AUTH.TOO_MANY_ATTEMPTS + Retry-After. */
  @Post('login')
  @HttpCode(200)
  login(
    @Body(new ZodBodyPipe(loginBodySchema)) body: LoginBody,
    @ClientAddress() ip: string,
    @Headers('user-agent') userAgent: string | undefined,
  ): Promise<TokenPair> {
    return this.sessions.login(body, { ip, userAgent });
  }

  /** 200 with a new pair; 401 AUTH.INVALID_REFRESH_TOKEN or AUTH.REFRESH_REUSED (family revoked). */
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body(new ZodBodyPipe(refreshBodySchema)) body: RefreshBody): Promise<TokenPair> {
    return this.sessions.refresh(body.refreshToken);
  }

  /** 204; revokes the session of the Bearer token. 401 AUTH.INVALID_ACCESS_TOKEN. */
  @Post('logout')
  @HttpCode(204)
  async logout(@Headers('authorization') authorization: string | undefined): Promise<void> {
    await this.sessions.logout(await this.accessTokens.authenticate(authorization));
  }
}
