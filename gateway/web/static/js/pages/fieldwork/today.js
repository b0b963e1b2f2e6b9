// 今日 for a cadre: start or end the stay at the contact point, write a work log or a
// sentiment diary (with a photo), and see this month's stationing days. Other roles get the
// shared 今日 page. Entries written without a network wait on the phone (待发送) and are sent
// when it returns.

import { h, mount } from '../../ui/dom.js';
import { createForm } from '../../ui/form.js';
import { toast } from '../../ui/toast.js';
import { errorBanner } from '../../ui/banner.js';
import { ApiError, NetworkError, apiUrl, get, newIdempotencyKey, post } from '../../api.js';
import { currentLang, t } from '../../i18n.js';
import { beijingToday, formatDate, formatDateTime, formatMonth } from '../../format.js';
import { CADRE } from '../../roles.js';
import * as outbox from './outbox.js';

export const title = 'today.title';

const TASKS = ['T1', 'T2', 'T3', 'T4', 'T5', 'T6'];
const SEVEN_DAYS = 7 * 24 * 3600 * 1000;

/** The phone's clock as a datetime-local value, the latest a stay can end. */
function localNow() {
  const d = new Date();
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

export async function render(ctx) {
  if (ctx.role !== CADRE) return (await import('../today.js')).render(ctx);
  if (!ctx.account.cadreId) {
    mount(ctx.root, h('p', { class: 'empty' }, t('fieldwork.today.noCadre')));
    return;
  }
  const base = `towns/${ctx.town}`;
  const today = beijingToday();
  const month = today.slice(0, 7);
  const [stays, summary, communities] = await Promise.all([
    get(`${base}/stays`, { month }, { signal: ctx.signal }),
    get(`${base}/stays/months/${month}`, null, { signal: ctx.signal }),
    get(`${base}/communities`, { limit: 500 }, { signal: ctx.signal }),
  ]);
  const open = (stays.items || []).find((s) => !s.end);
  const names = new Map((communities.items || []).map((c) => [c.code, c.name]));

  const waiting = h('p', { class: 'banner banner-info', hidden: true });
  const showWaiting = (n) => {
    waiting.hidden = n === 0;
    waiting.textContent = t('fieldwork.today.pending', { count: n });
  };
  showWaiting(outbox.pending());
  const off = outbox.onPending(showWaiting);
  ctx.signal.addEventListener('abort', off);
  outbox.flush();

  mount(ctx.root, waiting, stayCard(), calendarCard(), entryCard());

  function stayCard() {
    const slot = h('div');
    if (open) {
      // A stay longer than the 7 days the service allows cannot end "now": the cadre says when
      // they left.
      const tooLong = Date.now() - Date.parse(open.start) > SEVEN_DAYS;
      const left = h('input', { id: 'fw-end', type: 'datetime-local', required: true, max: localNow() });
      const end = () => {
        if (!tooLong) return post(`${base}/stays/${open.id}/end`, {});
        if (!left.value) {
          left.reportValidity();
          return Promise.reject(new ApiError(400, { detail: t('fieldwork.today.endNeeded') }));
        }
        return post(`${base}/stays/${open.id}/end`, { end: new Date(left.value).toISOString() });
      };
      mount(
        slot,
        h('p', { class: 'lead' }, t('fieldwork.today.inStay', { place: names.get(open.community) || open.community, since: formatDateTime(open.start) })),
        tooLong ? [h('p', { class: 'banner banner-info' }, t('fieldwork.today.tooLong')), h('label', { for: 'fw-end' }, t('fieldwork.today.leftAt')), left] : '',
        h('button', { type: 'button', class: 'btn btn-primary', onclick: () => act(end, 'fieldwork.today.ended') }, t('fieldwork.today.end')),
      );
    } else {
      // The community the cadre links this year first, else where they stayed last.
      const preferred = summary.linked || (stays.items || []).at(-1)?.community;
      const choose = h(
        'select',
        { id: 'fw-community', 'aria-label': t('fieldwork.today.community') },
        (communities.items || []).map((c) => h('option', { value: c.code, selected: c.code === preferred }, c.name)),
      );
      mount(
        slot,
        h('label', { for: 'fw-community' }, t('fieldwork.today.community')),
        choose,
        h('button', { type: 'button', class: 'btn btn-primary', onclick: () => act(() => post(`${base}/stays`, { community: choose.value }), 'fieldwork.today.started') }, t('fieldwork.today.start')),
      );
    }
    return h('section', { class: 'card' }, h('h2', null, t('fieldwork.today.stayTitle')), slot);
  }

  async function act(call, done) {
    try {
      await call();
      toast(t(done));
      ctx.refresh();
    } catch (err) {
      ctx.root.prepend(errorBanner(err));
    }
  }

  function calendarCard() {
    const present = new Set(summary.days || []);
    const [y, m] = month.split('-').map(Number);
    const first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const cells = Array.from({ length: (first + 6) % 7 }, () => h('td'));
    for (let d = 1; d <= last; d++) {
      const day = `${month}-${String(d).padStart(2, '0')}`;
      cells.push(h('td', { 'aria-label': present.has(day) ? t('fieldwork.today.present', { date: formatDate(day) }) : null }, present.has(day) ? h('span', { class: 'badge badge-ok' }, String(d)) : String(d)));
    }
    const rows = [];
    for (let i = 0; i < cells.length; i += 7) rows.push(h('tr', null, cells.slice(i, i + 7)));
    const fs = summary.firstStay || {};
    return h(
      'section',
      { class: 'card' },
      h('h2', null, t('fieldwork.today.monthTitle', { month: formatMonth(month) })),
      h(
        'p',
        null,
        t('fieldwork.today.days', { count: summary.count, minimum: summary.minimum }),
        ' ',
        h('span', { class: `badge ${summary.meetsMinimum ? 'badge-ok' : 'badge-warn'}` }, t(summary.meetsMinimum ? 'fieldwork.today.met' : 'fieldwork.today.notMet')),
      ),
      h('p', { class: 'muted' }, t('fieldwork.today.dayRule', { hours: summary.minHours || 4 })),
      fs.overdue && !fs.day ? h('p', { class: 'badge badge-overdue' }, t('fieldwork.today.firstStayOverdue', { due: formatDate(fs.due) })) : '',
      h(
        'table',
        { class: 'month-grid' },
        h('thead', null, h('tr', null, ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => h('th', { scope: 'col' }, t(`fieldwork.weekday.${d}`))))),
        h('tbody', null, rows),
      ),
    );
  }

  function entryCard() {
    let kind = 'work-logs';
    const form = createForm({
      id: `fw-entry-${ctx.account.cadreId}`,
      fields: [
        { name: 'kind', label: 'fieldwork.field.kind', type: 'select', required: true, noPrompt: true, options: [
          { value: 'work-logs', label: 'fieldwork.kind.workLog' },
          { value: 'diaries', label: 'fieldwork.kind.diary' },
        ] },
        { name: 'date', label: 'fieldwork.field.date', type: 'date', required: true },
        { name: 'text', label: 'fieldwork.field.text', type: 'textarea', required: true, maxlength: 5000 },
        { name: 'task', label: 'fieldwork.field.task', type: 'select', options: TASKS.map((v) => ({ value: v, label: `fieldwork.task.${v}` })) },
        { name: 'peopleReached', label: 'fieldwork.field.peopleReached', type: 'number', min: 0 },
        { name: 'photo', label: 'fieldwork.field.photo', type: 'file', accept: 'image/jpeg,image/png,image/webp,application/pdf,video/mp4,video/quicktime' },
      ],
      values: { kind, date: today },
      submitLabel: 'fieldwork.today.save',
      onSubmit: async (v) => {
        kind = v.kind;
        const attachments = [];
        if (v.photo) attachments.push(await uploadFile(v.photo));
        const body = {
          date: v.date,
          text: v.text,
          task: v.task || undefined,
          peopleReached: v.peopleReached ? Number(v.peopleReached) : 0,
          attachments,
        };
        // The entry belongs to the stay under way, else to the linked contact point, else to
        // the contact point of the last stay.
        const last = (stays.items || []).at(-1);
        if (open) body.stay = open.id;
        else body.community = summary.linked || (last ? last.community : (communities.items || [])[0]?.code);
        return outbox.send(`${base}/${kind}`, body);
      },
      onSuccess: (res) => toast(t(res ? 'fieldwork.today.saved' : 'fieldwork.today.queued')),
    });
    return h('section', { class: 'card' }, h('h2', null, t('fieldwork.today.writeTitle')), form.el);
  }

  /** Upload a photo as the request body (streamed, not a form) under an id chosen here, so a
   * retried upload finds the stored file instead of storing it twice. */
  async function uploadFile(file) {
    const id = newIdempotencyKey();
    let res;
    try {
      res = await fetch(apiUrl(`${base}/attachments/${id}`, { name: file.name }), {
        method: 'PUT',
        body: file,
        credentials: 'same-origin',
        headers: { 'Accept-Language': currentLang() },
      });
    } catch (err) {
      throw new NetworkError(err);
    }
    if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
    return id;
  }
}
