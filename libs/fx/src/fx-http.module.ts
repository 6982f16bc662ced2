import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { FxModule } from './fx.module.js';
import { RatesController } from './http/rates.controller.js';

@Module({ imports: [CqrsModule, FxModule], controllers: [RatesController] })
export class FxHttpModule {}
