import { Body, Controller, Get, Headers, HttpCode, Post } from '@nestjs/common';
import { ZodBodyPipe } from '../http/zod-body.pipe';
import { AccessTokens } from '../tokens/access-tokens';
import type { UserView } from './user.view';
import { registerBodySchema, type RegisterBody } from './users.schemas';
import { UsersService } from './users.service';

@Controller('auth')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly accessTokens: AccessTokens,
  ) {}

  /** 201 with the new user; 400 AUTH.INVALID_BODY; 409 AUTH.EMAIL_TAKEN. */
  @Post('register')
  @HttpCode(201)
  register(@Body(new ZodBodyPipe(registerBodySchema)) body: RegisterBody): Promise<UserView> {
    return this.users.register(body);
  }

  /** The caller, from the Bearer access token; 401 AUTH.INVALID_ACCESS_TOKEN. */
  @Get('me')
  async me(@Headers('authorization') authorization: string | undefined): Promise<UserView> {
    const claims = await this.accessTokens.authenticate(authorization);
    return this.users.profile(claims.sub);
  }
}
