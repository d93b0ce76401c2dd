import { useSyncExternalStore } from 'react';

/**
 * A JSON value in localStorage that React components subscribe to. Other tabs are followed through
 * the `storage` event; this tab through a local event, since `storage` never fires in the writing tab.
 */
const LOCAL_EVENT = 'siyu:storage';
const cache = new Map<string, { raw: string | null; value: unknown }>();

export function readStored<T>(key: string): T | null {
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(key);
  } catch {
    return null;
  }
  const hit = cache.get(key);
  // Same raw text → same object, which useSyncExternalStore needs to avoid endless re-renders.
  if (hit && hit.raw === raw) return hit.value as T | null;
  let value: unknown = null;
  try {
    value = raw === null ? null : JSON.parse(raw);
  } catch {
    value = null;
  }
  cache.set(key, { raw, value });
  return value as T | null;
}

export function writeStored(key: string, value: unknown) {
  try {
    if (value === null || value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage disabled or full: nothing to keep; the UI simply forgets on reload.
  }
  window.dispatchEvent(new CustomEvent(LOCAL_EVENT, { detail: key }));
}

function subscribe(onChange: () => void) {
  window.addEventListener('storage', onChange);
  window.addEventListener(LOCAL_EVENT, onChange);
  return () => {
    window.removeEventListener('storage', onChange);
    window.removeEventListener(LOCAL_EVENT, onChange);
  };
}

export function useStored<T>(key: string): T | null {
  return useSyncExternalStore(subscribe, () => readStored<T>(key));
}
