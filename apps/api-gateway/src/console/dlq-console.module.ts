import { Module } from '@nestjs/common';
import { DlqConsoleController } from './dlq-console.controller';
import { DLQ_CONSOLE_DIR, findDlqConsoleDir } from './dlq-console.files';

/** The DLQ triage console page at `/console/dlq` (no route of the table claims `/console`). */
@Module({
  controllers: [DlqConsoleController],
  providers: [{ provide: DLQ_CONSOLE_DIR, useFactory: findDlqConsoleDir }],
})
export class DlqConsoleModule {}
