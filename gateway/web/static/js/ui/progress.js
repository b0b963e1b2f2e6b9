// Progress of a long job (import, export, rebuild) from GET /api/v1/jobs/{id}:
// {id, status: "running" | "succeeded" | "failed", total, done, errors: [{line, message, zh}]}.
// Running jobs are remembered in localStorage, so a person can leave the page (or close the
// browser) and find the job again when coming back.

import { h, mount } from './dom.js';
import { get, errorMessage, NetworkError } from '../api.js';
import { currentLang, t } from '../i18n.js';
import { formatNumber } from '../format.js';

const STORAGE_KEY = 'dundian.jobs';

function loadJobs() {
  try {
    const v = JSON.parse(localStorage.getItem(STORAGE_KEY) || '[]');
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

function saveJobs(jobs) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(jobs));
  } catch {
    // Without storage a job is followed only while the page stays open.
  }
}

// A job's row errors carry English and Chinese; show the reader's.
function messageOf(e) {
  return currentLang() === 'zh-CN' && e.zh ? e.zh : e.message;
}

/** Remember a job so its page can show it again later. kind groups jobs per page. */
export function rememberJob(id, kind, label = '') {
  const jobs = loadJobs().filter((j) => j.id !== id);
  jobs.push({ id, kind, label, startedAt: Date.now() });
  saveJobs(jobs);
}

/** Forget a job (after its result was read and closed). */
export function forgetJob(id) {
  saveJobs(loadJobs().filter((j) => j.id !== id));
}

/** The remembered jobs of a kind, oldest first. */
export function rememberedJobs(kind) {
  return loadJobs().filter((j) => j.kind === kind);
}

/**
 * jobProgress(id, {title, signal, closable, summary(job), onDone(job), onClose()}) → element
 * that polls the job until it ends, then shows the result (summary words it for the kind of
 * job) and the line-numbered errors. Leaving the page
 * (signal) stops polling but keeps the job remembered; "关闭" forgets it (closable: false
 * leaves that to the caller, e.g. an export another step still needs).
 */
export function jobProgress(id, { title = '', signal, closable = true, summary, onDone, onClose } = {}) {
  const bar = h('progress', { max: 100, value: 0 });
  const text = h('p', { class: 'job-text', 'aria-live': 'polite' }, t('job.starting'));
  const errorsBox = h('div', { class: 'job-errors' });
  const close = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-secondary',
      hidden: true,
      onclick: () => {
        forgetJob(id);
        el.remove();
        if (onClose) onClose();
      },
    },
    t('common.close'),
  );
  const el = h(
    'section',
    { class: 'job card', 'aria-label': title || t('job.title') },
    h('h3', { class: 'job-title' }, title || t('job.title')),
    bar,
    text,
    errorsBox,
    h('div', { class: 'form-actions' }, close),
  );

  let delay = 800;
  let stopped = false;
  signal?.addEventListener('abort', () => {
    stopped = true;
  });

  async function poll() {
    if (stopped) return;
    try {
      const job = await get(`jobs/${encodeURIComponent(id)}`, null, { signal });
      render(job);
      if (job.status === 'running') {
        delay = Math.min(delay * 1.3, 3000);
        setTimeout(poll, delay);
        return;
      }
      close.hidden = !closable;
      if (onDone) onDone(job);
    } catch (err) {
      if (err && err.name === 'AbortError') return;
      if (err instanceof NetworkError) {
        // Keep trying: the job runs on the server whether or not we can see it.
        text.textContent = t('job.offline');
        setTimeout(poll, 5000);
        return;
      }
      text.textContent = errorMessage(err);
      bar.hidden = true;
      close.hidden = false;
    }
  }

  function render(job) {
    const total = job.total || 0;
    const done = job.done || 0;
    const pct = total ? Math.round((100 * done) / total) : job.status === 'running' ? 0 : 100;
    bar.value = pct;
    bar.setAttribute('aria-valuetext', `${pct}%`);
    const errors = job.errors || [];
    const params = { done: formatNumber(done), total: formatNumber(total), errors: formatNumber(errors.length) };
    if (job.status === 'running') {
      text.textContent = total ? t('job.running', params) : t('job.starting');
      el.classList.remove('job-failed', 'job-done');
    } else if (job.status !== 'failed') {
      // "succeeded" (the gateway's word for it) or "done"
      text.textContent = errors.length ? t('job.doneWithErrors', params) : summary ? summary(job) : t('job.done', params);
      el.classList.add('job-done');
    } else {
      text.textContent = t('job.failed', params);
      el.classList.add('job-failed');
    }
    if (errors.length) {
      mount(
        errorsBox,
        h(
          'table',
          { class: 'data-table compact' },
          h('caption', { class: 'sr-only' }, t('job.errorsCaption')),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('job.line')), h('th', { scope: 'col' }, t('job.problem')))),
          h(
            'tbody',
            null,
            errors.map((e) =>
              h(
                'tr',
                null,
                h('td', { 'data-label': t('job.line'), class: 'nowrap' }, e.line ? t('job.lineNo', { line: e.line }) : '—'),
                h('td', { 'data-label': t('job.problem') }, messageOf(e)),
              ),
            ),
          ),
        ),
      );
    }
  }

  poll();
  return el;
}
