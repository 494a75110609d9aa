/**
 * The replay page as one self-contained HTML document: the model as inline
 * JSON, the bundled view script and the styles inline, and a
 * Content-Security-Policy that allows exactly those two (by hash) and no
 * request to any address — the page works from file:// with no network.
 */
import { createHash } from 'node:crypto';
import type { ReplayModel } from './model.js';
import { textsFor } from './texts.js';

const STYLES = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1b1f;--ink:#1b1b1f;--muted:#6b6b76;--panel:#f5f5f7;--line:#d4d4da;
--running:#5fb3c9;--waiting:#e9b949;--holding:#3f9e5a;--sleeping:#9aa7c7;--blocking:#d9534f;--cancelled:#c77d2e;--failed:#d9534f;--done:#8b8b95;
--label:#111;--veil:rgba(255,255,255,.55);--playhead:#c2185b;--ok:#2e7d32;--bad:#c62828;--current:#fff3c4}
@media (prefers-color-scheme:dark){:root{--bg:#16161a;--fg:#e8e8ee;--ink:#f0f0f5;--muted:#a0a0ab;--panel:#202027;--line:#3a3a44;
--running:#3d8fa6;--waiting:#c99a2e;--holding:#3b8a50;--sleeping:#6c7797;--blocking:#c0463f;--cancelled:#b06a22;--failed:#c0463f;--done:#70707a;
--label:#fff;--veil:rgba(22,22,26,.55);--playhead:#ff6f9f;--ok:#81c784;--bad:#ef9a9a;--current:#4a4020}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
#replay{max-width:1400px;margin:0 auto;padding:12px 16px 32px}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.05rem;margin:1rem 0 .4rem}h3{font-size:.95rem;margin:.2rem 0 .4rem;font-weight:600}h4{font-size:.85rem;margin:.5rem 0 .2rem;color:var(--muted);font-weight:600}
.pattern{color:var(--muted);margin:0 0 .4rem}.explanation{margin:.1rem 0}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:.6rem 0}.facts dt{color:var(--muted)}.facts dd{margin:0;font-family:ui-monospace,monospace;overflow-wrap:anywhere}
.checks{list-style:none;padding:0;margin:.2rem 0}.checks .ok .verdict,.status.ok{color:var(--ok)}.checks .bad .verdict,.status.bad{color:var(--bad)}.verdict{font-weight:700}
.command code{background:var(--panel);padding:.2rem .4rem;border-radius:4px;overflow-wrap:anywhere}
.controls{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;background:var(--bg);padding:.5rem 0;border-bottom:1px solid var(--line)}
button,select{font:inherit;color:var(--fg);background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:.25rem .6rem;cursor:pointer}
button:focus-visible,select:focus-visible,input:focus-visible{outline:2px solid var(--playhead);outline-offset:1px}
.scrub{flex:1 1 240px;min-width:160px;accent-color:var(--playhead)}.position{font-variant-numeric:tabular-nums;color:var(--muted);font-size:.9rem}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:.5rem .8rem;margin-top:.8rem}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem 1rem;padding:0;margin:.2rem 0 .5rem;font-size:.9rem}
.swatch{display:inline-block;width:1.6em;height:.9em;margin-right:.35em;vertical-align:-.1em;border:1px solid var(--ink);background:var(--c)}
.swatch.running{--c:var(--running);box-shadow:inset 0 -2px 0 var(--ink)}.swatch.waiting{background:repeating-linear-gradient(135deg,var(--waiting) 0 4px,var(--ink) 4px 5px)}
.swatch.holding{--c:var(--holding)}.swatch.sleeping{background:radial-gradient(var(--ink) 20%,var(--sleeping) 25%) 0 0/6px 6px}
.swatch.blocking{background:repeating-linear-gradient(45deg,var(--blocking) 0 3px,var(--ink) 3px 4px),var(--blocking)}
.swatch.cancelled,.swatch.failed,.swatch.done{height:.35em;vertical-align:.15em}.swatch.cancelled{background:repeating-linear-gradient(90deg,var(--cancelled) 0 4px,var(--ink) 4px 6px)}.swatch.failed{--c:var(--failed)}.swatch.done{--c:var(--done)}
.lanes-scroll{position:relative;overflow-y:auto;overflow-x:hidden}.lanes-scroll canvas{position:sticky;top:0;left:0;display:block;cursor:crosshair}
.columns{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:0 1rem}
@media (max-width:760px){.columns{grid-template-columns:1fr}#replay{padding:8px}.controls .position{flex-basis:100%}}
.primitive{border-top:1px solid var(--line);padding:.4rem 0}.primitive:first-child{border-top:0}
.slots{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem;padding:0;margin:.2rem 0}
.slot{min-width:5.5em;padding:.2rem .5rem;border-radius:5px;border:2px solid var(--holding);text-align:center;font-size:.9rem}
.slot.taken{background:var(--holding);color:#fff;font-weight:600}.slot.free{border-style:dashed;color:var(--muted);background:transparent}
.queue .slot.taken{background:var(--running);border-color:var(--running);color:#000}
.line{display:flex;flex-wrap:wrap;gap:.3rem;padding:0;margin:.2rem 0;list-style:none;counter-reset:w}
.line li{counter-increment:w;padding:.1rem .45rem;border-radius:5px;border:1px solid var(--waiting);background:repeating-linear-gradient(135deg,transparent 0 6px,color-mix(in srgb,var(--waiting) 35%,transparent) 6px 8px);font-size:.9rem}
.line li::before{content:counter(w) ". ";color:var(--muted)}.line li.more::before{content:""}
.empty{color:var(--muted);margin:.2rem 0;font-size:.9rem}.flag{font-size:1.1rem;margin:.2rem 0}.flag.up{color:var(--ok)}
.event-list{list-style:none;padding:0;margin:0;font-size:.88rem;font-variant-numeric:tabular-nums}
.event-list li{display:grid;grid-template-columns:5.5em 7em 1.4em 1fr;gap:.4rem;padding:.12rem .3rem;border-radius:4px;cursor:pointer}
.event-list li.past{color:var(--muted)}.event-list li.current{background:var(--current);color:var(--fg);outline:1px solid var(--playhead)}
.event-list .who{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.event-list .what{overflow-wrap:anywhere}
.keys{color:var(--muted);font-size:.85rem}
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

/** `</script` and friends inside inline JSON or script would end the element early. */
function inline(text: string): string {
  return text.replace(/<\/(script|style)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** The page for `model`, with `script` (the bundled view) inline. */
export function renderPage(model: ReplayModel, script: string): string {
  const texts = textsFor(model.header.lang);
  const code = inline(script);
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(code)}`,
    `style-src ${sha256(STYLES)}`,
    'img-src data:',
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  const escapeHtml = (s: string): string =>
    s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  return `<!doctype html>
<html lang="${escapeHtml(model.header.lang)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="async-sync-demo">
<title>${escapeHtml(texts.pageTitle(model.header.title))}</title>
<style>${STYLES}</style>
</head>
<body>
<main id="replay"></main>
<script id="replay-model" type="application/json">${inline(JSON.stringify(model))}</script>
<script>${code}</script>
</body>
</html>
`;
}
