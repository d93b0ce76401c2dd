import { api, isUnauthenticated, type ApiOptions } from '../api.js';
import { readStored, useStored, writeStored } from '../storage.js';
import type { AdminSession } from '../types.js';

export type { AdminSession };

const KEY = 'siyu.admin.session';
const EXPIRED_KEY = 'siyu.admin.expired';

export const useAdminSession = () => useStored<AdminSession>(KEY);

export function saveAdminSession(session: AdminSession) {
  writeStored(EXPIRED_KEY, null);
  writeStored(KEY, session);
}

export function clearAdminSession(expired = false) {
  writeStored(EXPIRED_KEY, expired ? true : null);
  writeStored(KEY, null);
}

export const useSessionExpired = () => useStored<boolean>(EXPIRED_KEY) === true;

/** Calls the API as the signed-in staff user; a rejected token signs out, which sends the console to the login page. */
export async function adminApi<T>(path: string, options: Omit<ApiOptions, 'token'> = {}): Promise<T> {
  const session = readStored<AdminSession>(KEY);
  try {
    return await api<T>(path, { ...options, token: session?.token });
  } catch (err) {
    if (isUnauthenticated(err)) clearAdminSession(true);
    throw err;
  }
}
