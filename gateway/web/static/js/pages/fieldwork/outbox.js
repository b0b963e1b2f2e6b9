// Entries written without a network wait on the phone and are sent when it returns. Each
// keeps the Idempotency-Key of its first try, so a send that did arrive but whose answer was
// lost is not stored twice.

import { NetworkError, newIdempotencyKey, post } from '../../api.js';

const KEY = 'dundian.fieldworkOutbox';
const listeners = new Set();

function read() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || '[]');
  } catch {
    return [];
  }
}

function write(items) {
  localStorage.setItem(KEY, JSON.stringify(items));
  listeners.forEach((fn) => fn(items.length));
}

/** How many entries wait to be sent. */
export function pending() {
  return read().length;
}

/** Call fn(count) whenever the number of waiting entries changes; returns the unsubscribe. */
export function onPending(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * POST body to path; when the network fails, keep it to send later. Resolves to the answer,
 * or to null when the entry was queued.
 */
export async function send(path, body) {
  const item = { path, body, key: newIdempotencyKey() };
  try {
    return await post(path, body, { idempotencyKey: item.key });
  } catch (err) {
    if (!(err instanceof NetworkError)) throw err;
    write([...read(), item]);
    return null;
  }
}

let flushing = false;

/** Send what waits, oldest first; stops at the first network failure. Returns how many left. */
export async function flush() {
  if (flushing) return pending();
  flushing = true;
  try {
    for (;;) {
      const [item, ...rest] = read();
      if (!item) return 0;
      try {
        await post(item.path, item.body, { idempotencyKey: item.key });
      } catch (err) {
        if (err instanceof NetworkError) return read().length;
        // The server refused it (a rule, not the network): retrying will not help.
      }
      write(rest);
    }
  } finally {
    flushing = false;
  }
}

window.addEventListener('online', () => {
  flush();
});
