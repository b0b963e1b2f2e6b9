// 通知: what asks this account to act — a report returned or to review, an action item or a
// rectification assigned, an opinion handed over, a town report to sign.

import { h, mount } from '../../ui/dom.js';
import { bannerSlot } from '../../ui/banner.js';
import { get, post } from '../../api.js';
import { t } from '../../i18n.js';
import { formatDateTime } from '../../format.js';
import { navigate } from '../../router.js';

export const title = 'reporting.notify.title';

export async function render(ctx) {
  const base = `towns/${ctx.town}/notifications`;
  const banner = bannerSlot();
  let items = [];
  try {
    const res = await get(base, null, { signal: ctx.signal });
    items = (res && res.items) || [];
  } catch (err) {
    mount(ctx.root, banner.el);
    banner.error(err);
    return;
  }
  if (items.some((n) => n.unread)) {
    ctx.actions.append(
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-secondary',
          onclick: async () => {
            try {
              await post(`${base}/read`, {});
              ctx.refresh();
            } catch (err) {
              banner.error(err);
            }
          },
        },
        t('reporting.notify.markRead'),
      ),
    );
  }
  const open = (n) => {
    const [path, query] = n.link.split('?');
    navigate(path, Object.fromEntries(new URLSearchParams(query || '')));
  };
  mount(
    ctx.root,
    banner.el,
    items.length
      ? h(
          'ul',
          { class: 'list' },
          items.map((n) =>
            h(
              'li',
              { class: n.unread ? 'unread' : null },
              n.unread ? h('span', { class: 'badge badge-info' }, t('reporting.notify.new')) : null,
              h('button', { type: 'button', class: 'btn btn-link', onclick: () => open(n) }, t(`reporting.notify.kind.${n.kind}`, n.params || {})),
              h('span', { class: 'muted' }, ` · ${formatDateTime(n.at)}`),
            ),
          ),
        )
      : h('p', { class: 'lead' }, t('reporting.notify.empty')),
  );
}
