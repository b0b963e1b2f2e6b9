// A small line chart in inline SVG for the county's monthly trends: a few series of percents
// over months. Drawn here rather than by a vendored chart library: the console loads nothing
// from outside and stays light, and these charts need only lines, axes and a legend. Every
// chart is shown with the table behind it one click away (the page does that).

import { h } from '../../ui/dom.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 640;
const H = 240;
const PAD = { left: 40, right: 12, top: 12, bottom: 28 };

/** Muted colours for up to four series; the accent red only for the first. */
export const COLOURS = ['#C8161D', '#0b57a4', '#2e7d32', '#8a6d00'];

function el(tag, attrs, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

/**
 * lineChart({labels, series: [{label, values}], label}) → element. labels are the x-axis
 * texts (months), values percents 0–100 or null (no figure: a gap in the line). label is
 * the chart's accessible name.
 */
export function lineChart({ labels, series, label }) {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i) => PAD.left + (labels.length > 1 ? (i * plotW) / (labels.length - 1) : plotW / 2);
  const y = (v) => PAD.top + plotH - (Math.max(0, Math.min(100, v)) * plotH) / 100;
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': label });
  for (const v of [0, 25, 50, 75, 100]) {
    svg.append(el('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), stroke: '#dfe3e8', 'stroke-width': 1 }));
    svg.append(el('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#5f6b7a' }, `${v}%`));
  }
  const step = Math.max(1, Math.ceil(labels.length / 8)); // at most eight month labels fit
  labels.forEach((l, i) => {
    if (i % step === 0 || i === labels.length - 1) {
      svg.append(el('text', { x: x(i), y: H - 8, 'text-anchor': 'middle', 'font-size': 11, fill: '#5f6b7a' }, l));
    }
  });
  series.forEach((s, si) => {
    const colour = COLOURS[si % COLOURS.length];
    const segments = [[]]; // a missing figure breaks the line
    const dots = [];
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) {
        segments.push([]);
        return;
      }
      const [px, py] = [x(i).toFixed(1), y(v).toFixed(1)];
      segments[segments.length - 1].push(`${px},${py}`);
      dots.push(el('circle', { cx: px, cy: py, r: 3, fill: colour }, el('title', {}, `${s.label} ${labels[i]}：${v}%`)));
    });
    const d = segments.filter((seg) => seg.length > 0).map((seg) => `M${seg.join('L')}`).join('');
    if (d) svg.append(el('path', { d, fill: 'none', stroke: colour, 'stroke-width': 2 }));
    svg.append(...dots);
  });
  const legend = h(
    'p',
    { class: 'muted' },
    series.map((s, si) => {
      const swatch = el('svg', { viewBox: '0 0 12 12', width: 12, height: 12, 'aria-hidden': 'true' }, el('rect', { width: 12, height: 12, rx: 2, fill: COLOURS[si % COLOURS.length] }));
      return h('span', { class: 'nowrap' }, swatch, ' ', s.label, '　');
    }),
  );
  return h('figure', null, svg, legend);
}
