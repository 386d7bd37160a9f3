// The signed-in user: the token in sessionStorage (per tab, gone with the tab) and GET /me.
import type { components } from '../api-types.js';

const tokenKey = 'handhaving.token';

export type Me = { id: string; name: string; role: Role; teamId: string | null };
export type Role = 'klantenbeheerder' | 'crisiscoordinator' | 'jurist' | 'teamcoordinator' | 'admin' | 'modular';
export type Notification = components['schemas'] extends { Notification: infer N } ? N : never;

export const session = {
  get token(): string | null {
    return sessionStorage.getItem(tokenKey);
  },
  set token(value: string | null) {
    if (value) sessionStorage.setItem(tokenKey, value);
    else sessionStorage.removeItem(tokenKey);
  },
  /** The signed-in user from GET /me. */
  me: null as Me | null,
};

/** Whether the signed-in user has one of the roles. */
export const hasRole = (...roles: Role[]): boolean => Boolean(session.me && roles.includes(session.me.role));
