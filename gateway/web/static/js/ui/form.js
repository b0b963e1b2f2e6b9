// Forms: labelled fields with required marks, inline errors (ours and the API's), a submit
// state, and drafts that save as you type and come back after a reload, a lost connection or
// a closed tab — nothing typed is lost.

import { h, mount, uid } from './dom.js';
import { bannerSlot } from './banner.js';
import { ApiError, NetworkError, newIdempotencyKey } from '../api.js';
import { t } from '../i18n.js';
import { formatDateTime } from '../format.js';

let draftScope = 'anonymous';

/** Drafts are kept per account, so a shared office computer does not mix people's drafts. */
export function setDraftScope(accountId) {
  draftScope = accountId || 'anonymous';
}

const draftKey = (id) => `dundian.draft.${draftScope}.${id}`;

/** Forget a form's draft (e.g. after the thing it was for was created elsewhere). */
export function clearDraft(id) {
  try {
    localStorage.removeItem(draftKey(id));
  } catch {
    // storage unavailable: nothing was kept either
  }
}

/**
 * createForm(spec) → {el, values(), setValues(v), setErrors(list), setOptions(name, options),
 *                      reset(), focus(), input(name)}
 *
 * spec.id          draft key; leave out for forms that must keep no draft (login)
 * spec.fields      [{name, label (key), type, required, options, hint (key), placeholder (key),
 *                    autocomplete, inputmode, maxlength, pattern, patternMessage (key), min, max,
 *                    rows, accept, wide, visible(values) → bool, noDraft}]
 *                  type: text | password | number | date | month | tel | textarea | select |
 *                  checkbox | file. An option is {value, label (key)} or {value, text (as is)}.
 * spec.values      initial values (a restored draft wins and says so)
 * spec.submitLabel key of the submit button
 * spec.readonly    show the values without a way to change them (a role that may only read)
 * spec.validate    (values) → [{field, message}] extra checks before sending
 * spec.onSubmit    async (values, {idempotencyKey}) → result; throw ApiError to show errors
 * spec.onSuccess   (result, values) after a successful submit (the draft is gone by then)
 * spec.keepValues  keep what was typed after success (edit forms); create forms reset
 * spec.actions     extra buttons [{label (key), onClick, kind}] beside the submit button
 */
export function createForm(spec) {
  const fields = spec.fields.map((f) => ({ ...f, id: uid(`f-${f.name}`) }));
  const banner = bannerSlot();
  const inputs = new Map();
  const wrappers = new Map();
  const errorEls = new Map();
  let initial = { ...(spec.values || {}) };
  let idempotencyKey = null;
  let saveTimer = null;

  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t(spec.submitLabel || 'common.save'));
  const extra = (spec.actions || []).map((a) =>
    h('button', { type: 'button', class: ['btn', a.kind === 'danger' ? 'btn-danger' : 'btn-secondary'], onclick: a.onClick }, t(a.label)),
  );
  const draftNote = h('div', { class: 'draft-note', hidden: true });
  const grid = h('div', { class: 'form-grid' });
  const form = h(
    'form',
    { class: ['form', spec.readonly && 'form-readonly'], novalidate: true, 'aria-busy': 'false' },
    banner.el,
    draftNote,
    grid,
    spec.readonly ? null : h('div', { class: 'form-actions' }, submit, extra),
  );

  for (const f of fields) {
    const control = renderControl(f, spec.readonly);
    const err = h('p', { class: 'field-error', id: `${f.id}-err`, hidden: true });
    const hint = f.hint ? h('p', { class: 'field-hint', id: `${f.id}-hint` }, t(f.hint)) : null;
    const described = [hint && `${f.id}-hint`].filter(Boolean).join(' ');
    if (described) control.setAttribute('aria-describedby', described);
    const label =
      f.type === 'checkbox'
        ? null
        : h('label', { for: f.id, class: 'field-label' }, t(f.label), f.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
    const wrap = h(
      'div',
      { class: ['field', `field-${f.type || 'text'}`, (f.wide || f.type === 'textarea') && 'field-wide'] },
      label,
      f.type === 'checkbox' ? h('label', { class: 'check' }, control, h('span', null, t(f.label))) : control,
      hint,
      err,
    );
    inputs.set(f.name, control);
    wrappers.set(f.name, wrap);
    errorEls.set(f.name, err);
    grid.append(wrap);
  }

  setValues(initial);
  restoreDraft();
  applyVisibility();

  form.addEventListener('input', onChange);
  form.addEventListener('change', onChange);
  form.addEventListener('submit', onSubmit);

  function onChange(e) {
    idempotencyKey = null; // changed values are a new request
    const name = e.target.name;
    if (name && errorEls.has(name)) showError(name, '');
    applyVisibility();
    scheduleDraft();
  }

  function renderControl(f, readonly) {
    const common = {
      id: f.id,
      name: f.name,
      required: f.required || null,
      'aria-required': f.required ? 'true' : null,
      disabled: readonly || f.disabled || null,
      autocomplete: f.autocomplete || (f.type === 'password' ? 'current-password' : null),
      inputmode: f.inputmode || null,
      maxlength: f.maxlength || null,
      placeholder: f.placeholder ? t(f.placeholder) : null,
    };
    switch (f.type) {
      case 'textarea':
        return h('textarea', { ...common, rows: f.rows || 4 });
      case 'select':
        return h(
          'select',
          common,
          f.required ? null : h('option', { value: '' }, t('form.none')),
          f.required && !f.noPrompt ? h('option', { value: '', disabled: true }, t('form.choose')) : null,
          (f.options || []).map((o) => h('option', { value: o.value }, o.text ?? t(o.label))),
        );
      case 'checkbox':
        return h('input', { ...common, type: 'checkbox' });
      case 'file':
        return h('input', { ...common, type: 'file', accept: f.accept || null });
      default:
        return h('input', {
          ...common,
          type: f.type || 'text',
          min: f.min ?? null,
          max: f.max ?? null,
          step: f.step ?? null,
          pattern: f.pattern || null,
        });
    }
  }

  function visibleFields(values) {
    return fields.filter((f) => !f.visible || f.visible(values));
  }

  function rawValues() {
    const out = {};
    for (const f of fields) out[f.name] = readValue(f, inputs.get(f.name));
    return out;
  }

  /** The values of the fields on screen: trimmed text, numbers, booleans, a File or null. */
  function values() {
    const all = rawValues();
    const out = {};
    for (const f of visibleFields(all)) out[f.name] = all[f.name];
    return out;
  }

  function readValue(f, el) {
    switch (f.type) {
      case 'checkbox':
        return el.checked;
      case 'file':
        return el.files && el.files[0] ? el.files[0] : null;
      case 'number':
        return el.value === '' ? '' : Number(el.value);
      case 'password':
        return el.value;
      case 'select':
        return el.value || el.dataset.pending || '';
      default:
        return el.value.trim();
    }
  }

  function setValues(v) {
    for (const f of fields) {
      if (!(f.name in v) || f.type === 'file') continue;
      const el = inputs.get(f.name);
      if (f.type === 'checkbox') el.checked = Boolean(v[f.name]);
      else el.value = v[f.name] ?? '';
      // A select whose options arrive later (setOptions) keeps the value until they do.
      if (f.type === 'select' && el.value !== String(v[f.name] ?? '')) el.dataset.pending = v[f.name];
    }
    applyVisibility();
  }

  function applyVisibility() {
    const all = rawValues();
    for (const f of fields) {
      const show = !f.visible || f.visible(all);
      wrappers.get(f.name).hidden = !show;
    }
  }

  function showError(name, message) {
    const err = errorEls.get(name);
    const el = inputs.get(name);
    if (!err) return false;
    err.textContent = message;
    err.hidden = !message;
    el.setAttribute('aria-invalid', message ? 'true' : 'false');
    const ids = [el.getAttribute('aria-describedby') || '', message ? err.id : '']
      .join(' ')
      .split(' ')
      .filter((x) => x && (x !== err.id || message));
    if (ids.length) el.setAttribute('aria-describedby', [...new Set(ids)].join(' '));
    return true;
  }

  /** Show errors [{field, message}]; those without a field on screen go to the banner. */
  function setErrors(list, err) {
    clearErrors();
    const unplaced = [];
    let first = null;
    for (const fe of list) {
      const name = fieldFor(fe.field);
      if (name && !wrappers.get(name).hidden) {
        showError(name, fe.message);
        first = first || name;
      } else {
        unplaced.push({ message: fe.message, label: fe.field });
      }
    }
    if (err) banner.error(err, unplaced);
    else if (unplaced.length) banner.error(null, unplaced);
    if (first) inputs.get(first).focus();
  }

  // The API names fields by their JSON path ("overrides[2].due", "town"); a field may say
  // which other API names it shows with `apiNames` (strings or RegExps).
  function fieldFor(apiName) {
    for (const f of fields) {
      if (f.name === apiName) return f.name;
      if ((f.apiNames || []).some((n) => (n instanceof RegExp ? n.test(apiName) : n === apiName))) return f.name;
    }
    return null;
  }

  function clearErrors() {
    banner.clear();
    for (const name of errorEls.keys()) showError(name, '');
  }

  function localErrors(v) {
    const list = [];
    for (const f of visibleFields(rawValues())) {
      const val = v[f.name];
      const empty = val === '' || val === null || val === undefined || val === false;
      if (f.required && empty && f.type !== 'checkbox') {
        list.push({ field: f.name, message: t('form.required') });
      } else if (f.pattern && typeof val === 'string' && val && !new RegExp(`^(?:${f.pattern})$`).test(val)) {
        list.push({ field: f.name, message: t(f.patternMessage || 'form.pattern') });
      }
    }
    return list.concat(spec.validate ? spec.validate(v) || [] : []);
  }

  async function onSubmit(e) {
    e.preventDefault();
    if (spec.readonly || form.getAttribute('aria-busy') === 'true') return;
    const v = values();
    const errs = localErrors(v);
    if (errs.length) {
      setErrors(errs);
      return;
    }
    clearErrors();
    idempotencyKey = idempotencyKey || newIdempotencyKey();
    setBusy(true);
    try {
      const result = await spec.onSubmit(v, { idempotencyKey });
      idempotencyKey = null;
      dropDraft();
      if (!spec.keepValues) reset();
      else initial = { ...initial, ...v };
      if (spec.onSuccess) spec.onSuccess(result, v);
    } catch (err) {
      if (err && err.name === 'AbortError') return;
      if (err instanceof NetworkError) {
        saveDraft(); // keep the same idempotency key: a retry must not create twice
        banner.info(t(spec.id ? 'error.networkDraft' : 'error.network'), 'error');
      } else if (err instanceof ApiError) {
        idempotencyKey = null;
        setErrors(err.fields, err);
      } else {
        idempotencyKey = null;
        banner.error(err);
      }
    } finally {
      setBusy(false);
    }
  }

  function setBusy(busy) {
    form.setAttribute('aria-busy', String(busy));
    submit.disabled = busy;
    submit.textContent = t(busy ? 'form.submitting' : spec.submitLabel || 'common.save');
  }

  // Drafts ------------------------------------------------------------------------------

  function draftable() {
    const v = rawValues();
    const out = {};
    for (const f of fields) {
      if (f.type === 'password' || f.type === 'file' || f.noDraft) continue;
      out[f.name] = v[f.name];
    }
    return out;
  }

  function scheduleDraft() {
    if (!spec.id || spec.readonly) return;
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveDraft, 400);
  }

  function saveDraft() {
    if (!spec.id) return;
    const v = draftable();
    const same = Object.keys(v).every((k) => String(v[k] ?? '') === String(initial[k] ?? ''));
    try {
      if (same) localStorage.removeItem(draftKey(spec.id));
      else localStorage.setItem(draftKey(spec.id), JSON.stringify({ values: v, savedAt: Date.now() }));
    } catch {
      // Storage full or disabled: the form still works, only without a draft.
    }
  }

  function dropDraft() {
    clearTimeout(saveTimer);
    if (spec.id) clearDraft(spec.id);
    draftNote.hidden = true;
  }

  function restoreDraft() {
    if (!spec.id || spec.readonly) return;
    let draft = null;
    try {
      draft = JSON.parse(localStorage.getItem(draftKey(spec.id)) || 'null');
    } catch {
      draft = null;
    }
    if (!draft || !draft.values) return;
    setValues(draft.values);
    mount(
      draftNote,
      h('span', null, t('form.draftRestored', { time: formatDateTime(draft.savedAt) })),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-link',
          onclick: () => {
            dropDraft();
            reset();
          },
        },
        t('form.discardDraft'),
      ),
    );
    draftNote.hidden = false;
  }

  function reset() {
    clearTimeout(saveTimer);
    for (const f of fields) {
      const el = inputs.get(f.name);
      if (f.type === 'checkbox') el.checked = false;
      else el.value = '';
    }
    setValues(initial);
    clearErrors();
    draftNote.hidden = true;
  }

  return {
    el: form,
    values,
    setValues,
    setErrors,
    clearErrors,
    reset,
    banner,
    /** Replace a select's options (e.g. the communities of the town just picked). */
    setOptions(name, options) {
      const f = fields.find((x) => x.name === name);
      const el = inputs.get(name);
      const keep = el.dataset.pending || el.value;
      delete el.dataset.pending;
      f.options = options;
      el.replaceChildren(...renderControl(f, spec.readonly).children);
      el.value = options.some((o) => String(o.value) === keep) ? keep : '';
    },
    focus: () => {
      const first = fields.find((f) => !wrappers.get(f.name).hidden);
      if (first) inputs.get(first.name).focus();
    },
    input: (name) => inputs.get(name),
  };
}
