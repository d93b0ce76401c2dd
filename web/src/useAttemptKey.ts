import { useMemo, useState } from 'react';
import { newIdempotencyKey } from './api.js';

/**
 * One Idempotency-Key per attempt: a retry of the same request (double tap, lost response) reuses it,
 * so the server replays instead of creating twice; a changed request or a finished attempt gets a new one.
 */
export function useAttemptKey(fingerprint: string): { key: string; renew: () => void } {
  const [generation, setGeneration] = useState(0);
  // Not derived from the inputs: they only decide when the attempt (and so the key) changes.
  const key = useMemo(() => newIdempotencyKey(), [fingerprint, generation]);
  return { key, renew: () => setGeneration((g) => g + 1) };
}
