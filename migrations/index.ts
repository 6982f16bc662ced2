import { Users1795766400000 } from './1795766400000-users.js';
import { Ledger1795766400100 } from './1795766400100-ledger.js';
import { FxRates1795766400200 } from './1795766400200-fx-rates.js';
import { PermanentReferences1795766400300 } from './1795766400300-permanent-references.js';
import { SweepWatermark1795766400400 } from './1795766400400-sweep-watermark.js';
import { Holds1795766400500 } from './1795766400500-holds.js';
import { Refunds1795766400600 } from './1795766400600-refunds.js';
import { ApiKeys1795766400700 } from './1795766400700-api-keys.js';
import { Webhooks1795766400800 } from './1795766400800-webhooks.js';
import { WebhookEvents1795766401100 } from './1795766401100-webhook-events.js';
import { BackOffice1795766401300 } from './1795766401300-back-office.js';
import { AccountEvents1795766401400 } from './1795766401400-account-events.js';
import { PaymentGroups1795766401500 } from './1795766401500-payment-groups.js';

/** Every migration, in order: listed explicitly so the same array works compiled and under jest. */
export const migrations = [
  Users1795766400000,
  Ledger1795766400100,
  FxRates1795766400200,
  PermanentReferences1795766400300,
  SweepWatermark1795766400400,
  Holds1795766400500,
  Refunds1795766400600,
  ApiKeys1795766400700,
  Webhooks1795766400800,
  WebhookEvents1795766401100,
  BackOffice1795766401300,
  AccountEvents1795766401400,
  PaymentGroups1795766401500,
];
