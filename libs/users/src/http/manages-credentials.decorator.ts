import { applyDecorators } from '@nestjs/common';
import { API_KEY_REFUSED, ApiProblems, LoginOnly } from '#platform';

/** The route manages API keys or access tokens: a login's access token only, an API key answers 403. */
export const ManagesCredentials = () =>
  applyDecorators(LoginOnly(), ApiProblems({ 403: ['FORBIDDEN'] }, { FORBIDDEN: API_KEY_REFUSED }));
