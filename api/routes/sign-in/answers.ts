import type { FastifyRequest } from 'fastify';

// What the sign-in routes share: the answer with a bearer token, and the cookies of the OpenID
// Connect round trip.

const signedInUser = {
  type: 'object',
  required: ['id', 'name', 'role', 'teamId'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, teamId: { type: ['string', 'null'] } },
} as const;

export const tokenAnswer = {
  type: 'object',
  required: ['token', 'expiresAt'],
  properties: {
    token: { type: 'string', description: 'A bearer token for the Authorization header.' },
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
    user: signedInUser,
  },
} as const;

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function cookie(name: string, value: string, attrs: { path: string; maxAgeS: number; sameSite: 'Lax' | 'Strict'; secure: boolean }) {
  return `${name}=${encodeURIComponent(value)}; Path=${attrs.path}; Max-Age=${attrs.maxAgeS}; HttpOnly; SameSite=${attrs.sameSite}${attrs.secure ? '; Secure' : ''}`;
}
