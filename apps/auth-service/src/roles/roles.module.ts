import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { AdminGuard } from './http/admin.guard';
import { RoleAssignments } from './application/role-assignments';
import { RolesController } from './http/roles.controller';

/** Roles: granted and revoked by admins (PUT /users/:id/roles), the first admin by bootstrap-admin. */
@Module({
  imports: [TokensModule],
  controllers: [RolesController],
  providers: [RoleAssignments, AdminGuard],
  exports: [RoleAssignments],
})
export class RolesModule {}
