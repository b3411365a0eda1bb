import { Module } from '@nestjs/common';
import { ThrottlingModule } from '../throttling/throttling.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { RefreshFamilies } from './infrastructure/refresh-families';
import { SessionsController } from './http/sessions.controller';
import { SessionsService } from './application/sessions.service';

/** Login, refresh rotation, logout; the credential check the OAuth server signs users in with. */
@Module({
  imports: [UsersModule, TokensModule, ThrottlingModule],
  controllers: [SessionsController],
  providers: [SessionsService, RefreshFamilies],
  exports: [SessionsService],
})
export class SessionsModule {}
