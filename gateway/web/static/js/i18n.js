// Message catalogues. Every visible string comes from i18n/<lang>.json through t(); the
// programme's own words (蹲点干部, 一联五, 月报告 …) live there exactly once.

export const LANGS = ['zh-CN', 'en'];
const DEFAULT_LANG = 'zh-CN';
const STORAGE_KEY = 'dundian.lang';

let lang = DEFAULT_LANG;
let messages = {};
let plural = new Intl.PluralRules(DEFAULT_LANG);
const listeners = new Set();

/** The language the console shows (and sends as Accept-Language). */
export function currentLang() {
  return lang;
}

/** The stored choice, or zh-CN. The browser's own language is not used: the county decides. */
export function storedLang() {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(v) ? v : DEFAULT_LANG;
  } catch {
    return DEFAULT_LANG;
  }
}

/**
 * Load a catalogue and make it current and set <html lang>. With remember (the person chose
 * it), the choice is kept for next time; the start-up load does not write it.
 */
export async function setLang(next, { remember = true } = {}) {
  if (!LANGS.includes(next)) next = DEFAULT_LANG;
  const res = await fetch(`i18n/${next}.json`, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`catalogue ${next}: ${res.status}`);
  messages = await res.json();
  lang = next;
  plural = new Intl.PluralRules(next);
  document.documentElement.lang = next;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }
  for (const fn of listeners) fn(next);
}

/** Call fn(lang) after every language change; returns an unsubscribe function. */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * t('towns.created', {name: '城关镇'}) → the message with {name} filled in.
 * A message may be an object of plural forms ({one, other}) chosen by params.count.
 * A missing key shows itself in brackets so that it is caught on a screenshot, never blank.
 */
export function t(key, params) {
  let msg = lookup(key);
  if (msg && typeof msg === 'object') {
    const form = params && typeof params.count === 'number' ? plural.select(params.count) : 'other';
    msg = msg[form] ?? msg.other;
  }
  if (typeof msg !== 'string') return `[${key}]`;
  if (!params) return msg;
  return msg.replace(/\{(\w+)\}/g, (m, name) => (params[name] ?? m).toString());
}

/** Whether the catalogue has the key (for optional hints and enumerations). */
export function has(key) {
  return lookup(key) !== undefined;
}

function lookup(key) {
  let node = messages;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || !(part in node)) return undefined;
    node = node[part];
  }
  return node;
}
