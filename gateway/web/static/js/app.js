// Start-up and page switching: load the catalogue and the account, then on every route change
// check the role, build the shell once, and hand the page its context. A page that is left is
// told so through ctx.signal (its fetches and pollers stop).

import { h, mount } from './ui/dom.js';
import { errorBanner } from './ui/banner.js';
import { onUnauthorized } from './api.js';
import { onLangChange, setLang, storedLang, t } from './i18n.js';
import { defineRoutes, guard, href, location, match, navigate, startRouter } from './router.js';
import { HOME, ROUTES } from './routes.js';
import { applyTextSize, renderShell } from './shell.js';
import { setDraftScope } from './ui/form.js';
import { isCounty } from './roles.js';
import * as session from './session.js';

const root = document.getElementById('app');
let shell = null;
let pageController = null;
let current = null;

async function start() {
  applyTextSize();
  defineRoutes(ROUTES);
  await setLang(storedLang(), { remember: false });
  onUnauthorized(() => {
    if (!session.account()) return;
    session.setAccount(null);
    shell = null;
    const { path } = location();
    navigate('/login', path === '/login' ? {} : { next: path }, { replace: true });
  });
  onLangChange(() => {
    shell = null;
    show(location());
  });
  session.onContextChange(() => {
    shell = null;
    show(location());
  });
  try {
    if (await session.loadAccount()) await loadContext();
  } catch (err) {
    mount(root, h('div', { class: 'content' }, errorBanner(err)));
    root.classList.remove('app-loading');
    return;
  }
  startRouter(show);
}

/** After login: the towns for the switcher and the programme calendar for the year. */
export async function loadContext() {
  const acc = session.account();
  setDraftScope(acc.id);
  shell = null;
  await Promise.all([session.loadTowns().catch(() => []), session.loadCalendar().catch(() => null)]);
}

/** Log out and go to the login page. */
export async function logout() {
  try {
    await session.logout();
  } finally {
    shell = null;
    navigate('/login', {}, { replace: true });
  }
}

async function show(loc) {
  const acc = session.account();
  if (loc.path === '/') {
    navigate(acc ? HOME[acc.role] || '/me' : '/login', {}, { replace: true });
    return;
  }
  const found = match(loc.path);
  if (pageController) pageController.abort();
  pageController = new AbortController();
  const signal = pageController.signal;

  if (!found) {
    if (!acc) return navigate('/login', {}, { replace: true });
    return frame(loc.path, t('page.notFound.title'), (el) => el.append(h('p', null, t('page.notFound.body')), homeLink(acc)));
  }
  const { route, params } = found;
  const verdict = guard(route, acc);
  if (verdict === 'login') {
    navigate('/login', { next: loc.path }, { replace: true });
    return;
  }
  if (verdict === 'forbidden') {
    return frame(loc.path, t('page.forbidden.title'), (el) => el.append(h('p', null, t('page.forbidden.body')), homeLink(acc)));
  }

  let mod;
  try {
    mod = await route.page();
  } catch (err) {
    return frame(loc.path, t('page.loadFailed.title'), (el) => el.append(errorBanner(err)));
  }
  if (signal.aborted) return;

  if (route.bare) {
    shell = null;
    mount(root, h('main', { id: 'main', class: 'bare', tabindex: '-1' }));
    root.classList.remove('app-loading');
    root.removeAttribute('aria-busy');
    document.title = `${t(mod.title)} · ${t('app.name')}`;
    await runPage(mod, root.querySelector('main'), { params, query: loc.query, signal });
    return;
  }

  frame(loc.path, t(mod.title), async (el, actions) => {
    if (route.town && !session.town()) {
      el.append(pickTownFirst());
      return;
    }
    await runPage(mod, el, { params, query: loc.query, signal, actions });
  });
}

function homeLink(acc) {
  return h('a', { class: 'btn btn-secondary', href: href(HOME[acc.role] || '/me') }, t('page.home'));
}

/** Put a page inside the shell: its heading, an actions slot, then its content. */
function frame(path, title, fill) {
  if (!shell) shell = renderShell(root, { onLogout: logout });
  shell.update(path);
  const body = h('div', { class: 'page-body' });
  const actions = h('div', { class: 'page-actions no-print' });
  const heading = h('h1', { class: 'page-title', tabindex: '-1' }, title);
  mount(shell.main, h('div', { class: 'page-head' }, heading, actions), body);
  document.title = `${title} · ${t('app.name')}`;
  // Move focus to the new heading for keyboard and screen-reader users, but not on first load.
  if (current !== null && current !== path) heading.focus({ preventScroll: true });
  current = path;
  window.scrollTo(0, 0);
  return fill(body, actions);
}

async function runPage(mod, el, { params, query, signal, actions }) {
  const acc = session.account();
  const ctx = {
    root: el,
    actions,
    params,
    query,
    signal,
    account: acc,
    role: acc ? acc.role : '',
    town: session.town(),
    townName: session.townName(),
    year: session.year(),
    /** Render the page again (after a change that alters more than one part of it). */
    refresh: () => show(location()),
    /** Whether the account holds one of the roles (for showing write actions). */
    can: (...roles) => Boolean(acc && roles.includes(acc.role)),
    onLogin: async (next) => {
      await loadContext();
      const a = session.account();
      navigate(next && next !== '/login' ? next : HOME[a.role] || '/me', {}, { replace: true });
    },
  };
  try {
    await mod.render(ctx);
  } catch (err) {
    if (err && err.name === 'AbortError') return;
    el.append(errorBanner(err));
  }
}

function pickTownFirst() {
  const towns = session.towns();
  const acc = session.account();
  return h(
    'div',
    { class: 'card empty-state' },
    h('p', null, t(isCounty(acc.role) ? 'shell.pickTown' : 'shell.noTown')),
    towns.length
      ? h(
          'ul',
          { class: 'town-picks' },
          towns
            .filter((tw) => tw.status !== 'archived')
            .map((tw) => h('li', null, h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => session.setTown(tw.code) }, tw.name))),
        )
      : null,
  );
}

start();
