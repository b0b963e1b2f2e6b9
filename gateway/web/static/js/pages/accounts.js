// 账号管理: login accounts. The county organisation department manages every account; a town
// activity office those of its own town (never a county role). An account may be scoped to
// one cadre (蹲点干部) or one community (党支部书记).

import { h, mount } from '../ui/dom.js';
import { createTable } from '../ui/table.js';
import { createForm } from '../ui/form.js';
import { openDialog, confirmDialog } from '../ui/dialog.js';
import { toast } from '../ui/toast.js';
import { get, patch, post, errorMessage } from '../api.js';
import { t } from '../i18n.js';
import { formatDateTime } from '../format.js';
import { BRANCH_SECRETARY, CADRE, COUNTY_ADMIN, ROLES, creatableRoles, isCounty } from '../roles.js';
import * as session from '../session.js';

export const title = 'accounts.title';


export async function render(ctx) {
  const countyAdmin = ctx.can(COUNTY_ADMIN);
  // A county administrator sees the town picked in the switcher, or every account.
  const townFilter = countyAdmin ? ctx.town : ctx.account.town;

  const table = createTable({
    caption: 'accounts.caption',
    signal: ctx.signal,
    search: { label: 'accounts.search', text: (r) => `${r.displayName} ${r.username} ${r.cadreId || ''} ${r.community || ''}` },
    filters: [
      { name: 'role', label: 'accounts.col.role', options: ROLES.map((r) => ({ value: r, label: `role.${r}` })) },
      {
        name: 'status',
        label: 'accounts.col.status',
        options: [
          { value: 'active', label: 'accounts.status.active' },
          { value: 'disabled', label: 'accounts.status.disabled' },
        ],
      },
    ],
    sort: { key: 'username', dir: 'asc' },
    columns: [
      { key: 'displayName', label: 'accounts.col.name', primary: true, sortable: true },
      { key: 'username', label: 'accounts.col.username', sortable: true, nowrap: true },
      { key: 'role', label: 'accounts.col.role', sortable: true, value: (r) => ROLES.indexOf(r.role), render: (r) => t(`role.${r.role}`) },
      { key: 'town', label: 'accounts.col.town', sortable: true, value: (r) => session.townName(r.town), render: (r) => (r.town ? session.townName(r.town) : t('accounts.wholeCounty')) },
      { key: 'scope', label: 'accounts.col.scope', render: scopeOf },
      { key: 'status', label: 'accounts.col.status', sortable: true, render: statusBadge },
      { key: 'updatedAt', label: 'accounts.col.updatedAt', sortable: true, nowrap: true, render: (r) => formatDateTime(r.updatedAt) },
    ],
    actions: (r) => rowActions(r),
    empty: 'accounts.empty',
    load: async ({ cursor, filters, signal }) => {
      const res = await get('accounts', { town: townFilter, cursor }, { signal });
      let items = (res && (res.items || res.accounts)) || [];
      if (filters.role) items = items.filter((a) => a.role === filters.role);
      if (filters.status) items = items.filter((a) => a.status === filters.status);
      return { items, next: res && res.next };
    },
  });

  ctx.actions.append(h('button', { type: 'button', class: 'btn btn-primary', onclick: openCreate }, t('accounts.create')));
  const scopeNote = countyAdmin
    ? h('p', { class: 'lead' }, townFilter ? t('accounts.leadTown', { town: ctx.townName }) : t('accounts.leadCounty'))
    : h('p', { class: 'lead' }, t('accounts.leadTown', { town: ctx.townName }));
  mount(ctx.root, scopeNote, table.el);

  // Community names for the scope column, when the list is one town's.
  const communityNames = new Map();
  if (townFilter) {
    get(`towns/${townFilter}/communities`, { limit: 500 }, { signal: ctx.signal })
      .then((res) => {
        for (const c of (res && res.items) || []) communityNames.set(c.code, c.name);
        table.redraw();
      })
      .catch(() => {}); // the codes stay readable without the names
  }

  function scopeOf(r) {
    if (r.role === CADRE && r.cadreId) return t('accounts.scopeCadre', { id: r.cadreId });
    if (r.role === BRANCH_SECRETARY && r.community) {
      return t('accounts.scopeCommunity', { name: communityNames.get(r.community) || r.community });
    }
    return '';
  }

  function rowActions(r) {
    const self = r.id === ctx.account.id;
    const out = [h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => resetPassword(r) }, t('accounts.resetPassword'))];
    if (!self) {
      out.push(
        r.status === 'disabled'
          ? h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => setStatus(r, 'active') }, t('accounts.enable'))
          : h('button', { type: 'button', class: 'btn btn-danger btn-small', onclick: () => setStatus(r, 'disabled') }, t('accounts.disable')),
      );
    }
    return out;
  }

  function openCreate() {
    let dlg;
    const roles = creatableRoles(ctx.role);
    const towns = session.towns().filter((tw) => tw.status !== 'archived');
    const form = createForm({
      id: 'account-create',
      fields: [
        { name: 'displayName', label: 'accounts.field.displayName', required: true, maxlength: 40 },
        {
          name: 'username',
          label: 'accounts.field.username',
          required: true,
          autocomplete: 'off',
          maxlength: 32,
          pattern: '[a-z0-9][a-z0-9._-]{2,31}',
          patternMessage: 'accounts.field.usernamePattern',
          hint: 'accounts.field.usernameHint',
        },
        { name: 'role', label: 'accounts.field.role', type: 'select', required: true, options: roles.map((r) => ({ value: r, label: `role.${r}` })) },
        {
          name: 'town',
          label: 'accounts.field.town',
          type: 'select',
          required: true,
          options: towns.map((tw) => ({ value: tw.code, text: t('common.nameCode', { name: tw.name, code: tw.code }) })),
          visible: (v) => countyAdmin && v.role && !isCounty(v.role),
        },
        {
          name: 'cadreId',
          label: 'accounts.field.cadreId',
          maxlength: 64,
          hint: 'accounts.field.cadreIdHint',
          visible: (v) => v.role === CADRE,
        },
        {
          name: 'community',
          label: 'accounts.field.community',
          type: 'select',
          required: true,
          options: [],
          visible: (v) => v.role === BRANCH_SECRETARY,
        },
        {
          name: 'password',
          label: 'accounts.field.password',
          type: 'password',
          required: true,
          autocomplete: 'new-password',
          hint: 'accounts.field.passwordHint',
        },
      ],
      values: { town: countyAdmin ? ctx.town : ctx.account.town },
      validate: (v) => (v.password && v.password.length < session.MIN_PASSWORD ? [{ field: 'password', message: t('accounts.field.passwordShort', { n: session.MIN_PASSWORD }) }] : []),
      submitLabel: 'accounts.create',
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: (v, { idempotencyKey }) => {
        const body = { username: v.username, displayName: v.displayName, role: v.role, password: v.password };
        const town = countyAdmin ? v.town : ctx.account.town;
        if (!isCounty(v.role)) body.town = town;
        if (v.role === CADRE && v.cadreId) body.cadreId = v.cadreId;
        if (v.role === BRANCH_SECRETARY) body.community = v.community;
        return post('accounts', body, { idempotencyKey });
      },
      onSuccess: (res, v) => {
        dlg.close();
        toast(t('accounts.created', { name: v.displayName, username: v.username }));
        table.reload();
      },
    });

    // The community list follows the town: a branch secretary is scoped to one of its communities.
    let loadedFor = null;
    async function loadCommunities() {
      const v = form.values();
      const town = countyAdmin ? v.town : ctx.account.town;
      if (v.role !== BRANCH_SECRETARY || !town || town === loadedFor) return;
      loadedFor = town;
      try {
        const res = await get(`towns/${town}/communities`, { limit: 500 });
        const items = ((res && res.items) || []).filter((c) => !c.archived);
        form.setOptions('community', items.map((c) => ({ value: c.code, text: t('common.nameCode', { name: c.name, code: c.code }) })));
      } catch (err) {
        loadedFor = null;
        form.setErrors([{ field: 'community', message: errorMessage(err) }]);
      }
    }
    form.el.addEventListener('change', loadCommunities);
    loadCommunities();

    dlg = openDialog({ title: t('accounts.create'), wide: true, content: form.el });
    form.focus();
  }

  function resetPassword(r) {
    let dlg;
    const form = createForm({
      fields: [
        {
          name: 'password',
          label: 'accounts.field.newPassword',
          type: 'password',
          required: true,
          autocomplete: 'new-password',
          hint: 'accounts.field.passwordHint',
        },
      ],
      validate: (v) => (v.password.length < session.MIN_PASSWORD ? [{ field: 'password', message: t('accounts.field.passwordShort', { n: session.MIN_PASSWORD }) }] : []),
      submitLabel: 'accounts.resetPassword',
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: (v, { idempotencyKey }) => post(`accounts/${encodeURIComponent(r.id)}/password`, { password: v.password }, { idempotencyKey }),
      onSuccess: () => {
        dlg.close();
        toast(t('accounts.passwordReset', { name: r.displayName }));
      },
    });
    dlg = openDialog({
      title: t('accounts.resetTitle', { name: r.displayName }),
      content: h('div', null, h('p', null, t('accounts.resetLead')), form.el),
    });
    form.focus();
  }

  async function setStatus(r, status) {
    const disabling = status === 'disabled';
    const ok = await confirmDialog({
      title: t(disabling ? 'accounts.disableTitle' : 'accounts.enableTitle', { name: r.displayName }),
      body: t(disabling ? 'accounts.disableBody' : 'accounts.enableBody', { name: r.displayName }),
      confirmLabel: disabling ? 'accounts.disable' : 'accounts.enable',
      danger: disabling,
    });
    if (!ok) return;
    try {
      const updated = await patch(`accounts/${encodeURIComponent(r.id)}`, { status });
      table.replaceRow((x) => x.id === r.id, updated && updated.id ? updated : { ...r, status });
      toast(t(disabling ? 'accounts.disabled' : 'accounts.enabled', { name: r.displayName }));
    } catch (err) {
      toast(errorMessage(err), { kind: 'error' });
    }
  }
}

function statusBadge(r) {
  return r.status === 'disabled'
    ? h('span', { class: 'badge badge-muted' }, t('accounts.status.disabled'))
    : h('span', { class: 'badge badge-ok' }, t('accounts.status.active'));
}
