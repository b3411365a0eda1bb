import { Module } from '@nestjs/common';
import { LoginThrottle } from './infrastructure/login-throttle';

/** Failed-login throttling (Redis). */
@Module({ providers: [LoginThrottle], exports: [LoginThrottle] })
export class ThrottlingModule {}
