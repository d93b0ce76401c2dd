import { jsonPost } from '../../platform/http/json-post.js';
import type { SimPost } from './simulator.core.js';

/** The simulator's HTTP(S) POST of a notification to the merchant's notify_url, with a timeout. */
export function httpSimPost(timeoutMs = 10_000): SimPost {
  return jsonPost(timeoutMs, 32);
}
