// 待办与逾期: one view of every open follow-up across services — meeting action items,
// rectification of findings, petition resolution steps — with how late each is. A cadre sees
// the tasks they own, and whoever owns a task starts and completes it here; checking it is
// the business of the page it came from.

import { h, mount } from '../../ui/dom.js';
import { createTable } from '../../ui/table.js';
import { createForm } from '../../ui/form.js';
import { openDialog } from '../../ui/dialog.js';
import { toast } from '../../ui/toast.js';
import { get, post } from '../../api.js';
import { t } from '../../i18n.js';
import { beijingToday, deadline } from '../../format.js';
import { BRANCH_SECRETARY, CADRE, TOWN_ADMIN } from '../../roles.js';

const ACTIVE = ['open', 'in_progress', 'reopened'];

export const title = 'reporting.due.title';

export async function render(ctx) {
  const table = createTable({
    caption: 'reporting.due.title',
    signal: ctx.signal,
    search: { label: 'reporting.due.search', text: (r) => `${r.task.title} ${r.task.owner.name || r.task.owner.id}` },
    columns: [
      { key: 'title', label: 'reporting.due.col.title', primary: true, render: (r) => r.task.title },
      { key: 'service', label: 'reporting.due.col.service', sortable: true, render: (r) => t(`reporting.due.service.${r.service}`) },
      { key: 'owner', label: 'reporting.due.col.owner', render: (r) => r.task.owner.name || r.task.owner.id },
      { key: 'status', label: 'reporting.col.status', render: (r) => h('span', { class: 'badge badge-muted' }, t(`reporting.task.${r.task.status}`)) },
      {
        key: 'due',
        label: 'reporting.meetings.field.due',
        render: (r) => {
          if (!r.task.due) return '';
          const d = deadline(beijingToday(new Date(r.task.due)));
          return d ? h('span', { class: ['badge', r.overdue ? 'badge-overdue' : 'badge-muted'] }, d.text) : '';
        },
      },
    ],
    actions: (r) => {
      if (!ACTIVE.includes(r.task.status) || !owns(r.task.owner)) return [];
      const out = [];
      if (r.task.status !== 'in_progress' && stepPath(r, 'start')) {
        out.push(h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => move(r, 'start') }, t('reporting.due.start')));
      }
      if (stepPath(r, 'complete')) {
        out.push(h('button', { type: 'button', class: 'btn btn-primary', onclick: () => complete(r) }, t('reporting.due.complete')));
      }
      return out;
    },
    empty: 'reporting.due.empty',
    load: async ({ signal }) => {
      const res = await get(`towns/${ctx.town}/tasks/due`, null, { signal });
      return { items: (res && res.items) || [] };
    },
  });
  mount(ctx.root, h('p', { class: 'lead' }, t('reporting.due.lead', { town: ctx.townName })), table.el);

  /** Whether the signed-in account answers for a task. */
  function owns(owner) {
    const acc = ctx.account;
    switch (owner.kind) {
      case 'cadre':
        return ctx.role === CADRE && owner.id === acc.cadreId;
      case 'community':
        return ctx.role === BRANCH_SECRETARY && owner.id === acc.community;
      case 'account':
        return owner.id === acc.id;
      case 'town_office':
        return ctx.role === TOWN_ADMIN;
    }
    return false;
  }

  /** The owning service's route for a step of the task, or null where it has none. */
  function stepPath(r, step) {
    const task = r.task;
    const base = `towns/${ctx.town}`;
    switch (r.service) {
      case 'petitions':
        return `${base}/cases/${task.source.id}/tasks/${task.id}/${step}`;
      case 'reporting':
        return `${base}/action-items/${task.id}/${step}`;
      case 'fieldwork':
        return `${base}/measures/${task.id}/${step}`;
      case 'assessment':
        return step === 'complete' ? `${base}/findings/${task.source.id}/rectification/complete` : null;
    }
    return null;
  }

  async function move(r, step) {
    shown(r, await post(stepPath(r, step), {}), 'in_progress');
    toast(t('reporting.due.started'));
  }

  /** The row as the owning service answered: this list follows its events a moment later. */
  function shown(r, res, status) {
    const task = res && res.status ? res : { ...r.task, status };
    table.replaceRow((x) => x.service === r.service && x.task.id === r.task.id, { ...r, task: { ...r.task, ...task } });
  }

  function complete(r) {
    let dlg;
    const form = createForm({
      fields: [{ name: 'note', label: 'reporting.due.note', type: 'textarea', required: true, maxlength: 500, hint: 'reporting.due.noteHint' }],
      submitLabel: 'reporting.due.complete',
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: (v) => post(stepPath(r, 'complete'), { note: v.note }),
      onSuccess: (res) => {
        dlg.close();
        shown(r, res, 'done');
        toast(t('reporting.due.completed'));
      },
    });
    dlg = openDialog({ title: r.task.title, content: form.el });
    form.focus();
  }
}
