// 登录. The gateway sets an HttpOnly session cookie; the console keeps no token itself.

import { h, mount } from '../ui/dom.js';
import { createForm } from '../ui/form.js';
import { currentLang, t } from '../i18n.js';
import { toggleLang } from '../shell.js';
import * as session from '../session.js';

export const title = 'login.title';

export async function render(ctx) {
  const form = createForm({
    fields: [
      { name: 'username', label: 'login.username', required: true, autocomplete: 'username', autocapitalize: 'none' },
      { name: 'password', label: 'login.password', type: 'password', required: true, autocomplete: 'current-password' },
    ],
    submitLabel: 'login.submit',
    onSubmit: (v, { idempotencyKey }) => session.login(v.username, v.password, { idempotencyKey }),
    onSuccess: () => ctx.onLogin(ctx.query.next),
  });
  mount(
    ctx.root,
    h(
      'div',
      { class: 'login-card' },
      h('div', { class: 'login-brand' }, h('h1', null, t('app.name')), h('p', null, t('login.subtitle'))),
      form.el,
      h(
        'div',
        { class: 'login-foot' },
        h('button', { type: 'button', class: 'btn-link', lang: currentLang() === 'zh-CN' ? 'en' : 'zh-CN', onclick: toggleLang }, t('shell.switchLang')),
      ),
    ),
  );
  form.focus();
}
