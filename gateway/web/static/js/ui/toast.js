// Short confirmations ("已保存") that go away on their own; errors stay until closed.
// The container is a polite live region in index.html, so screen readers announce them.

import { h } from './dom.js';
import { t } from '../i18n.js';

/** toast(message, {kind: 'success' | 'info' | 'error', timeout: ms}) */
export function toast(message, { kind = 'success', timeout } = {}) {
  const box = document.getElementById('toasts');
  if (!box) return;
  const close = () => el.remove();
  const el = h(
    'div',
    { class: ['toast', `toast-${kind}`], role: kind === 'error' ? 'alert' : null },
    h('span', { class: 'toast-text' }, message),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': t('common.close'), onclick: close }, '×'),
  );
  box.append(el);
  const ms = timeout ?? (kind === 'error' ? 0 : 4000);
  if (ms > 0) setTimeout(close, ms);
}
