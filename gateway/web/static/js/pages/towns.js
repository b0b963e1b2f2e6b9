// 乡镇管理: the county's towns (tenants). The county organisation department creates a town,
// imports many from the national division-code list, archives one (read-only) and erases an
// archived one — only after exporting its data and typing its name.

import { h, mount } from '../ui/dom.js';
import { createTable } from '../ui/table.js';
import { createForm } from '../ui/form.js';
import { openDialog, confirmDialog } from '../ui/dialog.js';
import { jobProgress, rememberJob, rememberedJobs, forgetJob } from '../ui/progress.js';
import { toast } from '../ui/toast.js';
import { bannerSlot } from '../ui/banner.js';
import { apiUrl, get, post, del, upload, errorMessage } from '../api.js';
import { t } from '../i18n.js';
import { formatDate, formatNumber } from '../format.js';
import { navigate } from '../router.js';
import { COUNTY_ADMIN } from '../roles.js';
import * as session from '../session.js';

export const title = 'towns.title';

const IMPORT_JOBS = 'towns-import';
const exportJobsOf = (code) => `town-export:${code}`;

export async function render(ctx) {
  const admin = ctx.can(COUNTY_ADMIN);
  const jobs = h('div', { class: 'jobs' });

  const table = createTable({
    caption: 'towns.caption',
    signal: ctx.signal,
    search: { label: 'towns.search', text: (r) => `${r.name} ${r.code} ${r.countyName || ''}` },
    filters: [
      {
        name: 'status',
        label: 'towns.col.status',
        options: [
          { value: 'active', label: 'towns.status.active' },
          { value: 'archived', label: 'towns.status.archived' },
        ],
      },
    ],
    sort: { key: 'code', dir: 'asc' },
    columns: [
      { key: 'name', label: 'towns.col.name', primary: true, sortable: true },
      { key: 'code', label: 'towns.col.code', sortable: true, nowrap: true, render: (r) => h('span', { class: 'code' }, r.code) },
      { key: 'countyName', label: 'towns.col.county', sortable: true },
      {
        key: 'communities',
        label: 'towns.col.communities',
        sortable: true,
        align: 'end',
        value: (r) => communityCount(r),
        render: (r) => formatNumber(communityCount(r)),
      },
      { key: 'status', label: 'towns.col.status', sortable: true, render: statusBadge },
      { key: 'createdAt', label: 'towns.col.createdAt', sortable: true, nowrap: true, render: (r) => formatDate(r.createdAt) },
    ],
    actions: (r) => rowActions(r),
    empty: admin ? 'towns.emptyAdmin' : 'towns.empty',
    load: async ({ cursor, filters, signal }) => {
      const res = await get('towns', { cursor, status: filters.status, limit: 200 }, { signal });
      const items = (res && (res.items || res.towns)) || [];
      return { items: filters.status ? items.filter((x) => x.status === filters.status) : items, next: res && res.next };
    },
  });

  if (admin) {
    ctx.actions.append(
      h('button', { type: 'button', class: 'btn btn-primary', onclick: openCreate }, t('towns.create')),
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: openImport }, t('towns.import')),
    );
  }
  mount(ctx.root, jobs, table.el);
  for (const j of rememberedJobs(IMPORT_JOBS)) showImportJob(j.id);

  function communityCount(r) {
    if (Array.isArray(r.communities)) return r.communities.length;
    return typeof r.communities === 'number' ? r.communities : 0;
  }

  function rowActions(r) {
    const out = [
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-secondary btn-small',
          onclick: () => {
            session.setTown(r.code, { quiet: true });
            navigate('/communities');
          },
        },
        t('towns.open'),
      ),
    ];
    if (!admin) return out;
    if (r.status !== 'archived') {
      out.push(h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => archive(r) }, t('towns.archive')));
    } else {
      out.push(h('button', { type: 'button', class: 'btn btn-danger btn-small', onclick: () => openErase(r) }, t('towns.erase')));
    }
    return out;
  }

  async function refreshTowns() {
    await table.reload();
    await session.loadTowns().catch(() => {});
  }

  function openCreate() {
    let dlg;
    const form = createForm({
      id: 'town-create',
      fields: [
        {
          name: 'code',
          label: 'towns.field.code',
          required: true,
          inputmode: 'numeric',
          maxlength: 9,
          pattern: '\\d{9}',
          patternMessage: 'towns.field.codePattern',
          hint: 'towns.field.codeHint',
        },
        { name: 'name', label: 'towns.field.name', required: true, maxlength: 60 },
        { name: 'countyName', label: 'towns.field.county', required: true, maxlength: 60 },
      ],
      values: { countyName: countyNameGuess() },
      submitLabel: 'towns.create',
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: (v, { idempotencyKey }) => post('towns', { code: v.code, name: v.name, countyName: v.countyName }, { idempotencyKey }),
      onSuccess: (res, v) => {
        dlg.close();
        toast(t('towns.created', { name: v.name }));
        refreshTowns();
      },
    });
    dlg = openDialog({ title: t('towns.create'), content: form.el });
    form.focus();
  }

  // A county has one name; a new town most likely belongs to the county of the others.
  function countyNameGuess() {
    const named = table.rows().find((r) => r.countyName);
    return named ? named.countyName : '';
  }

  function openImport() {
    let dlg;
    const form = createForm({
      fields: [
        {
          name: 'file',
          label: 'towns.importFile',
          type: 'file',
          accept: '.csv,text/csv',
          required: true,
          hint: 'towns.importHint',
        },
      ],
      submitLabel: 'towns.importStart',
      actions: [{ label: 'common.cancel', onClick: () => dlg.close() }],
      onSubmit: (v, { idempotencyKey }) => upload('towns/import', v.file, { idempotencyKey }),
      onSuccess: (res) => {
        dlg.close();
        const id = jobId(res);
        rememberJob(id, IMPORT_JOBS);
        showImportJob(id);
      },
    });
    const sample = h('pre', { class: 'card code sample' }, 'province,city,county_code,county,town_code,town,village_code,village\n河北省,保定市,130624,阜平县,130624100,阜平镇,130624100200,城厢村村民委员会');
    dlg = openDialog({
      title: t('towns.import'),
      wide: true,
      content: h('div', null, h('p', null, t('towns.importLead')), sample, form.el),
    });
  }

  function showImportJob(id) {
    jobs.append(
      jobProgress(id, {
        title: t('towns.importJob'),
        signal: ctx.signal,
        summary: (job) => {
          const r = job.result || {};
          return t('towns.importResult', {
            created: formatNumber(r.townsCreated || 0),
            changed: formatNumber(r.townsChanged || 0),
            communities: formatNumber(r.communitiesAdded || 0),
          });
        },
        onDone: (job) => {
          if (job.status !== 'failed') refreshTowns();
        },
      }),
    );
  }

  async function archive(r) {
    const ok = await confirmDialog({
      title: t('towns.archiveTitle', { name: r.name }),
      body: t('towns.archiveBody', { name: r.name }),
      confirmLabel: 'towns.archive',
    });
    if (!ok) return;
    try {
      await post(`towns/${r.code}/archive`, {});
      toast(t('towns.archived', { name: r.name }));
      refreshTowns();
    } catch (err) {
      toast(errorMessage(err), { kind: 'error' });
    }
  }

  // Erasing: 1) export (a job, remembered per town so it survives closing the dialog), then
  // 2) type the town's name and erase, citing the export.
  function openErase(r) {
    const banner = bannerSlot();
    const exportBox = h('div');
    const confirmInput = h('input', { id: 'erase-confirm', type: 'text', autocomplete: 'off', disabled: true });
    const eraseBtn = h('button', { type: 'button', class: 'btn btn-danger', disabled: true, onclick: erase }, t('towns.eraseNow'));
    let exportId = '';
    let dlg;

    const startExport = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-primary',
        onclick: async () => {
          startExport.disabled = true;
          banner.clear();
          try {
            const res = await post(`towns/${r.code}/export`, {});
            const id = jobId(res);
            rememberJob(id, exportJobsOf(r.code), r.name);
            followExport(id);
          } catch (err) {
            banner.error(err);
            startExport.disabled = false;
          }
        },
      },
      t('towns.exportStart'),
    );

    function followExport(id) {
      startExport.hidden = true;
      mount(
        exportBox,
        jobProgress(id, {
          title: t('towns.exportJob', { name: r.name }),
          closable: false,
          summary: (job) => {
            const res = job.result || {};
            return t('towns.exportResult', { documents: formatNumber(res.documents || 0), objects: formatNumber(res.objects || 0) });
          },
          onDone: (job) => {
            if (job.status === 'failed') {
              startExport.hidden = false;
              startExport.disabled = false;
              return;
            }
            exportId = job.id || id;
            // The archive streams straight to disk: it can be far larger than a page should hold.
            exportBox.append(
              h(
                'p',
                null,
                h('a', { class: 'btn btn-secondary', href: apiUrl(`towns/${r.code}/exports/${encodeURIComponent(exportId)}`), download: '' }, t('towns.exportDownload')),
                ' ',
                h('span', { class: 'muted' }, t('towns.exportKept')),
              ),
            );
            confirmInput.disabled = false;
            confirmInput.focus();
          },
          onClose: () => {
            startExport.hidden = false;
            startExport.disabled = false;
          },
        }),
      );
    }

    confirmInput.addEventListener('input', () => {
      eraseBtn.disabled = !exportId || confirmInput.value.trim() !== r.name;
    });

    async function erase() {
      eraseBtn.disabled = true;
      banner.clear();
      try {
        await del(`towns/${r.code}`, { confirm: confirmInput.value.trim(), exportId });
        for (const j of rememberedJobs(exportJobsOf(r.code))) forgetJob(j.id);
        dlg.close();
        toast(t('towns.erased', { name: r.name }));
        if (session.town() === r.code) session.setTown('', { quiet: true });
        refreshTowns();
      } catch (err) {
        banner.error(err);
        eraseBtn.disabled = false;
      }
    }

    const content = h(
      'div',
      null,
      banner.el,
      h('p', null, t('towns.eraseLead', { name: r.name })),
      h(
        'ol',
        { class: 'steps' },
        h('li', null, h('p', null, t('towns.eraseStep1', { name: r.name })), startExport, exportBox),
        h(
          'li',
          null,
          h('p', null, t('towns.eraseStep2')),
          h('div', { class: 'field' }, h('label', { for: 'erase-confirm', class: 'field-label' }, t('common.typeToConfirm', { text: r.name })), confirmInput),
          eraseBtn,
        ),
      ),
    );
    dlg = openDialog({ title: t('towns.eraseTitle', { name: r.name }), wide: true, content });
    const earlier = rememberedJobs(exportJobsOf(r.code)).pop();
    if (earlier) followExport(earlier.id);
  }
}

/** The job id of an answer that started a job ({job: "id"} or {job: {id}} or {id}). */
function jobId(res) {
  if (!res) return '';
  if (typeof res.job === 'string') return res.job;
  if (res.job && res.job.id) return res.job.id;
  return res.id || '';
}

function statusBadge(r) {
  return r.status === 'archived'
    ? h('span', { class: 'badge badge-muted' }, t('towns.status.archived'))
    : h('span', { class: 'badge badge-ok' }, t('towns.status.active'));
}
