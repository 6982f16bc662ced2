import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PaymentsController } from './http/payments.controller.js';
import { PaymentsModule } from './payments.module.js';

@Module({ imports: [CqrsModule, PaymentsModule], controllers: [PaymentsController] })
export class PaymentsHttpModule {}
