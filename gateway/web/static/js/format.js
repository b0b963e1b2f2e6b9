// Formatting of dates, times, deadlines and sensitive numbers. Everything is shown in Beijing
// time (UTC+8, no daylight saving since 1991), whatever the device's own time zone: a cadre's
// phone set to another zone must still see the county's deadlines.

import { t } from './i18n.js';

const BEIJING_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** The Beijing calendar parts of an instant (Date, ISO string or epoch ms). */
export function beijingParts(instant) {
  const ms = instant instanceof Date ? instant.getTime() : new Date(instant).getTime();
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms + BEIJING_OFFSET_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  };
}

/** Today in Beijing as "2026-11-25". `now` is for tests. */
export function beijingToday(now = new Date()) {
  const p = beijingParts(now);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/**
 * A calendar day: "2026-11-25" (a Beijing day, as the API sends dates) or an instant.
 * zh-CN: 2026年11月25日 · en: 25 Nov 2026.
 */
export function formatDate(value) {
  const p = dayParts(value);
  if (!p) return '';
  return t('format.date', { year: p.year, month: p.month, day: p.day, mon: monthName(p.month) });
}

/** An instant as date and 24-hour time in Beijing: 2026年11月25日 14:05. */
export function formatDateTime(value) {
  const p = beijingParts(value);
  if (!p) return '';
  return t('format.dateTime', {
    date: formatDate(value),
    time: `${pad(p.hour)}:${pad(p.minute)}`,
  });
}

/** A month "2026-05" → 2026年5月 · May 2026. */
export function formatMonth(value) {
  const m = /^(\d{4})-(\d{2})$/.exec(value || '');
  if (!m) return '';
  const month = Number(m[2]);
  return t('format.month', { year: Number(m[1]), month, mon: monthName(month) });
}

/** A day of the year "04-15" → 4月15日 · 15 Apr. */
export function formatMonthDay(value) {
  const m = /^(\d{2})-(\d{2})$/.exec(value || '');
  if (!m) return '';
  const month = Number(m[1]);
  return t('format.monthDay', { month, day: Number(m[2]), mon: monthName(month) });
}

/**
 * Days from today (Beijing) to a deadline day "2026-04-15", inclusive of the day itself:
 * a deadline today is still on time. Returns {days, overdue, text, level} where level is
 * 'overdue', 'today', 'soon' (≤ 3 days) or 'later'.
 */
export function deadline(dueDay, now = new Date()) {
  const due = dayNumber(dueDay);
  const today = dayNumber(beijingToday(now));
  if (due === null || today === null) return null;
  const days = due - today;
  if (days < 0) {
    return { days, overdue: true, level: 'overdue', text: t('deadline.overdue', { count: -days }) };
  }
  if (days === 0) return { days, overdue: false, level: 'today', text: t('deadline.today') };
  return {
    days,
    overdue: false,
    level: days <= 3 ? 'soon' : 'later',
    text: t('deadline.left', { count: days }),
  };
}

/** 13812345678 → 138****5678; other lengths keep the first and last quarter. */
export function maskPhone(phone) {
  const s = String(phone ?? '').replace(/\s+/g, '');
  if (s.length === 0) return '';
  if (s.length === 11) return `${s.slice(0, 3)}****${s.slice(7)}`;
  const keep = Math.max(1, Math.floor(s.length / 4));
  if (s.length <= 2 * keep) return '*'.repeat(s.length);
  return s.slice(0, keep) + '*'.repeat(s.length - 2 * keep) + s.slice(-keep);
}

/** A whole number with the reader's grouping. */
export function formatNumber(n) {
  return typeof n === 'number' ? n.toLocaleString(t('format.locale')) : '';
}

function dayParts(value) {
  if (typeof value === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (m) return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  }
  if (value === null || value === undefined || value === '') return null;
  return beijingParts(value);
}

function dayNumber(day) {
  const p = dayParts(day);
  if (!p) return null;
  return Math.round(Date.UTC(p.year, p.month - 1, p.day) / DAY_MS);
}

function monthName(month) {
  return t(`format.months.${month}`);
}

function pad(n) {
  return String(n).padStart(2, '0');
}
