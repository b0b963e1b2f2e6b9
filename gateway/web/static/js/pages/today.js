// 今日: the home of a cadre, a branch secretary or a town leader — today's date and what is
// due next in the programme year, each with how long is left. The day's work pages (日志,
// 一联五, 月报) hang off the same tab bar as they are added.

import { h, mount } from '../ui/dom.js';
import { t } from '../i18n.js';
import { beijingToday, deadline, formatDate, formatMonth } from '../format.js';
import { KINDS, deadlineOf, monthsOf } from '../programme.js';
import * as session from '../session.js';

export const title = 'today.title';

export async function render(ctx) {
  const acc = ctx.account;
  const today = beijingToday();
  const p = session.programmeYears().find((y) => y.start <= today && today <= y.end);
  const holidays = session.holidayYears();

  const items = p ? upcoming(p, holidays, acc.town, today) : [];
  mount(
    ctx.root,
    h(
      'section',
      { class: 'card' },
      h('p', { class: 'greeting' }, t('today.hello', { name: acc.displayName || acc.username })),
      h('p', { class: 'muted' }, t('today.date', { date: formatDate(today) }), acc.town ? ` · ${session.townName(acc.town)}` : ''),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', null, t('today.dueTitle')),
      items.length
        ? h(
            'ul',
            { class: 'deadline-list' },
            items.map((d) => {
              const left = deadline(d.day);
              return h(
                'li',
                null,
                h(
                  'div',
                  null,
                  h('div', { class: 'deadline-what' }, d.kind === 'monthly_report' ? t('calendar.monthlyOf', { month: formatMonth(d.month) }) : t(`calendar.kind.${d.kind}`)),
                  h('div', { class: 'deadline-when' }, formatDate(d.day)),
                ),
                h('span', { class: `badge ${left.level === 'later' ? '' : left.overdue ? 'badge-overdue' : 'badge-warn'}` }, left.text),
              );
            }),
          )
        : h('p', { class: 'muted' }, t(p ? 'today.nothingDue' : 'today.noYear')),
    ),
  );
}

/** The next deadlines that concern a person in the field: the next monthly report and the
 * yearly ones not yet past (the town's own reports are the office's business). */
function upcoming(p, holidays, town, today) {
  const out = [];
  for (const kind of KINDS) {
    if (kind === 'year_end_report' || kind === 'q1_summary') continue;
    if (kind === 'monthly_report') {
      const next = monthsOf(p)
        .map((month) => deadlineOf(p, holidays, kind, { town, month }))
        .find((d) => d.day >= today);
      if (next) out.push(next);
      continue;
    }
    const d = deadlineOf(p, holidays, kind, { town });
    if (d.day >= today) out.push(d);
  }
  return out.sort((a, b) => (a.day < b.day ? -1 : 1)).slice(0, 4);
}
