// A message box at the top of a page or form: what happened and what to do next. Errors show
// the API's localized `detail`, plus any field errors that have no field on screen to sit under.

import { h, mount } from './dom.js';
import { ApiError, errorMessage } from '../api.js';
import { t } from '../i18n.js';

/** A slot that shows at most one banner at a time. */
export function bannerSlot() {
  const el = h('div', { class: 'banner-slot' });
  return {
    el,
    /** Show an error; `extraFields` are field errors no field on screen could take. */
    error(err, extraFields = []) {
      mount(el, errorBanner(err, extraFields));
      el.scrollIntoView?.({ block: 'nearest' });
    },
    /** Show a sentence; kind is 'info', 'success' or 'error'. */
    info(message, kind = 'info') {
      const role = kind === 'error' ? 'alert' : 'status';
      mount(el, h('div', { class: ['banner', `banner-${kind}`], role }, h('p', { class: 'banner-title' }, message)));
    },
    clear() {
      el.replaceChildren();
    },
  };
}

/** The banner element for an error (null: only field errors to list). */
export function errorBanner(err, extraFields = []) {
  const lines = extraFields.map((f) => h('li', null, fieldLine(f)));
  // A reference helps an administrator find a server failure in the logs; a refused input
  // needs none.
  const ref = err instanceof ApiError && err.status >= 500 && err.requestId ? t('error.reference', { id: err.requestId }) : null;
  return h(
    'div',
    { class: 'banner banner-error', role: 'alert' },
    h('p', { class: 'banner-title' }, err ? errorMessage(err) : t('form.checkFields')),
    lines.length ? h('ul', { class: 'banner-list' }, lines) : null,
    ref ? h('p', { class: 'banner-ref' }, ref) : null,
  );
}

function fieldLine(f) {
  return f.label ? t('common.labelled', { label: f.label, message: f.message }) : f.message;
}
