import { Command } from '@nestjs/cqrs';

export interface IssuedToken {
  accessToken: string;
  tokenId: string;
  expiresAt: string;
}

export class LogIn extends Command<IssuedToken> {
  constructor(
    readonly email: string,
    readonly password: string,
    readonly tokenName: string | undefined,
    readonly ip: string,
  ) {
    super();
  }
}
