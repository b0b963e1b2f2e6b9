// Loads a real catalogue into i18n.js under Node: fetch reads static/i18n/, and the few
// browser globals the module touches are stood in for.
import { readFile } from 'node:fs/promises';

const root = new URL('../static/', import.meta.url);

globalThis.document ??= { documentElement: { lang: '' } };
globalThis.localStorage ??= {
  store: new Map(),
  getItem(k) {
    return this.store.has(k) ? this.store.get(k) : null;
  },
  setItem(k, v) {
    this.store.set(k, String(v));
  },
  removeItem(k) {
    this.store.delete(k);
  },
};
globalThis.fetch = async (url) => {
  const body = await readFile(new URL(url, root), 'utf8');
  return { ok: true, status: 200, json: async () => JSON.parse(body) };
};

export const i18n = await import('../static/js/i18n.js');

export async function useLang(lang) {
  await i18n.setLang(lang, { remember: false });
}
