// The bodies every route answers with, written once so the three servers cannot drift apart.
import type { AuthContext } from '@auth/core';

export const health = () => ({ status: 'ok' });

export const profile = (auth: AuthContext | null) => ({ subject: auth?.subject ?? null, roles: auth?.roles ?? [], method: auth?.method ?? null });

export const adminArea = (auth: AuthContext | null) => ({ subject: auth?.subject ?? null, area: 'admin' });

export const transferDone = (auth: AuthContext | null, args: unknown) => ({ transferred: args, by: auth?.subject ?? null });

export const greeting = (auth: AuthContext | null) => `hello ${auth?.subject ?? 'anonymous'}`;
