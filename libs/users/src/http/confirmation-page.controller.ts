import { Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public, UnprefixedController } from '#platform';
import { CONFIRMATION_PAGE, CONFIRMATION_PAGE_CSP } from './confirmation-page.js';

/**
 * GET /confirm, where the confirmation e-mail links. Loading it confirms nothing, since mail
 * scanners fetch links: its button posts the token to POST /api/v1/auth/confirm.
 */
@ApiExcludeController()
@Public()
@UnprefixedController('confirm')
export class ConfirmationPageController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CONFIRMATION_PAGE_CSP)
  @Header('Cache-Control', 'no-store') // its address carries the token
  page(): string {
    return CONFIRMATION_PAGE;
  }
}
