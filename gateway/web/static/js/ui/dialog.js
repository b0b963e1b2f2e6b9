// Modal dialogs on the native <dialog> element: focus is trapped and Esc closes, for free.

import { h, uid } from './dom.js';
import { t } from '../i18n.js';

/**
 * openDialog({title, content, wide}) → {el, close()}: a modal holding any content (a form).
 * Closing (Esc, ×, close()) removes it from the page.
 */
export function openDialog({ title, content, wide = false, onClose }) {
  const titleId = uid('dlg');
  const dlg = h(
    'dialog',
    { class: ['dialog', wide && 'dialog-wide'], 'aria-labelledby': titleId },
    h(
      'div',
      { class: 'dialog-head' },
      h('h2', { id: titleId }, title),
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': t('common.close'), onclick: () => dlg.close() }, '×'),
    ),
    h('div', { class: 'dialog-body' }, content),
  );
  dlg.addEventListener('close', () => {
    dlg.remove();
    if (onClose) onClose();
  });
  document.body.append(dlg);
  dlg.showModal();
  return { el: dlg, close: () => dlg.close() };
}

/**
 * confirmDialog({title, body, confirmLabel, danger, requireText}) → Promise<boolean>.
 * With requireText the confirm button works only once that exact text is typed (erasing a
 * town asks for its name).
 */
export function confirmDialog({ title, body, confirmLabel = 'common.confirm', danger = false, requireText = '' }) {
  return new Promise((resolve) => {
    let answered = false;
    const inputId = uid('confirm');
    const input = requireText
      ? h('input', {
          id: inputId,
          type: 'text',
          autocomplete: 'off',
          oninput: () => {
            ok.disabled = input.value.trim() !== requireText;
          },
        })
      : null;
    const ok = h(
      'button',
      {
        type: 'button',
        class: ['btn', danger ? 'btn-danger' : 'btn-primary'],
        disabled: Boolean(requireText),
        onclick: () => {
          answered = true;
          resolve(true);
          d.close();
        },
      },
      t(confirmLabel),
    );
    const cancel = h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => d.close() }, t('common.cancel'));
    const content = h(
      'div',
      null,
      typeof body === 'string' ? h('p', null, body) : body,
      input ? h('div', { class: 'field' }, h('label', { for: inputId, class: 'field-label' }, t('common.typeToConfirm', { text: requireText })), input) : null,
      h('div', { class: 'form-actions' }, ok, cancel),
    );
    const d = openDialog({
      title,
      content,
      onClose: () => {
        if (!answered) resolve(false);
      },
    });
    (input || cancel).focus();
  });
}
