// 调度会 (S8): the town office's regular meetings — schedule, who attended, the minutes, the
// problems raised and decisions taken, and the action items assigned with an owner and a due
// date, tracked until someone other than the owner has verified them.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { createForm } from '../../ui/form.js';
import { openDialog } from '../../ui/dialog.js';
import { bannerSlot } from '../../ui/banner.js';
import { toast } from '../../ui/toast.js';
import { get, post, put } from '../../api.js';
import { t } from '../../i18n.js';
import { deadline, beijingToday, formatDateTime } from '../../format.js';
import { CADRE, TOWN_ADMIN } from '../../roles.js';

export const title = 'reporting.meetings.title';

const lines = (s) => String(s || '').split('\n').map((x) => x.trim()).filter(Boolean);

export async function render(ctx) {
  const base = `towns/${ctx.town}`;
  const office = ctx.can(TOWN_ADMIN);
  const table = createTable({
    caption: 'reporting.meetings.caption',
    signal: ctx.signal,
    columns: [
      { key: 'title', label: 'reporting.meetings.col.title', primary: true },
      { key: 'scheduledAt', label: 'reporting.meetings.col.when', sortable: true, nowrap: true, render: (m) => formatDateTime(m.scheduledAt) },
      { key: 'place', label: 'reporting.meetings.col.place' },
      { key: 'status', label: 'reporting.col.status', render: (m) => h('span', { class: ['badge', m.status === 'held' ? 'badge-ok' : 'badge-info'] }, t(`reporting.meetings.status.${m.status}`)) },
    ],
    actions: (m) => [h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => openMeeting(m.id) }, t('reporting.reports.open'))],
    empty: 'reporting.meetings.empty',
    load: async ({ signal }) => {
      const res = await get(`${base}/meetings`, null, { signal });
      return { items: (res && res.items) || [] };
    },
  });
  if (office) ctx.actions.append(h('button', { type: 'button', class: 'btn btn-primary', onclick: openSchedule }, t('reporting.meetings.schedule')));
  mount(ctx.root, h('p', { class: 'lead' }, t('reporting.meetings.lead', { town: ctx.townName })), table.el);

  function openSchedule() {
    let dlg;
    const form = createForm({
      fields: [
        { name: 'title', label: 'reporting.meetings.col.title', required: true, maxlength: 100 },
        { name: 'when', label: 'reporting.meetings.col.when', type: 'datetime-local', required: true },
        { name: 'place', label: 'reporting.meetings.col.place', maxlength: 100 },
        { name: 'attendees', label: 'reporting.meetings.field.attendees', type: 'textarea', hint: 'reporting.meetings.field.onePerLine' },
      ],
      submitLabel: 'reporting.meetings.schedule',
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: (v, { idempotencyKey }) =>
        post(`${base}/meetings`, { title: v.title, place: v.place || '', scheduledAt: new Date(`${v.when}:00+08:00`).toISOString(), attendees: lines(v.attendees) }, { idempotencyKey }),
      onSuccess: () => {
        dlg.close();
        toast(t('reporting.meetings.scheduled'));
        table.reload();
      },
    });
    dlg = openDialog({ title: t('reporting.meetings.schedule'), content: form.el });
    form.focus();
  }

  async function openMeeting(id) {
    const banner = bannerSlot();
    const box = h('div', null, banner.el);
    const dlg = openDialog({ title: t('reporting.meetings.title'), content: box, wide: true });
    const load = async () => {
      let m;
      try {
        m = await get(`${base}/meetings/${id}`);
      } catch (err) {
        banner.error(err);
        return;
      }
      const minutes = createForm({
        readonly: !office,
        keepValues: true,
        values: { attendees: m.attendees.join('\n'), minutes: m.minutes, problems: m.problems.join('\n'), decisions: m.decisions.join('\n') },
        fields: [
          { name: 'attendees', label: 'reporting.meetings.field.attendees', type: 'textarea', hint: 'reporting.meetings.field.onePerLine' },
          { name: 'minutes', label: 'reporting.meetings.field.minutes', type: 'textarea', required: true, maxlength: 10000 },
          { name: 'problems', label: 'reporting.meetings.field.problems', type: 'textarea', hint: 'reporting.meetings.field.onePerLine' },
          { name: 'decisions', label: 'reporting.meetings.field.decisions', type: 'textarea', hint: 'reporting.meetings.field.onePerLine' },
        ],
        submitLabel: 'reporting.meetings.recordMinutes',
        onSubmit: (v) => put(`${base}/meetings/${id}/minutes`, { attendees: lines(v.attendees), minutes: v.minutes, problems: lines(v.problems), decisions: lines(v.decisions) }),
        onSuccess: () => {
          toast(t('reporting.meetings.minutesRecorded'));
          table.reload();
        },
      });
      const items = h(
        'ul',
        { class: 'list' },
        m.actionItems.length
          ? m.actionItems.map((it) => {
              const d = it.due && it.status !== 'verified' && it.status !== 'cancelled' ? deadline(beijingToday(new Date(it.due))) : null;
              return h(
                'li',
                null,
                h('strong', null, it.title),
                ` · ${it.owner.name || it.owner.id} · `,
                h('span', { class: 'badge badge-muted' }, t(`reporting.task.${it.status}`)),
                d ? h('span', { class: ['badge', d.overdue ? 'badge-overdue' : 'badge-muted'] }, d.text) : null,
                ...steps(it).map((s) => h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => move(it, s) }, t(`reporting.task.step.${s}`))),
              );
            })
          : h('li', { class: 'muted' }, t('reporting.meetings.noItems')),
      );
      const add = office
        ? createForm({
            fields: [
              { name: 'title', label: 'reporting.meetings.field.item', required: true, maxlength: 200 },
              { name: 'owner', label: 'reporting.meetings.field.ownerCadre', required: true, maxlength: 100 },
              { name: 'due', label: 'reporting.meetings.field.due', type: 'date' },
            ],
            submitLabel: 'reporting.meetings.addItem',
            onSubmit: (v, { idempotencyKey }) =>
              post(`${base}/meetings/${id}/action-items`, { title: v.title, owner: { kind: 'cadre', id: v.owner }, due: v.due || '' }, { idempotencyKey }),
            onSuccess: () => load(),
          })
        : null;
      mount(
        box,
        banner.el,
        h('p', null, h('strong', null, m.title), ` · ${formatDateTime(m.scheduledAt)} · ${m.place || ''}`),
        minutes.el,
        h('h3', null, t('reporting.meetings.items')),
        items,
        add ? add.el : null,
      );
    };
    function steps(it) {
      const mine = ctx.can(CADRE) && it.owner.kind === 'cadre' && it.owner.id === ctx.account.cadreId;
      const out = [];
      if ((office || mine) && (it.status === 'open' || it.status === 'reopened')) out.push('start');
      if ((office || mine) && (it.status === 'open' || it.status === 'in_progress' || it.status === 'reopened')) out.push('complete');
      if (office && it.status === 'done') out.push('verify', 'reopen');
      return out;
    }
    async function move(it, step) {
      try {
        await post(`${base}/action-items/${it.id}/${step}`, { note: step === 'reopen' ? t('reporting.task.reopenNote') : '' });
        load();
      } catch (err) {
        banner.error(err);
      }
    }
    await load();
    return dlg;
  }
}
