/// <reference lib="dom" />
/**
 * The replay page's script (bundled at build time, inlined into every page):
 * reads the model embedded in the page and draws it at the playhead — the
 * lanes on a canvas (only the lanes in view, so 10,000 tasks scrub as fast
 * as ten), the primitives and the event list in the DOM (selectable text),
 * the controls and keys. Nothing here fetches anything.
 */
import { LANE_STATES, type LaneState, type ReplayModel } from './model.js';
import { type PrimitiveView, Replayer } from './replayer.js';
import { type ReplayTexts, textsFor } from './texts.js';

const SPEEDS = [0.25, 0.5, 1, 2, 5, 10, 50, 200];
const LABEL_WIDTH = 130;
const AXIS_HEIGHT = 18;
const EVENT_ROWS_BEFORE = 6;
const EVENT_ROWS_AFTER = 14;
const MAX_NAMES = 40;
const MAX_LANES_HEIGHT = 420;

/** The page's API, for its tests and the benchmark. */
export interface ReplayApi {
  model: ReplayModel;
  readonly index: number;
  readonly playing: boolean;
  seek(index: number): void;
  play(): void;
  pause(): void;
  primitives(): PrimitiveView[];
}

declare global {
  interface Window {
    replay: ReplayApi;
  }
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Fills and marks per state: a pattern as well as a hue, so no state is told by colour alone. */
function statePaints(
  ctx: CanvasRenderingContext2D,
  css: CSSStyleDeclaration,
): Record<LaneState, CanvasPattern | string> {
  const paints = {} as Record<LaneState, CanvasPattern | string>;
  for (const state of LANE_STATES) {
    const colour = css.getPropertyValue(`--${state}`).trim() || '#888';
    const ink = css.getPropertyValue('--ink').trim() || '#000';
    const tile = document.createElement('canvas');
    tile.width = 8;
    tile.height = 8;
    const t = tile.getContext('2d')!;
    t.fillStyle = colour;
    t.fillRect(0, 0, 8, 8);
    t.strokeStyle = ink;
    t.fillStyle = ink;
    t.globalAlpha = 0.45;
    t.lineWidth = 1.2;
    switch (state) {
      case 'waiting':
        t.beginPath();
        t.moveTo(0, 8);
        t.lineTo(8, 0);
        t.stroke();
        break;
      case 'sleeping':
        t.fillRect(3, 3, 2, 2);
        break;
      case 'blocking':
        t.beginPath();
        t.moveTo(0, 0);
        t.lineTo(8, 8);
        t.moveTo(0, 8);
        t.lineTo(8, 0);
        t.stroke();
        break;
      case 'running':
        t.fillRect(0, 7, 8, 1);
        break;
      case 'failed':
        t.beginPath();
        t.moveTo(0, 0);
        t.lineTo(8, 8);
        t.stroke();
        break;
      case 'cancelled':
        t.fillRect(0, 3, 4, 2);
        break;
      default:
        break;
    }
    paints[state] = ctx.createPattern(tile, 'repeat') ?? colour;
  }
  return paints;
}

/** Ended states are drawn as a thin band: the task is gone, only how it ended remains. */
const THIN = new Set<LaneState>(['done', 'cancelled', 'failed']);

function start(): void {
  const source = document.getElementById('replay-model');
  if (source === null) throw new Error('replay: the page holds no model');
  const model = JSON.parse(source.textContent ?? '') as ReplayModel;
  const texts = textsFor(model.header.lang);
  const { events, strings, segments, lanes } = model;
  const count = events.t.length;
  const replayer = new Replayer(model);
  const root = document.getElementById('replay')!;

  // Segments grouped by lane (a counting sort), so a frame touches only the lanes in view.
  const laneStart = new Int32Array(lanes.length + 1);
  for (const lane of segments.lane) laneStart[lane + 1]!++;
  for (let i = 0; i < lanes.length; i++) laneStart[i + 1]! += laneStart[i]!;
  const order = new Int32Array(segments.lane.length);
  const fill = laneStart.slice(0, lanes.length);
  for (let j = 0; j < segments.lane.length; j++) order[fill[segments.lane[j]!]!++] = j;

  root.append(header(model, texts));
  const controls = controlBar(texts, count);
  root.append(controls.node);
  const lanesView = laneView(texts, model);
  root.append(lanesView.node);
  const primitivesBox = el('section', { class: 'panel primitives', 'aria-labelledby': 'primitives-title' });
  const eventsBox = el('ol', { class: 'event-list', id: 'event-list' });
  root.append(
    el(
      'div',
      { class: 'columns' },
      el('div', {}, el('h2', { id: 'primitives-title' }, texts.primitives), primitivesBox),
      el('section', { class: 'panel events' }, el('h2', {}, texts.events), eventsBox),
    ),
  );
  root.append(el('p', { class: 'keys' }, texts.keys));

  let index = 0;
  let time = events.t[0] ?? 0;
  let playing = false;
  let speed = 1;
  let lastFrame = 0;
  const duration = Math.max(model.header.duration, events.t[count - 1] ?? 0);

  const canvas = lanesView.canvas;
  const scroller = lanesView.scroller;
  const ctx = canvas.getContext('2d')!;
  let paints = statePaints(ctx, getComputedStyle(document.documentElement));
  const laneHeight = lanes.length > 200 ? 8 : 20;

  function drawLanes(): void {
    const dpr = window.devicePixelRatio || 1;
    const width = scroller.clientWidth;
    const height = Math.min(lanes.length * laneHeight + AXIS_HEIGHT, MAX_LANES_HEIGHT);
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    const css = getComputedStyle(document.documentElement);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const plot = Math.max(10, width - LABEL_WIDTH - 8);
    const x = (t: number): number => LABEL_WIDTH + (duration > 0 ? (t / duration) * plot : 0);
    const top = scroller.scrollTop;
    const firstLane = Math.max(0, Math.floor(top / laneHeight));
    const lastLane = Math.min(lanes.length - 1, Math.floor((top + height - AXIS_HEIGHT - 1) / laneHeight));
    ctx.font = `${laneHeight > 10 ? 12 : 8}px system-ui, sans-serif`;
    ctx.textBaseline = 'middle';
    for (let lane = firstLane; lane <= lastLane; lane++) {
      const y = lane * laneHeight - top;
      if (laneHeight > 10) {
        ctx.fillStyle = css.getPropertyValue('--ink');
        ctx.fillText(lanes[lane]!.name, 4, y + laneHeight / 2, LABEL_WIDTH - 8);
      }
      for (let k = laneStart[lane]!; k < laneStart[lane + 1]!; k++) {
        const j = order[k]!;
        const state = LANE_STATES[segments.state[j]!]!;
        const x0 = x(segments.from[j]!);
        const w = Math.max(1, x(segments.to[j]!) - x0);
        const thin = THIN.has(state);
        const h = thin ? Math.max(2, laneHeight * 0.3) : laneHeight - 3;
        ctx.fillStyle = paints[state];
        ctx.fillRect(x0, y + (laneHeight - h) / 2, w, h);
        // What it waits on or holds, written on the segment when there is room.
        const on = segments.resource[j]!;
        if (on >= 0 && laneHeight > 10) {
          const label = strings[on]!;
          const room = w - 8;
          if (room > 0 && ctx.measureText(label).width <= room) {
            ctx.fillStyle = css.getPropertyValue('--label');
            ctx.fillText(label, x0 + 4, y + laneHeight / 2);
          }
        }
      }
    }
    // The future is veiled; the playhead is a line.
    const px = x(time);
    ctx.fillStyle = css.getPropertyValue('--veil');
    ctx.fillRect(px, 0, LABEL_WIDTH + plot - px, height - AXIS_HEIGHT);
    ctx.fillStyle = css.getPropertyValue('--playhead');
    ctx.fillRect(px - 1, 0, 2, height);
    ctx.fillStyle = css.getPropertyValue('--muted');
    ctx.fillRect(LABEL_WIDTH, height - AXIS_HEIGHT, plot, 1);
    ctx.fillText('0 s', LABEL_WIDTH, height - AXIS_HEIGHT / 2);
    const end = seconds(duration);
    ctx.fillText(end, LABEL_WIDTH + plot - ctx.measureText(end).width, height - AXIS_HEIGHT / 2);
  }

  function drawPrimitives(): void {
    const views = replayer.at(index);
    primitivesBox.replaceChildren(
      ...(views.length === 0 ? [el('p', {}, texts.noPrimitives)] : views.map((v) => primitive(v, texts))),
    );
  }

  function drawEvents(): void {
    const from = Math.max(0, index - EVENT_ROWS_BEFORE);
    const to = Math.min(count, index + EVENT_ROWS_AFTER);
    const rows: HTMLElement[] = [];
    for (let i = from; i < to; i++) {
      const row = el(
        'li',
        { 'data-index': String(i), class: i === index ? 'current' : i < index ? 'past' : 'future' },
        el('span', { class: 'at' }, seconds(events.t[i]!)),
        el('span', { class: 'who' }, strings[events.task[i]!]!),
        el('span', { class: 'sym', 'aria-hidden': 'true' }, strings[events.symbol[i]!]!),
        el('span', { class: 'what' }, strings[events.text[i]!]!),
      );
      if (i === index) row.setAttribute('aria-current', 'step');
      rows.push(row);
    }
    eventsBox.replaceChildren(...rows);
    eventsBox.setAttribute('start', String(from + 1));
  }

  function draw(): void {
    controls.scrub.value = String(index);
    controls.position.textContent = `${texts.eventOf(index + 1, count)} · ${texts.time(seconds(time), seconds(duration))}`;
    controls.play.textContent = playing ? `⏸ ${texts.pause}` : `▶ ${texts.play}`;
    controls.play.setAttribute('aria-pressed', String(playing));
    root.dataset.index = String(index);
    root.dataset.playing = String(playing);
    drawLanes();
    drawPrimitives();
    drawEvents();
  }

  function seek(target: number, at?: number): void {
    index = Math.max(0, Math.min(count - 1, Math.round(target)));
    time = at ?? events.t[index]!;
    draw();
  }

  function frame(now: number): void {
    if (!playing) return;
    const dt = lastFrame === 0 ? 0 : now - lastFrame;
    lastFrame = now;
    if (duration > 0) {
      time = Math.min(duration, time + dt * speed);
      index = Math.max(index, lowerBound(events.t, time));
      if (time >= duration) index = count - 1;
    } else {
      // A run where no time passed: step through its events, ten a second at 1×.
      index = Math.min(count - 1, index + Math.max(1, Math.round((dt * speed) / 100)));
    }
    if (index >= count - 1 && time >= duration) {
      index = count - 1;
      playing = false;
    }
    draw();
    if (playing) requestAnimationFrame(frame);
  }

  function play(): void {
    if (playing) return;
    if (index >= count - 1) seek(0);
    playing = true;
    lastFrame = 0;
    draw();
    requestAnimationFrame(frame);
  }

  function pause(): void {
    playing = false;
    draw();
  }

  controls.play.addEventListener('click', () => (playing ? pause() : play()));
  controls.first.addEventListener('click', () => seek(0));
  controls.last.addEventListener('click', () => seek(count - 1));
  controls.prev.addEventListener('click', () => seek(index - 1));
  controls.next.addEventListener('click', () => seek(index + 1));
  controls.scrub.addEventListener('input', () => seek(Number(controls.scrub.value)));
  controls.speed.addEventListener('change', () => {
    speed = Number(controls.speed.value);
  });
  eventsBox.addEventListener('click', (e) => {
    const row = (e.target as HTMLElement).closest('li');
    if (row?.dataset.index !== undefined && window.getSelection()?.isCollapsed !== false) {
      seek(Number(row.dataset.index));
    }
  });
  canvas.addEventListener('click', (e) => {
    const rect = canvas.getBoundingClientRect();
    const plot = Math.max(10, rect.width - LABEL_WIDTH - 8);
    const t = ((e.clientX - rect.left - LABEL_WIDTH) / plot) * duration;
    if (t >= 0) seek(Math.max(0, lowerBound(events.t, t)));
  });
  // A segment's whole story on hover: the task, its state and what about, and when.
  canvas.addEventListener('mousemove', (e) => {
    const rect = canvas.getBoundingClientRect();
    const plot = Math.max(10, rect.width - LABEL_WIDTH - 8);
    const t = ((e.clientX - rect.left - LABEL_WIDTH) / plot) * duration;
    const lane = Math.floor((e.clientY - rect.top + scroller.scrollTop) / laneHeight);
    canvas.title = '';
    if (t < 0 || lane < 0 || lane >= lanes.length) return;
    for (let k = laneStart[lane]!; k < laneStart[lane + 1]!; k++) {
      const j = order[k]!;
      if (segments.from[j]! <= t && t < segments.to[j]!) {
        const state = LANE_STATES[segments.state[j]!]!;
        const on = segments.resource[j]!;
        const what =
          on < 0
            ? texts.states[state]
            : state === 'waiting'
              ? texts.waitingOn(strings[on]!)
              : texts.holdingOf(strings[on]!);
        canvas.title = `${lanes[lane]!.name}: ${what} (${seconds(segments.from[j]!)} – ${seconds(segments.to[j]!)})`;
        return;
      }
    }
  });
  scroller.addEventListener('scroll', () => drawLanes());
  window.addEventListener('resize', () => drawLanes());
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    paints = statePaints(ctx, getComputedStyle(document.documentElement));
    drawLanes();
  });
  document.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement;
    if (target.tagName === 'SELECT' || (target.tagName === 'INPUT' && target !== controls.scrub)) return;
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const keys: Record<string, () => void> = {
      ' ': () => (playing ? pause() : play()),
      ArrowLeft: () => seek(index - 1),
      ArrowRight: () => seek(index + 1),
      Home: () => seek(0),
      End: () => seek(count - 1),
    };
    const action = keys[e.key];
    if (action === undefined) return;
    e.preventDefault();
    action();
  });

  window.replay = {
    model,
    get index() {
      return index;
    },
    get playing() {
      return playing;
    },
    seek,
    play,
    pause,
    primitives: () => replayer.at(index),
  };
  seek(0);
  root.dataset.ready = 'true';
}

function header(model: ReplayModel, texts: ReplayTexts): HTMLElement {
  const h = model.header;
  const options = Object.entries(h.options);
  const checks =
    h.checks.length === 0
      ? el('p', {}, texts.noChecks)
      : el(
          'ul',
          { class: 'checks' },
          ...h.checks.map((check) =>
            el(
              'li',
              { class: check.ok ? 'ok' : 'bad' },
              el('span', { class: 'verdict' }, check.ok ? '✓' : '✗'),
              ' ',
              el('strong', {}, check.name),
              check.detail === '' ? '' : ` — ${check.detail}`,
            ),
          ),
        );
  const command = h.command ?? '';
  const copy = el('button', { type: 'button', class: 'copy' }, texts.copy);
  copy.addEventListener('click', () => {
    void navigator.clipboard?.writeText(command).then(
      () => {
        copy.textContent = texts.copied;
      },
      () => {},
    );
  });
  return el(
    'header',
    {},
    el('h1', {}, h.title),
    el('p', { class: 'pattern' }, `${h.demo} · ${h.pattern}`),
    ...h.explanation.map((line) => el('p', { class: 'explanation' }, line)),
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, texts.options),
      el(
        'dd',
        {},
        options.length === 0
          ? texts.noOptions
          : options.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' '),
      ),
      el('dt', {}, texts.seed),
      el('dd', {}, String(h.seed ?? '?')),
      el('dt', {}, texts.clock),
      el('dd', {}, h.clock),
    ),
    el('h2', {}, texts.checks),
    el(
      'p',
      { class: `status ${h.status === 'ok' ? 'ok' : 'bad'}` },
      texts.status(h.status, seconds(h.duration)),
    ),
    checks,
    ...(command === ''
      ? []
      : [el('h2', {}, texts.reproduce), el('p', { class: 'command' }, el('code', {}, command), ' ', copy)]),
  );
}

function controlBar(texts: ReplayTexts, count: number) {
  const button = (label: string, symbol: string, name: string): HTMLButtonElement =>
    el('button', { type: 'button', title: label, 'aria-label': label, 'data-action': name }, symbol);
  const first = button(texts.first, '⇤', 'first');
  const prev = button(texts.prev, '◀', 'prev');
  const play = el('button', { type: 'button', class: 'play', 'data-action': 'play' }, `▶ ${texts.play}`);
  const next = button(texts.next, '▶', 'next');
  const last = button(texts.last, '⇥', 'last');
  const speed = el(
    'select',
    { 'aria-label': texts.speed, 'data-action': 'speed' },
    ...SPEEDS.map((s) => {
      const option = el('option', { value: String(s) }, `${s}×`);
      if (s === 1) option.selected = true;
      return option;
    }),
  );
  const scrub = el('input', {
    type: 'range',
    min: '0',
    max: String(Math.max(0, count - 1)),
    step: '1',
    value: '0',
    'aria-label': texts.scrub,
    class: 'scrub',
  });
  const position = el('span', { class: 'position', 'aria-live': 'off' });
  const node = el(
    'nav',
    { class: 'controls' },
    first,
    prev,
    play,
    next,
    last,
    el('label', {}, `${texts.speed} `, speed),
    scrub,
    position,
  );
  return { node, first, prev, play, next, last, speed, scrub, position };
}

function laneView(texts: ReplayTexts, model: ReplayModel) {
  const used = new Set<LaneState>();
  for (const s of model.segments.state) used.add(LANE_STATES[s]!);
  const legend = el(
    'ul',
    { class: 'legend', 'aria-label': texts.legend },
    ...LANE_STATES.filter((s) => used.has(s)).map((s) =>
      el('li', {}, el('span', { class: `swatch ${s}`, 'aria-hidden': 'true' }), texts.states[s]),
    ),
  );
  const canvas = el('canvas', {
    role: 'img',
    'aria-label': `${texts.lanes}: ${texts.laneCount(model.lanes.length)}`,
  });
  // The canvas stays in view (sticky) while the scroller's spacer gives the lanes their full height.
  const laneHeight = model.lanes.length > 200 ? 8 : 20;
  const total = model.lanes.length * laneHeight + AXIS_HEIGHT;
  const visible = Math.min(total, MAX_LANES_HEIGHT);
  const spacer = el('div', { class: 'spacer' });
  spacer.style.height = `${total - visible}px`;
  const scroller = el('div', { class: 'lanes-scroll' }, canvas, spacer);
  scroller.style.height = `${visible}px`;
  const node = el(
    'section',
    { class: 'panel lanes', id: 'lanes', 'data-lanes': String(model.lanes.length) },
    el('h2', {}, `${texts.lanes} `, el('small', {}, texts.laneCount(model.lanes.length))),
    legend,
    scroller,
  );
  return { node, canvas, scroller };
}

function names(list: string[], role: string, texts: ReplayTexts, empty: string): HTMLElement {
  if (list.length === 0) return el('p', { class: 'empty' }, empty);
  const shown = list.slice(0, MAX_NAMES).map((name) => el('li', { 'data-role': role }, name));
  if (list.length > MAX_NAMES) shown.push(el('li', { class: 'more' }, texts.more(list.length - MAX_NAMES)));
  return el('ol', { class: `line ${role}` }, ...shown);
}

function slots(filled: string[], capacity: number, free: string, role: string): HTMLElement {
  const cells: HTMLElement[] = [];
  const shown = Math.min(Math.max(capacity, filled.length), MAX_NAMES);
  for (let i = 0; i < shown; i++) {
    const who = filled[i];
    cells.push(
      who === undefined
        ? el('li', { class: 'slot free' }, free)
        : el('li', { class: 'slot taken', 'data-role': role }, who),
    );
  }
  return el('ol', { class: 'slots' }, ...cells);
}

/** One primitive, drawn from its state fields (counts) and the events (names). */
function primitive(v: PrimitiveView, texts: ReplayTexts): HTMLElement {
  const s = v.state as Record<string, number & boolean>;
  const parts: HTMLElement[] = [];
  const title = (summary: string): HTMLElement =>
    el('h3', {}, el('code', {}, v.name), ` ${v.kind} · `, el('span', { class: 'summary' }, summary));
  switch (v.kind) {
    case 'semaphore': {
      const limit = typeof s.limit === 'number' ? s.limit : v.holders.length + (s.value ?? 0);
      parts.push(title(texts.permits(limit - (s.value ?? 0), limit)));
      parts.push(slots(v.holders, limit, texts.freeSlot, 'holder'));
      parts.push(el('h4', {}, texts.waitersLine), names(v.waiters, 'waiter', texts, texts.nobodyWaits));
      break;
    }
    case 'lock':
      parts.push(title(s.locked ? texts.locked : texts.unlocked));
      parts.push(slots(s.locked ? v.holders.slice(0, 1) : [], 1, texts.freeSlot, 'holder'));
      parts.push(el('h4', {}, texts.waitersLine), names(v.waiters, 'waiter', texts, texts.nobodyWaits));
      break;
    case 'event':
      parts.push(title(s.set ? texts.flagSet : texts.flagClear));
      parts.push(
        el(
          'p',
          { class: `flag ${s.set ? 'up' : 'down'}` },
          s.set ? `⚑ ${texts.flagSet}` : `⚐ ${texts.flagClear}`,
        ),
      );
      parts.push(el('h4', {}, texts.waitersLine), names(v.waiters, 'waiter', texts, texts.nobodyWaits));
      break;
    case 'queue': {
      const size = typeof s.size === 'number' ? s.size : v.items.length;
      const maxsize = typeof s.maxsize === 'number' ? s.maxsize : 0;
      parts.push(title(texts.buffer(size, maxsize)));
      // The state's size is the truth; the items' names come from the put/get events.
      const items = v.items.slice(0, size);
      while (items.length < size) items.push('?');
      parts.push(slots(items, maxsize > 0 ? maxsize : size, texts.emptySlot, 'item'));
      parts.push(el('h4', {}, texts.putters), names(v.putters, 'putter', texts, texts.nobodyWaits));
      parts.push(el('h4', {}, texts.getters), names(v.waiters, 'getter', texts, texts.nobodyWaits));
      break;
    }
    case 'executor': {
      const max = typeof s.maxWorkers === 'number' ? s.maxWorkers : v.threads.length;
      parts.push(title(texts.threads(typeof s.running === 'number' ? s.running : 0, max)));
      parts.push(
        el(
          'ol',
          { class: 'slots threads' },
          ...v.threads.map((thread) =>
            el(
              'li',
              { class: `slot ${thread.job ? 'taken' : 'free'}`, 'data-role': 'thread' },
              el('small', {}, thread.name),
              ' ',
              thread.job ? texts.job(thread.job.job, thread.job.fn, thread.job.task) : texts.idle,
            ),
          ),
        ),
      );
      parts.push(
        el('h4', {}, texts.jobQueue),
        names(
          v.queued.map((job) => texts.job(job.job, job.fn, job.task)),
          'job',
          texts,
          texts.nobodyWaits,
        ),
      );
      break;
    }
    case 'barrier': {
      const parties = typeof s.parties === 'number' ? s.parties : 0;
      parts.push(title(texts.arrived(typeof s.waiting === 'number' ? s.waiting : v.waiters.length, parties)));
      parts.push(slots(v.waiters, parties, texts.freeSlot, 'arrival'));
      break;
    }
    default:
      parts.push(
        title(
          Object.entries(v.state)
            .map(([k, value]) => `${k}=${JSON.stringify(value)}`)
            .join(', '),
        ),
      );
      parts.push(el('h4', {}, texts.waitersLine), names(v.waiters, 'waiter', texts, texts.nobodyWaits));
  }
  return el('article', { class: `primitive ${v.kind}`, 'data-name': v.name, 'data-kind': v.kind }, ...parts);
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}
