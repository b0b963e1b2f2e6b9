// The frame around every page: the top bar (product name, town switcher for county roles,
// programme year, account menu), the left navigation by task area on a desk, and the bottom
// tab bar on a phone.

import { h, icon, mount } from './ui/dom.js';
import { ICONS } from './icons.js';
import { currentLang, setLang, t } from './i18n.js';
import { guard, hasRoute, href, navigate } from './router.js';
import { HOME, NAV_GROUPS, PLANNED_TABS, ROUTES, TABS } from './routes.js';
import { isCounty } from './roles.js';
import * as session from './session.js';

const TEXT_KEY = 'dundian.textSize';

/** Apply the stored text size (before the first paint, to avoid a jump). */
export function applyTextSize() {
  document.documentElement.classList.toggle('text-large', largeText());
}

export function largeText() {
  try {
    return localStorage.getItem(TEXT_KEY) === 'large';
  } catch {
    return false;
  }
}

export function setLargeText(on) {
  try {
    localStorage.setItem(TEXT_KEY, on ? 'large' : 'normal');
  } catch {
    // lasts for this page only
  }
  applyTextSize();
}

/** Switch language, then re-render through the language listeners. */
export function toggleLang() {
  return setLang(currentLang() === 'zh-CN' ? 'en' : 'zh-CN');
}

/**
 * Build the shell into root and return the parts the app fills: {main, update(path)}.
 * update marks the current page in both navigations.
 */
export function renderShell(root, { onLogout }) {
  const acc = session.account();
  const main = h('main', { id: 'main', class: 'content', tabindex: '-1' });
  const sidenav = h('nav', { class: 'sidenav no-print', 'aria-label': t('shell.mainNav') }, navGroups(acc));
  const tabbar = tabBar(acc);

  mount(
    root,
    h('a', { class: 'skip-link', href: '#main', onclick: skipToMain }, t('shell.skip')),
    h(
      'header',
      { class: 'topbar no-print' },
      h('a', { class: 'brand', href: href(homeOf(acc)) }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('span', { class: 'brand-name' }, t('app.name'))),
      h('div', { class: 'topbar-context' }, townSwitcher(acc), yearSwitcher()),
      accountMenu(acc, onLogout),
    ),
    h('div', { class: 'layout' }, sidenav, main),
    tabbar,
  );
  root.classList.remove('app-loading');
  root.removeAttribute('aria-busy');

  return {
    main,
    update(path) {
      const sw = root.querySelector('#town-switcher');
      if (sw && sw.value !== session.town()) sw.value = session.town();
      for (const a of root.querySelectorAll('[data-path]')) {
        const on = a.dataset.path === path;
        a.classList.toggle('active', on);
        if (on) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
      }
    },
  };
}

function skipToMain(e) {
  e.preventDefault();
  document.getElementById('main')?.focus();
}

function homeOf(acc) {
  return (acc && HOME[acc.role]) || '/login';
}

function allowed(acc) {
  return ROUTES.filter((r) => r.nav && guard(r, acc) === 'ok');
}

function navGroups(acc) {
  const routes = allowed(acc);
  return NAV_GROUPS.map((g) => {
    const items = routes.filter((r) => r.nav.group === g);
    if (!items.length) return null;
    return h(
      'div',
      { class: 'nav-group' },
      h('p', { class: 'nav-group-title' }, t(`nav.group.${g}`)),
      h(
        'ul',
        null,
        items.map((r) =>
          h('li', null, h('a', { href: href(r.path), class: 'nav-link', dataset: { path: r.path } }, icon(ICONS[r.nav.icon] || []), h('span', null, t(r.nav.label)))),
        ),
      ),
    );
  });
}

function tabBar(acc) {
  const paths = (TABS[acc.role] || []).filter((p) => hasRoute(p));
  const items = paths.map((p) => {
    const r = ROUTES.find((x) => x.path === p);
    const nav = r.nav || PLANNED_TABS[p];
    return h('a', { href: href(p), class: 'tab', dataset: { path: p } }, icon(ICONS[nav.icon] || []), h('span', null, t(nav.tabLabel || nav.label)));
  });
  const nav = h('nav', { class: 'tabbar no-print', 'aria-label': t('shell.tabNav') }, items);
  // Through the CSSOM: the gateway's Content-Security-Policy refuses inline style attributes.
  nav.style.setProperty('--tabs', String(items.length));
  return nav;
}

function townSwitcher(acc) {
  if (!isCounty(acc.role)) {
    return acc.town ? h('span', { class: 'context-chip', title: t('shell.town') }, session.townName(acc.town)) : null;
  }
  const towns = session.towns();
  const sel = h(
    'select',
    {
      id: 'town-switcher',
      class: 'context-select',
      onchange: (e) => session.setTown(e.target.value),
    },
    h('option', { value: '' }, t('shell.allTowns')),
    towns.map((tw) =>
      h('option', { value: tw.code, selected: tw.code === session.town() }, tw.status === 'archived' ? t('shell.townArchived', { name: tw.name }) : tw.name),
    ),
  );
  return h('div', { class: 'context-field' }, h('label', { for: 'town-switcher', class: 'context-label' }, t('shell.town')), sel);
}

function yearSwitcher() {
  const years = session.programmeYears();
  if (!years.length) return null;
  const sel = h(
    'select',
    { id: 'year-switcher', class: 'context-select', onchange: (e) => session.setYear(Number(e.target.value)) },
    years.map((y) => h('option', { value: y.year, selected: y.year === session.year() }, t('shell.yearOption', { year: y.year }))),
  );
  return h('div', { class: 'context-field' }, h('label', { for: 'year-switcher', class: 'context-label' }, t('shell.year')), sel);
}

function accountMenu(acc, onLogout) {
  const menuId = 'account-menu';
  const btn = h(
    'button',
    { type: 'button', class: 'account-btn', 'aria-haspopup': 'true', 'aria-expanded': 'false', 'aria-controls': menuId },
    h('span', { class: 'account-name' }, acc.displayName || acc.name || acc.username),
    h('span', { class: 'account-role' }, t(`role.${acc.role}`)),
  );
  const item = (label, onclick, extra = {}) => h('button', { type: 'button', role: 'menuitem', class: 'menu-item', onclick, ...extra }, label);
  const menu = h(
    'div',
    { id: menuId, class: 'menu', role: 'menu', hidden: true },
    item(t('shell.switchLang'), () => {
      close();
      toggleLang();
    }, { lang: currentLang() === 'zh-CN' ? 'en' : 'zh-CN' }),
    item(t(largeText() ? 'shell.textNormal' : 'shell.textLarge'), (e) => {
      setLargeText(!largeText());
      e.target.textContent = t(largeText() ? 'shell.textNormal' : 'shell.textLarge');
    }),
    item(t('shell.changePassword'), () => {
      close();
      navigate('/me');
    }),
    item(t('shell.logout'), () => {
      close();
      onLogout();
    }),
  );
  function open() {
    menu.hidden = false;
    btn.setAttribute('aria-expanded', 'true');
    menu.querySelector('button')?.focus();
    document.addEventListener('click', outside, true);
  }
  function close() {
    menu.hidden = true;
    btn.setAttribute('aria-expanded', 'false');
    document.removeEventListener('click', outside, true);
  }
  function outside(e) {
    if (!wrap.contains(e.target)) close();
  }
  btn.addEventListener('click', () => (menu.hidden ? open() : close()));
  menu.addEventListener('keydown', (e) => {
    const items = [...menu.querySelectorAll('button')];
    const i = items.indexOf(document.activeElement);
    if (e.key === 'Escape') {
      close();
      btn.focus();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      items[(i + 1) % items.length].focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      items[(i - 1 + items.length) % items.length].focus();
    }
  });
  const wrap = h('div', { class: 'account' }, btn, menu);
  return wrap;
}
