// 统计重建与消息推送 (county administrator): rebuild the reporting figures from the events the
// system keeps, with its progress (it can be left and come back to: the server runs it), and
// connect notifications to the county's SMS or messaging gateway, with the delivery log.

import { h, mount } from '../../ui/dom.js';
import { createForm } from '../../ui/form.js';
import { createTable } from '../../ui/table.js';
import { toast } from '../../ui/toast.js';
import { errorBanner } from '../../ui/banner.js';
import { ApiError, get, post, put } from '../../api.js';
import { t } from '../../i18n.js';
import { formatDateTime, formatNumber } from '../../format.js';

export const title = 'reporting.maintenance.title';

const BADGE = { queued: 'badge-muted', running: 'badge-info', done: 'badge-ok', failed: 'badge-error', pending: 'badge-muted', delivered: 'badge-ok' };
const badge = (status) => h('span', { class: ['badge', BADGE[status] || 'badge-muted'] }, t(`reporting.maintenance.status.${status}`));

export async function render(ctx) {
  mount(ctx.root, rebuildSection(ctx), await webhookSection(ctx));
}

// rebuildSection starts a rebuild and follows the latest one until it is finished.
function rebuildSection(ctx) {
  const state = h('div', { 'aria-live': 'polite' });
  let timer = null;
  ctx.signal.addEventListener('abort', () => clearTimeout(timer));
  const show = async () => {
    let job;
    try {
      job = await get('county/projections/rebuild', null, { signal: ctx.signal });
    } catch (err) {
      if (err && err.name === 'AbortError') return;
      mount(state, err instanceof ApiError && err.status === 404 ? h('p', { class: 'muted' }, t('reporting.maintenance.noRebuild')) : errorBanner(err));
      return;
    }
    mount(
      state,
      h('p', null, badge(job.status), ' ', job.town ? t('reporting.maintenance.ofTown', { town: job.town }) : t('reporting.maintenance.ofCounty')),
      h('progress', { max: 100, value: job.percent, 'aria-label': t('reporting.maintenance.progress') }),
      h('p', { class: 'muted' }, t('reporting.maintenance.counts', { read: formatNumber(job.read), total: formatNumber(job.total), applied: formatNumber(job.applied), skipped: formatNumber(job.skipped) })),
      h('p', { class: 'muted' }, t('reporting.maintenance.requested', { at: formatDateTime(job.requestedAt) })),
      job.error ? h('div', { class: 'banner banner-error', role: 'alert' }, h('p', { class: 'banner-title' }, job.error)) : null,
    );
    if (job.status === 'queued' || job.status === 'running') timer = setTimeout(show, 2000);
  };
  const form = createForm({
    fields: [{ name: 'town', label: 'reporting.maintenance.town', type: 'text', inputmode: 'numeric', maxlength: 9, pattern: '[0-9]{9}', patternMessage: 'reporting.maintenance.townPattern', hint: 'reporting.maintenance.townHint' }],
    submitLabel: 'reporting.maintenance.start',
    onSubmit: (v) => post('county/projections/rebuild', v.town ? { town: v.town } : {}),
    onSuccess: () => {
      toast(t('reporting.maintenance.started'));
      clearTimeout(timer);
      show();
    },
  });
  show();
  return h('section', { class: 'card', 'aria-labelledby': 'rebuild-title' }, h('h2', { id: 'rebuild-title' }, t('reporting.maintenance.rebuild')), h('p', { class: 'lead' }, t('reporting.maintenance.rebuildLead')), form.el, state);
}

async function webhookSection(ctx) {
  const current = await get('county/webhook', null, { signal: ctx.signal });
  const form = createForm({
    keepValues: true,
    fields: [
      { name: 'url', label: 'reporting.maintenance.url', type: 'text', required: true, maxlength: 2000, wide: true, hint: 'reporting.maintenance.urlHint' },
      { name: 'secret', label: 'reporting.maintenance.secret', type: 'password', maxlength: 256, noDraft: true, hint: current.secretSet ? 'reporting.maintenance.secretKept' : 'reporting.maintenance.secretHint' },
      { name: 'enabled', label: 'reporting.maintenance.enabled', type: 'checkbox', wide: true },
    ],
    values: { url: current.url || '', enabled: Boolean(current.enabled) },
    submitLabel: 'common.save',
    onSubmit: (v) => put('county/webhook', { url: v.url, secret: v.secret || '', enabled: Boolean(v.enabled) }),
    onSuccess: () => {
      toast(t('reporting.maintenance.saved'));
      log.reload();
    },
  });
  const log = createTable({
    caption: 'reporting.maintenance.deliveries',
    signal: ctx.signal,
    columns: [
      { key: 'createdAt', label: 'reporting.maintenance.col.at', primary: true, nowrap: true, render: (d) => formatDateTime(d.createdAt) },
      { key: 'town', label: 'reporting.comparison.col.town', render: (d) => d.town },
      { key: 'kind', label: 'reporting.maintenance.col.kind', render: (d) => d.kind },
      { key: 'status', label: 'reporting.col.status', render: (d) => badge(d.status) },
      { key: 'attempts', label: 'reporting.maintenance.col.attempts', align: 'end', render: (d) => formatNumber(d.attempts) },
      { key: 'lastError', label: 'reporting.maintenance.col.answer', render: (d) => d.lastError || (d.lastCode ? String(d.lastCode) : '') },
    ],
    empty: 'reporting.maintenance.noDeliveries',
    load: async ({ signal }) => {
      const res = await get('county/webhook/deliveries', null, { signal });
      return { items: (res && res.items) || [] };
    },
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'webhook-title' },
    h('h2', { id: 'webhook-title' }, t('reporting.maintenance.webhook')),
    h('p', { class: 'lead' }, t('reporting.maintenance.webhookLead')),
    form.el,
    log.el,
  );
}
