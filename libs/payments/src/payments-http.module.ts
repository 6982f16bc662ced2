import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PaymentGroupsController } from './http/payment-groups.controller.js';
import { PaymentsController } from './http/payments.controller.js';
import { PaymentsModule } from './payments.module.js';

@Module({ imports: [CqrsModule, PaymentsModule], controllers: [PaymentsController, PaymentGroupsController] })
export class PaymentsHttpModule {}
