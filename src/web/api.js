// The agent's API from the browser: the token lives in memory and sessionStorage only and travels in the
// Authorization header, never in a URL the browser shows, stores in history or sends as a referrer.

const TOKEN_KEY = 'clickd.token';
let token = sessionStorage.getItem(TOKEN_KEY) || '';

export function getToken() {
  return token;
}

export function setToken(value) {
  token = value || '';
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** The signed-in user; admins (the owner, AccountAdmin 4, DesktopAdmin 16) may change things, others only read. */
export const session = { user: undefined, admin: false };

export function setUser(user) {
  session.user = user;
  session.admin = Boolean(user && (user.owner || (user.userType & (4 | 16)) !== 0));
}

/** An answer other than 2xx, with the messages to show a person. */
export class ApiError extends Error {
  constructor(status, code, messages) {
    super(messages.join(' '));
    this.status = status;
    this.code = code;
    this.messages = messages;
  }
}

/** Called with a message when the session is no longer accepted (401); set by the app. */
let onUnauthorized = () => {};
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

/**
 * Calls `method path` with query parameters and an optional JSON body; resolves to the parsed JSON (or
 * undefined for an empty 200). `auth: false` is for the public sign-in calls, whose 401 is not a lost session.
 */
export async function api(method, path, { query = {}, body, auth = true } = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  const headers = { accept: 'application/json' };
  if (auth && token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new ApiError(0, 'NETWORK', ['The agent cannot be reached. Is clickd still running?']);
  }
  const text = await res.text();
  let data;
  if (text && (res.headers.get('content-type') || '').includes('json')) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (res.ok) return data;
  const error = toApiError(res, data);
  if (res.status === 401 && auth) {
    setToken('');
    onUnauthorized(
      error.code === 'SESSION' ? 'Your session has ended. Sign in again to continue.' : 'Please sign in again to continue.',
    );
  }
  throw error;
}

function toApiError(res, data) {
  const code = res.headers.get('error-code') || data?.type || 'HTTP';
  const messages = data?.errors
    ? Object.values(data.errors)
        .flat()
        .filter((m) => typeof m === 'string')
    : [];
  if (messages.length > 0) return new ApiError(res.status, code, messages);
  if (res.status >= 500) {
    const id = res.headers.get('request-id');
    return new ApiError(res.status, code, [
      `The agent hit an unexpected error${id ? ` (request ${id})` : ''}. Try again; if it persists, check the agent's log.`,
    ]);
  }
  if (res.status === 401) return new ApiError(401, code, ['You are not signed in.']);
  return new ApiError(res.status, code, [`The agent answered with HTTP ${res.status}.`]);
}

/** Replaces the API's quoted field names ('objectsPerFolder') with the labels the form shows. */
export function plainMessages(error, labels = {}) {
  const messages = error instanceof ApiError ? error.messages : [String(error?.message || error)];
  return messages.map((m) => m.replace(/'([\w.[\]]+)'/g, (whole, field) => (labels[field] ? labels[field] : whole)));
}

/** Every row of a list endpoint, page by page (the largest page the API allows is 1000). */
export async function fetchAll(path, query = {}, limit = 5000) {
  const rows = [];
  for (let page = 1; rows.length < limit; page++) {
    const res = await api('GET', path, { query: { ...query, page, pagesize: 1000 } });
    rows.push(...res.data);
    if (res.data.length < 1000 || rows.length >= res.total) break;
  }
  return rows;
}

/**
 * One record of a `get_all_with_details` list by id (the API has no get-by-id): first among the records
 * whose name contains `nameHint`, then by scanning every page.
 */
export async function findWithDetails(path, id, nameHint) {
  if (nameHint) {
    const res = await api('GET', path, { query: { name: nameHint, pagesize: 1000 } });
    const hit = res.data.find((row) => row.id === id);
    if (hit) return hit;
  }
  for (let page = 1; ; page++) {
    const res = await api('GET', path, { query: { page, pagesize: 1000 } });
    const hit = res.data.find((row) => row.id === id);
    if (hit) return hit;
    if (res.data.length < 1000) return undefined;
  }
}
