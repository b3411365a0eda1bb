import { Module } from '@nestjs/common';
import { DlqConsoleController } from './dlq-console.controller';

/** The DLQ triage console page at `/console/dlq` (no route of the table claims `/console`). */
@Module({ controllers: [DlqConsoleController] })
export class DlqConsoleModule {}
