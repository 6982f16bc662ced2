export { AccountsHttpModule } from './accounts-http.module.js';
export { AccountsModule } from './accounts.module.js';
export { AccountAccess } from './domain/account-access.js';
export { AccountChanged, ACCOUNT_EVENT_TYPES } from './domain/account-events.js';
export type { AccountEventType } from './domain/account-events.js';
export { toAccountView } from './domain/account.js';
export type { AccountRow, AccountType, AccountView, TechnicalCode } from './domain/account.js';
export { AccountDto } from './http/dto/account.dto.js';
export { TechnicalAccounts } from './technical/technical-accounts.js';
