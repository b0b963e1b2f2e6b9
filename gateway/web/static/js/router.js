// Hash routes ("#/towns/130624100/communities?q=…") with a role guard. The server serves one
// index.html; everything after '#' is the console's own.

let table = [];

/**
 * Register the route table. A route: {path: '/towns/:town', page: () => import(...),
 * roles: ['county_admin', …] | undefined (any logged-in role), public: true (no login)}.
 */
export function defineRoutes(routes) {
  table = routes.map((r) => ({ ...r, pattern: compile(r.path) }));
}

/** The registered route for a path, if any (used to hide navigation to pages not built). */
export function hasRoute(path) {
  return table.some((r) => r.path === path);
}

function compile(path) {
  const names = [];
  const re = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\/:(\w+)/g, (_, n) => {
    names.push(n);
    return '/([^/]+)';
  });
  return { re: new RegExp(`^${re}/?$`), names };
}

/** Where the browser is now: {path, query} from location.hash. */
export function location() {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const [path, qs = ''] = raw.split('?');
  return { path: path || '/', query: Object.fromEntries(new URLSearchParams(qs)) };
}

/** Match a path against the table: {route, params} or null. */
export function match(path) {
  for (const route of table) {
    const m = route.pattern.re.exec(path);
    if (!m) continue;
    const params = {};
    route.pattern.names.forEach((n, i) => {
      params[n] = decodeURIComponent(m[i + 1]);
    });
    return { route, params };
  }
  return null;
}

/**
 * What the account may do with the route: 'ok', 'login' (not logged in) or 'forbidden'.
 * The server checks again on every call; this only keeps people out of pages that would
 * answer 403 on every request.
 */
export function guard(route, account) {
  if (route.public) return 'ok';
  if (!account) return 'login';
  if (route.roles && !route.roles.includes(account.role)) return 'forbidden';
  return 'ok';
}

/** "#/towns?q=x" for a path and query, for links. */
export function href(path, query) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

/** Go to a path. With replace, the current history entry is replaced (redirects). */
export function navigate(path, query, { replace = false } = {}) {
  const target = href(path, query);
  if (replace) {
    window.history.replaceState(null, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else if (window.location.hash === target) {
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = target;
  }
}

/** Change the query of the current page without a new history entry or a re-render. */
export function setQuery(query) {
  const { path } = location();
  window.history.replaceState(null, '', href(path, query));
}

/** Call fn on every route change and once now. */
export function startRouter(fn) {
  window.addEventListener('hashchange', () => fn(location()));
  fn(location());
}
