// 设置: the town's own settings. The defaults protect privacy and spare cadres busywork
// (national rules against formalism restrict mandatory GPS check-ins, forced photos and
// league tables), so each is a town's choice, made here by its office or the county.

import { h, mount } from '../ui/dom.js';
import { createForm } from '../ui/form.js';
import { toast } from '../ui/toast.js';
import { get, put } from '../api.js';
import { t } from '../i18n.js';
import { formatDateTime } from '../format.js';
import { ADMINS } from '../roles.js';

export const title = 'settings.title';

const EVIDENCE = ['off', 'optional', 'required'].map((v) => ({ value: v, label: `settings.evidence.${v}` }));
const DIARY = ['town_office', 'branch'].map((v) => ({ value: v, label: `settings.diary.${v}` }));

export async function render(ctx) {
  const path = `towns/${ctx.town}/settings`;
  const current = await get(path, null, { signal: ctx.signal });
  const editable = ctx.can(...ADMINS);
  const stamp = h('p', { class: 'muted' }, stampOf(current));

  const form = createForm({
    id: editable ? `settings.${ctx.town}` : undefined,
    readonly: !editable,
    keepValues: true,
    fields: [
      { name: 'locationEvidence', label: 'settings.locationEvidence', type: 'select', required: true, noPrompt: true, options: EVIDENCE, hint: 'settings.locationEvidenceHint' },
      { name: 'photoEvidence', label: 'settings.photoEvidence', type: 'select', required: true, noPrompt: true, options: EVIDENCE, hint: 'settings.photoEvidenceHint' },
      { name: 'diaryVisibility', label: 'settings.diaryVisibility', type: 'select', required: true, noPrompt: true, options: DIARY, hint: 'settings.diaryVisibilityHint' },
      { name: 'responseDueDays', label: 'settings.responseDueDays', type: 'number', required: true, min: 1, max: 90, inputmode: 'numeric', hint: 'settings.responseDueDaysHint' },
      { name: 'rankingsShown', label: 'settings.rankingsShown', type: 'checkbox', hint: 'settings.rankingsShownHint', wide: true },
    ],
    values: current,
    validate: (v) =>
      !Number.isInteger(v.responseDueDays) || v.responseDueDays < 1 || v.responseDueDays > 90
        ? [{ field: 'responseDueDays', message: t('settings.responseDueDaysRange') }]
        : [],
    submitLabel: 'common.save',
    onSubmit: (v) =>
      put(path, {
        locationEvidence: v.locationEvidence,
        photoEvidence: v.photoEvidence,
        diaryVisibility: v.diaryVisibility,
        responseDueDays: v.responseDueDays,
        rankingsShown: v.rankingsShown,
      }),
    onSuccess: (saved) => {
      toast(t('settings.saved', { town: ctx.townName }));
      if (saved) stamp.textContent = stampOf(saved);
    },
  });

  mount(
    ctx.root,
    h(
      'section',
      { class: 'card' },
      h('p', { class: 'lead' }, t(editable ? 'settings.lead' : 'settings.leadReadonly', { town: ctx.townName })),
      stamp,
      form.el,
    ),
  );
}

function stampOf(s) {
  return s && s.updatedAt ? t('settings.updated', { time: formatDateTime(s.updatedAt) }) : t('settings.defaults');
}
