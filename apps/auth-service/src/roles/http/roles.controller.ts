import { Body, Controller, Get, HttpCode, Param, Put, UseGuards } from '@nestjs/common';
import { Caller, type CallerIdentity } from '@platform/identity';
import { ZodBodyPipe } from '../../http/zod-body.pipe';
import type { UserView } from '../../users/http/user.view';
import { AdminGuard } from './admin.guard';
import { RoleAssignments } from '../application/role-assignments';
import { setRolesBodySchema, type SetRolesBody } from './roles.schemas';

/** Users as admins see them, and their roles. Admins only (AdminGuard), whatever the gateway checked. */
@Controller('users')
@UseGuards(AdminGuard)
export class RolesController {
  constructor(private readonly assignments: RoleAssignments) {}

  /** 200 with the user; 404 AUTH.USER_NOT_FOUND; 403 AUTH.ADMIN_ONLY. */
  @Get(':id')
  user(@Param('id') id: string): Promise<UserView> {
    return this.assignments.user(id);
  }

  /**
   * 200 with the user and its new roles, in force at the gateway within a second (tokens issued
   * before are refused; the next login or refresh carries them); 400 AUTH.INVALID_BODY;
   * 404 AUTH.USER_NOT_FOUND; 409 AUTH.OWN_ADMIN_ROLE; 403 AUTH.ADMIN_ONLY.
   */
  @Put(':id/roles')
  @HttpCode(200)
  setRoles(
    @Caller() caller: CallerIdentity,
    @Param('id') id: string,
    @Body(new ZodBodyPipe(setRolesBodySchema)) body: SetRolesBody,
  ): Promise<UserView> {
    return this.assignments.setRoles(caller.userId, id, body.roles);
  }
}
