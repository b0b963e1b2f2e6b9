// 我的: the account itself — who I am, my password, the language and the text size.

import { h, mount } from '../ui/dom.js';
import { createForm } from '../ui/form.js';
import { toast } from '../ui/toast.js';
import { post } from '../api.js';
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
}
