// Who is logged in, which town the console is looking at and which programme year. Pages read
// these through the page context; only the shell changes them.

import { get, post } from './api.js';
import { isCounty } from './roles.js';
import { beijingToday } from './format.js';

/** The gateway's password rule (account.MinPasswordLen), checked here before sending. */
export const MIN_PASSWORD = 10;

const TOWN_KEY = 'dundian.town';
const YEAR_KEY = 'dundian.year';

const state = {
  account: null,
  towns: [],
  town: '',
  year: 0,
  calendar: null,
};
const listeners = new Set();

export function account() {
  return state.account;
}

/** Call fn() whenever the town or programme year changes. */
export function onContextChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function changed() {
  for (const fn of listeners) fn();
}

/** Ask the gateway who we are (the cookie decides); null when not logged in. */
export async function loadAccount() {
  try {
    const me = await get('me', null, { allowUnauthorized: true });
    setAccount(me && me.account ? me.account : me);
  } catch (err) {
    if (err && err.status === 401) {
      setAccount(null);
    } else {
      throw err;
    }
  }
  return state.account;
}

export function setAccount(acc) {
  state.account = acc || null;
  if (!acc) {
    state.town = '';
    return;
  }
  if (!isCounty(acc.role)) {
    state.town = acc.town || '';
  } else {
    state.town = stored(TOWN_KEY) || '';
  }
}

export async function login(username, password, opts) {
  const res = await post('auth/login', { username, password }, { ...opts, allowUnauthorized: true });
  setAccount(res.account);
  return res;
}

export async function logout() {
  try {
    await post('auth/logout', {}, { allowUnauthorized: true });
  } finally {
    setAccount(null);
  }
}

/** The towns this account may see (county roles get all; a town role its own). */
export function towns() {
  return state.towns;
}

export async function loadTowns() {
  const res = await get('towns', { limit: 500 });
  state.towns = (res && (res.items || res.towns)) || [];
  if (isCounty(state.account?.role) && state.town && !state.towns.some((tw) => tw.code === state.town)) {
    state.town = '';
  }
  return state.towns;
}

/** The town pages work in: the account's own, or the one a county role picked. */
export function town() {
  return state.town;
}

export function townName(code = state.town) {
  const tw = state.towns.find((x) => x.code === code);
  return tw ? tw.name : code;
}

/** Pick the town (county roles). With quiet, the current page is not re-rendered: the caller
 * navigates to another page itself. */
export function setTown(code, { quiet = false } = {}) {
  state.town = code;
  remember(TOWN_KEY, code);
  if (!quiet) changed();
}

/** Replace the towns of the switcher after a town was created, imported or archived. */
export function setTowns(list) {
  state.towns = list;
}

/** The programme calendar as GET /api/v1/calendar answers it (loaded once per login). */
export function calendar() {
  return state.calendar;
}

export async function loadCalendar() {
  state.calendar = await get('calendar');
  const years = programmeYears();
  const saved = Number(stored(YEAR_KEY));
  const today = beijingToday();
  const current = years.find((y) => y.start <= today && today <= y.end);
  state.year = years.some((y) => y.year === saved) ? saved : current ? current.year : years.length ? years[years.length - 1].year : 0;
  return state.calendar;
}

/**
 * The programme years, oldest first, each as the county's settings (libs/calendar
 * ProgrammeCalendar: year, start, end, contactListDue, …) plus `overrides` and `rev`.
 */
export function programmeYears() {
  const c = state.calendar;
  const years = (c && (c.years || c.programmeYears)) || [];
  return years
    .map((y) => ({ ...(y.programme || y), year: y.year, overrides: y.overrides || [], rev: y.rev }))
    .sort((a, b) => a.year - b.year);
}

/** The holiday table's years, oldest first, as {year, notice, daysOff, makeUpWorkdays}. */
export function holidayYears() {
  const c = state.calendar;
  const h = (c && c.holidays) || [];
  const years = Array.isArray(h) ? h : h.years || [];
  return years.map((y) => ({ ...(y.holidays || y), year: y.year, rev: y.rev })).sort((a, b) => a.year - b.year);
}

export function year() {
  return state.year;
}

export function setYear(y) {
  state.year = y;
  remember(YEAR_KEY, String(y));
  changed();
}

function stored(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function remember(key, value) {
  try {
    if (value) localStorage.setItem(key, value);
    else localStorage.removeItem(key);
  } catch {
    // The choice lasts for this page only.
  }
}
