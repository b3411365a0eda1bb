import { Body, Controller, Get, Headers, HttpCode, Post } from '@nestjs/common';
import { ZodBodyPipe } from '../../http/zod-body.pipe';
import { AccessTokens } from '../../tokens/application/access-tokens';
import type { UserView } from './user.view';
import {
  REGISTRATION_ACCEPTED,
  registerBodySchema,
  type RegisterBody,
  type RegistrationAccepted,
} from './users.schemas';
import { UsersService } from '../application/users.service';

@Controller('auth')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly accessTokens: AccessTokens,
  ) {}

  /**
   * 202 with the same body for a new and for a known email, so registration cannot tell who has
   * an account (the owner of a known one gets an email); 400 AUTH.INVALID_BODY.
   */
  @Post('register')
  @HttpCode(202)
  async register(
    @Body(new ZodBodyPipe(registerBodySchema)) body: RegisterBody,
  ): Promise<RegistrationAccepted> {
    await this.users.register(body);
    return REGISTRATION_ACCEPTED;
  }

  /** The caller, from the Bearer access token; 401 AUTH.INVALID_ACCESS_TOKEN. */
  @Get('me')
  async me(@Headers('authorization') authorization: string | undefined): Promise<UserView> {
    const claims = await this.accessTokens.authenticate(authorization);
    return this.users.profile(claims.sub);
  }
}
