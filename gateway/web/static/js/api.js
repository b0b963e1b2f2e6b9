// The one way pages talk to the gateway: same-origin cookie auth, JSON both ways, errors as
// RFC 9457 problem+json turned into ApiError, an Idempotency-Key on every POST (cadres retry
// from villages with bad signal), and a 401 anywhere sends the user back to the login page.

import { currentLang, t } from './i18n.js';

export const API = '/api/v1';

/** An error answer of the API. `detail` is already in the reader's language. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code || '';
    this.title = problem.title || '';
    this.detail = problem.detail || '';
    this.requestId = problem.requestId || '';
    /** [{field, code, message}] */
    this.fields = Array.isArray(problem.errors) ? problem.errors : [];
  }
}

/** The request never reached the gateway or its answer never came back. */
export class NetworkError extends Error {
  constructor(cause) {
    super('network');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

let unauthorized = () => {};

/** Called with no arguments whenever the API answers 401 (except to the login call itself). */
export function onUnauthorized(fn) {
  unauthorized = fn;
}

/** A fresh idempotency key (UUID v4). crypto.randomUUID needs a secure context, which an
 * intranet served over plain HTTP is not; getRandomValues works everywhere. */
export function newIdempotencyKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Build "/api/v1/towns?limit=50" from a path and a query object (empty values are left out). */
export function apiUrl(path, query) {
  const url = path.startsWith('/') ? path : `${API}/${path}`;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${url}${url.includes('?') ? '&' : '?'}${s}` : url;
}

/**
 * request('POST', 'towns', {body, query, signal, idempotencyKey, accept, raw})
 * → parsed JSON (null for 204), or the Response itself when raw is true.
 * Throws ApiError for an error answer, NetworkError when the network failed, and lets an
 * AbortError through when the page was left.
 */
export async function request(method, path, opts = {}) {
  const headers = {
    Accept: opts.accept || 'application/json, application/problem+json',
    'Accept-Language': currentLang(),
  };
  let body;
  if (opts.body instanceof FormData) {
    body = opts.body; // the browser sets the multipart boundary
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method === 'POST') headers['Idempotency-Key'] = opts.idempotencyKey || newIdempotencyKey();

  let res;
  try {
    res = await fetch(apiUrl(path, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
      cache: 'no-store',
    });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new NetworkError(err);
  }

  if (res.status === 401 && !opts.allowUnauthorized) {
    unauthorized();
  }
  if (!res.ok) throw new ApiError(res.status, await problemOf(res));
  if (opts.raw) return res;
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

async function problemOf(res) {
  try {
    const type = res.headers.get('Content-Type') || '';
    if (type.includes('json')) return await res.json();
  } catch {
    // A proxy's HTML error page or a cut-off body: fall through to a generic sentence.
  }
  return { title: t('error.http', { status: res.status }) };
}

export const get = (path, query, opts) => request('GET', path, { ...opts, query });
export const post = (path, body, opts) => request('POST', path, { ...opts, body });
export const put = (path, body, opts) => request('PUT', path, { ...opts, body });
export const patch = (path, body, opts) => request('PATCH', path, { ...opts, body });
export const del = (path, body, opts) => request('DELETE', path, { ...opts, body });

/** POST a file as multipart/form-data (field name `file` unless told). */
export function upload(path, file, opts = {}) {
  const form = new FormData();
  form.append(opts.field || 'file', file);
  return request('POST', path, { ...opts, body: form });
}

/**
 * Download what a GET answers (an .xlsx export) under the server's file name. Errors come back
 * as problem+json like any other call, so they can be shown in the page's banner.
 */
export async function download(path, query, fallbackName, opts = {}) {
  const res = await request('GET', path, {
    ...opts,
    query,
    raw: true,
    accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/problem+json',
  });
  const blob = await res.blob();
  const name = fileNameOf(res.headers.get('Content-Disposition')) || fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function fileNameOf(disposition) {
  if (!disposition) return '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      return '';
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : '';
}

/** The sentence to show a person for any error a call can raise. */
export function errorMessage(err) {
  if (err instanceof ApiError) return err.detail || err.title || t('error.http', { status: err.status });
  if (err instanceof NetworkError) return t('error.network');
  return t('error.unexpected');
}
