import { createSigner, createVerifier } from 'fast-jwt';

export interface TokenClaims {
  sub: string;
  role: string;
  name: string;
}

/** HS256 bearer tokens: the API verifies them, `npm run tokens` and tests sign them. */
export function createTokenService(secret: string, issuer: string) {
  const sign = createSigner({ key: secret, algorithm: 'HS256', iss: issuer, expiresIn: 12 * 3600 * 1000 });
  const verify = createVerifier({ key: secret, algorithms: ['HS256'], allowedIss: issuer, requiredClaims: ['sub', 'exp'] });
  return {
    sign: (claims: TokenClaims, expiresInMs?: number): string =>
      expiresInMs === undefined
        ? sign({ ...claims })
        : createSigner({ key: secret, algorithm: 'HS256', iss: issuer, expiresIn: expiresInMs })({ ...claims }),
    verify: (token: string): TokenClaims => verify(token) as TokenClaims,
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
