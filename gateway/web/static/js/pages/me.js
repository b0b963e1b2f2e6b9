// 我的: the account itself — who I am, my password, the language and the text size.

import { h, mount } from '../ui/dom.js';
import { createForm } from '../ui/form.js';
import { toast } from '../ui/toast.js';
import { ApiError, NetworkError, apiUrl, del, download, errorMessage, get, post } from '../api.js';
import { formatDateTime } from '../format.js';
import { CADRE } from '../roles.js';
import { currentLang, setLang, t } from '../i18n.js';
import { largeText, setLargeText } from '../shell.js';
import * as session from '../session.js';

export const title = 'me.title';

export async function render(ctx) {
  const acc = ctx.account;
  const facts = [
    ['me.name', acc.displayName || acc.name || ''],
    ['me.username', acc.username],
    ['me.role', t(`role.${acc.role}`)],
    acc.town ? ['me.town', session.townName(acc.town)] : null,
    acc.community ? ['me.community', acc.community] : null,
  ].filter(Boolean);

  const password = createForm({
    fields: [
      { name: 'oldPassword', label: 'me.oldPassword', type: 'password', required: true, autocomplete: 'current-password' },
      { name: 'newPassword', label: 'me.newPassword', type: 'password', required: true, autocomplete: 'new-password', hint: 'accounts.field.passwordHint', apiNames: ['password'] },
      { name: 'repeat', label: 'me.repeatPassword', type: 'password', required: true, autocomplete: 'new-password' },
    ],
    validate: (v) => {
      const errs = [];
      if (v.newPassword && v.newPassword.length < session.MIN_PASSWORD) {
        errs.push({ field: 'newPassword', message: t('accounts.field.passwordShort', { n: session.MIN_PASSWORD }) });
      }
      if (v.repeat && v.repeat !== v.newPassword) errs.push({ field: 'repeat', message: t('me.mismatch') });
      return errs;
    },
    submitLabel: 'me.changePassword',
    onSubmit: (v, { idempotencyKey }) => post('auth/password', { oldPassword: v.oldPassword, newPassword: v.newPassword }, { idempotencyKey }),
    onSuccess: () => toast(t('me.passwordChanged')),
  });

  // Password managers pair the new password with the account it belongs to.
  password.el.prepend(h('input', { type: 'text', name: 'username', autocomplete: 'username', value: acc.username, readonly: true, hidden: true }));

  const langSelect = h(
    'select',
    { id: 'me-lang', onchange: (e) => setLang(e.target.value) },
    h('option', { value: 'zh-CN', selected: currentLang() === 'zh-CN', lang: 'zh-CN' }, '中文（简体）'),
    h('option', { value: 'en', selected: currentLang() === 'en', lang: 'en' }, 'English'),
  );
  const large = h('input', { id: 'me-large', type: 'checkbox', checked: largeText(), onchange: (e) => setLargeText(e.target.checked) });

  mount(
    ctx.root,
    h(
      'section',
      { class: 'card' },
      h('h2', null, t('me.account')),
      h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', null, t(k)), h('dd', null, v)])),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', null, t('me.display')),
      h('div', { class: 'form-grid' }, h('div', { class: 'field' }, h('label', { for: 'me-lang', class: 'field-label' }, t('me.language')), langSelect)),
      h('label', { class: 'check' }, large, h('span', null, t('me.largeText'))),
    ),
    h('section', { class: 'card' }, h('h2', null, t('me.password')), password.el),
  );
  if (acc.role === CADRE && acc.cadreId && acc.town) {
    const after = ctx.root.children[1] || null;
    for (const section of cadreSections(ctx, acc)) ctx.root.insertBefore(section, after);
  }
}

// 连心卡与照片: a cadre prints their own contact card and keeps the photo the community's
// public board shows. The photo goes up as the file itself; the server checks its type,
// size and pixels and removes the camera's metadata (time, position) before keeping it.
const MAX_PORTRAIT = 8 << 20;

function cadreSections(ctx, acc) {
  const base = `towns/${acc.town}/cadres/${acc.cadreId}`;
  const state = h('p', { class: 'lead', role: 'status' });
  const inputId = 'me-portrait';
  const input = h('input', { id: inputId, type: 'file', accept: 'image/jpeg,image/png,image/webp', onchange: onPick });
  const remove = h('button', { type: 'button', class: 'btn btn-secondary', hidden: true, onclick: onRemove }, t('personnel.me.removePortrait'));
  const card = h('button', { type: 'button', class: 'btn btn-secondary', onclick: onCard }, t('personnel.cards.print'));

  function show(cadre) {
    const p = cadre && cadre.portrait;
    state.textContent = p ? t('personnel.me.portraitSet', { at: formatDateTime(p.updated) }) : t('personnel.me.portraitNone');
    remove.hidden = !p;
  }

  async function onPick() {
    const file = input.files && input.files[0];
    if (!file) return;
    if (file.size > MAX_PORTRAIT) {
      toast(t('personnel.me.portraitTooLarge'), { kind: 'error' });
      input.value = '';
      return;
    }
    input.disabled = true;
    try {
      show(await putFile(`${base}/portrait`, file));
      toast(t('personnel.me.portraitSaved'));
    } catch (err) {
      toast(errorMessage(err), { kind: 'error' });
    } finally {
      input.disabled = false;
      input.value = '';
    }
  }

  async function onRemove() {
    try {
      await del(`${base}/portrait`);
      show(null);
      toast(t('personnel.me.portraitRemoved'));
    } catch (err) {
      toast(errorMessage(err), { kind: 'error' });
    }
  }

  async function onCard() {
    try {
      await download(`${base}/card`, null, t('personnel.cards.file'), { signal: ctx.signal });
    } catch (err) {
      toast(errorMessage(err), { kind: 'error' });
    }
  }

  get(base, null, { signal: ctx.signal }).then(show, (err) => {
    if (err && err.name !== 'AbortError') state.textContent = errorMessage(err);
  });

  return [
    h('section', { class: 'card' }, h('h2', null, t('personnel.me.title')), h('p', null, t('personnel.me.cardHint')), h('div', { class: 'form-actions' }, card)),
    h(
      'section',
      { class: 'card' },
      h('h2', null, t('personnel.me.portrait')),
      state,
      h('div', { class: 'field' }, h('label', { for: inputId, class: 'field-label' }, t('personnel.me.choosePortrait')), input),
      h('p', { class: 'field-hint' }, t('personnel.me.portraitHint')),
      h('div', { class: 'form-actions' }, remove),
    ),
  ];
}

/** PUT a file as the request body itself (not a form), the way the portrait route streams it. */
async function putFile(path, file) {
  let res;
  try {
    res = await fetch(apiUrl(path), {
      method: 'PUT',
      headers: { 'Content-Type': file.type || 'application/octet-stream', Accept: 'application/json, application/problem+json', 'Accept-Language': currentLang() },
      body: file,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (err) {
    throw new NetworkError(err);
  }
  if (!res.ok) {
    let problem = {};
    try {
      problem = await res.json();
    } catch {
      // not problem+json: the status alone says it
    }
    throw new ApiError(res.status, problem);
  }
  return res.json();
}
