import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { PasswordHasher } from './application/password-hasher';
import { UsersController } from './http/users.controller';
import { UsersService } from './application/users.service';

/** Accounts: registration, profiles, password hashing. */
@Module({
  imports: [TokensModule],
  controllers: [UsersController],
  providers: [UsersService, { provide: PasswordHasher, useValue: new PasswordHasher() }],
  exports: [PasswordHasher],
})
export class UsersModule {}
