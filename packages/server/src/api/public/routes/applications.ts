// POST /applications/token: client credentials → a bearer token (Airbyte's AccessToken shape).
import { UnauthorizedError } from '../../http-errors';
import { ok, type PublicRoute } from '../public-route';
import { optionalString, requiredString } from '../request-fields';

export const applicationRoutes: PublicRoute[] = [
  {
    method: 'POST',
    path: '/applications/token',
    anonymous: true,
    async handler({ body, services }) {
      const grantType = optionalString(body, 'grant_type');
      if (grantType !== undefined && grantType !== 'client_credentials') {
        throw new UnauthorizedError(`grant_type "${grantType.slice(0, 50)}" is not supported; use client_credentials`, []);
      }
      const token = await services.applications.issueToken(requiredString(body, 'client_id'), requiredString(body, 'client_secret'));
      if (!token) throw new UnauthorizedError('Invalid client_id or client_secret (`pnpm platform credentials` prints the platform\'s)', []);
      return ok({ access_token: token.accessToken, token_type: 'Bearer', expires_in: token.expiresIn });
    },
  },
];
