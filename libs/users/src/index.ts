export { Credentials } from './auth/credentials.js';
export { hashConfirmationToken } from './mail/confirmation-mail.js';
export { Mailer } from './mail/mailer.js';
export type { MailMessage } from './mail/mailer.js';
export { UsersHttpModule } from './users-http.module.js';
export { UsersModule } from './users.module.js';
export type { UserView } from './domain/user.view.js';
