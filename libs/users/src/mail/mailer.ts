import { Injectable, Logger } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** The way out to e-mail; tests replace it with an outbox they can read. */
export abstract class Mailer {
  abstract send(message: MailMessage): Promise<void>;
}

export class SmtpMailer extends Mailer {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from = 'billing-gateway <no-reply@billing-gateway.local>',
  ) {
    super();
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({ from: this.from, ...message });
  }
}

/** Without SMTP_URL the message (with its link) goes to the log, for development. */
@Injectable()
export class LogMailer extends Mailer {
  private readonly logger = new Logger('Mail');

  send(message: MailMessage): Promise<void> {
    this.logger.log({ mail: message }, `mail to ${message.to}: ${message.subject}\n${message.text}`);
    return Promise.resolve();
  }
}
