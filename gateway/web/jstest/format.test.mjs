import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useLang } from './setup.mjs';
import { beijingToday, deadline, formatDate, formatDateTime, formatMonth, formatMonthDay, maskPhone } from '../static/js/format.js';

test('dates read the programme way in Chinese and in English', async () => {
  await useLang('zh-CN');
  assert.equal(formatDate('2026-11-25'), '2026年11月25日');
  assert.equal(formatMonth('2026-05'), '2026年5月');
  assert.equal(formatMonthDay('04-15'), '4月15日');
  await useLang('en');
  assert.equal(formatDate('2026-11-25'), '25 Nov 2026');
  assert.equal(formatMonth('2026-05'), 'May 2026');
});

test('instants show in Beijing time with a 24-hour clock, whatever the device zone', async () => {
  await useLang('zh-CN');
  // 16:30 UTC is half past midnight the next day in Beijing.
  assert.equal(formatDateTime('2026-11-25T16:30:00Z'), '2026年11月26日 00:30');
  assert.equal(beijingToday(new Date('2026-04-15T15:59:59Z')), '2026-04-15');
  assert.equal(beijingToday(new Date('2026-04-15T16:00:00Z')), '2026-04-16');
});

test('deadlines count whole Beijing days, the day itself still on time', async () => {
  await useLang('zh-CN');
  const now = new Date('2026-04-12T02:00:00Z'); // 10:00 on 12 April in Beijing
  const cases = [
    { due: '2026-04-15', text: '还剩3天', level: 'soon', overdue: false },
    { due: '2026-04-12', text: '今天截止', level: 'today', overdue: false },
    { due: '2026-04-10', text: '已逾期2天', level: 'overdue', overdue: true },
    { due: '2026-05-05', text: '还剩23天', level: 'later', overdue: false },
  ];
  for (const c of cases) {
    const d = deadline(c.due, now);
    assert.equal(d.text, c.text, c.due);
    assert.equal(d.level, c.level, c.due);
    assert.equal(d.overdue, c.overdue, c.due);
  }
  await useLang('en');
  assert.equal(deadline('2026-04-13', now).text, '1 day left');
  assert.equal(deadline('2026-04-09', now).text, '3 days overdue');
});

test('phone numbers are masked in the middle', () => {
  const cases = [
    ['13812345678', '138****5678'],
    ['138 1234 5678', '138****5678'],
    ['0312-7221234', '031******234'],
    ['', ''],
  ];
  for (const [input, want] of cases) assert.equal(maskPhone(input), want, input);
});
