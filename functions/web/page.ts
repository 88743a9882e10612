import { DATA_TYPES, KINDS } from '../extract/types.ts';
import { CLIENT_SCRIPT } from './client-script.ts';

/**
 * The journalists' web page: one static HTML shell (the same for `/` and `/events/{id}`),
 * a stylesheet and a script, all from this origin. The shell holds no data at all; the
 * script fetches the JSON API and builds the page with DOM calls, so scraped text is never
 * parsed as HTML.
 */

/**
 * No inline script or style, nothing from another origin: even if scraped text ever reached
 * the DOM as markup, the browser would refuse to run it.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every page asset carries. */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'public, max-age=300',
};

function options(values: readonly string[], anyLabel: string): string {
  // The values are the code's own constants, never data, so plain interpolation is safe here.
  return [
    `<option value="">${anyLabel}</option>`,
    ...values.map((value) => `<option>${value}</option>`),
  ].join('');
}

/** The HTML shell. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>breachwire — data breaches, fines and privacy actions</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app.css">
<link rel="alternate" type="application/atom+xml" title="breachwire: all events" href="/v1/events.atom">
<script src="/app.js" defer></script>
</head>
<body>
<header>
  <a class="brand" href="/">breachwire</a>
  <span class="tagline">data-breach disclosures, regulator penalties and privacy-policy actions</span>
</header>
<form id="filters" class="filters" hidden>
  <label>Kind <select name="kind">${options(KINDS, 'any')}</select></label>
  <label>Country <input name="country" placeholder="KR or KR,JP" maxlength="40" autocapitalize="characters"></label>
  <label>Since <input name="since" type="date"></label>
  <label>Until <input name="until" type="date"></label>
  <label>Dates are <select name="date_field"><option value="">first seen</option><option value="disclosed">disclosed</option></select></label>
  <label>Affected ≥ <input name="min_affected" inputmode="numeric" placeholder="1000000"></label>
  <label>Affected ≤ <input name="max_affected" inputmode="numeric"></label>
  <label>Organisation <input name="org" placeholder="Coupang or 쿠팡"></label>
  <label>Text <input name="q" type="search" placeholder="title or organisation"></label>
  <label>Data type <select name="data_type">${options(DATA_TYPES, 'any')}</select></label>
  <label>Penalty ≥ <input name="min_penalty" inputmode="decimal"></label>
  <label>Currency <input name="currency" placeholder="EUR" maxlength="3" autocapitalize="characters"></label>
  <label>Source <select name="source"><option value="">any</option></select></label>
  <label>Sort <select name="sort"><option value="first_seen">newest first seen</option><option value="affected">most affected</option><option value="penalty">largest penalty</option></select></label>
  <div class="actions"><button type="submit">Search</button> <button type="button" id="reset">Clear</button></div>
</form>
<main id="main"></main>
<footer>
  <a href="/openapi.json">API (OpenAPI)</a> · <a href="/v1/sources">Sources</a> · Counts are as reported by the sources; unknown counts stay unknown.
</footer>
<noscript>This page needs JavaScript; the same data is at <a href="/v1/events">/v1/events</a>.</noscript>
</body>
</html>
`;

/** The stylesheet: phone-first, a table that turns into cards on narrow screens. */
export const PAGE_CSS = `
:root { --ink: #1d2330; --muted: #5d6675; --line: #d9dde3; --accent: #b3261e; --bg: #fafbfc; }
* { box-sizing: border-box; }
/* Author display rules would otherwise override the hidden attribute the script toggles. */
[hidden] { display: none !important; }
body {
  margin: 0; color: var(--ink); background: var(--bg); line-height: 1.45;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans KR", "NanumGothic",
    "Apple SD Gothic Neo", "Malgun Gothic", sans-serif;
}
header { padding: 12px 16px; border-bottom: 3px solid var(--accent); background: #fff; }
.brand { font-weight: 700; font-size: 1.3rem; color: var(--accent); text-decoration: none; margin-right: 12px; }
.tagline { color: var(--muted); font-size: 0.9rem; }
main, .filters, footer { max-width: 1100px; margin: 0 auto; padding: 12px 16px; }
.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px 12px; }
.filters label { display: flex; flex-direction: column; font-size: 0.8rem; color: var(--muted); }
.filters input, .filters select { font: inherit; font-size: 0.95rem; padding: 4px 6px; border: 1px solid var(--line); border-radius: 4px; background: #fff; color: var(--ink); }
.filters .actions { display: flex; align-items: end; gap: 8px; }
button { font: inherit; padding: 5px 14px; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button[type="button"] { background: #fff; color: var(--accent); }
a { color: #0b57d0; }
.exports { font-size: 0.9rem; }
.status { color: var(--muted); }
.error { color: var(--accent); font-weight: 600; }
.chart { width: 100%; max-width: 720px; height: auto; display: block; }
.chart .bar { fill: #c9524a; }
.chart .axis { stroke: var(--muted); stroke-width: 1; }
.chart text { font-size: 10px; fill: var(--muted); text-anchor: middle; }
.chart .count { fill: var(--ink); }
.chart .scale { text-anchor: start; }
h2 { font-size: 1.05rem; margin: 18px 0 6px; }
table { width: 100%; border-collapse: collapse; font-size: 0.92rem; background: #fff; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 0.8rem; color: var(--muted); font-weight: 600; }
.kind { justify-self: start; display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 0.8rem; background: #eef0f3; }
.kind-breach { background: #fde2df; }
.kind-penalty { background: #fff0c2; }
.kind-policy { background: #dcecff; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.documents li, .related li { margin-bottom: 6px; overflow-wrap: anywhere; }
.meta { color: var(--muted); font-size: 0.85rem; }
footer { color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--line); margin-top: 24px; }
h1 { font-size: 1.35rem; overflow-wrap: anywhere; }
@media (max-width: 640px) {
  table.events thead, table.history thead { display: none; }
  table.events tr, table.history tr { display: block; border: 1px solid var(--line); border-radius: 6px; margin-bottom: 10px; background: #fff; }
  table.events td, table.history td { display: grid; grid-template-columns: 7.5em 1fr; border: none; padding: 3px 8px; overflow-wrap: anywhere; }
  table.events td::before, table.history td::before { content: attr(data-label); color: var(--muted); font-size: 0.8rem; }
  .tagline { display: block; }
}
`;

/** The script served as `/app.js`. */
export const PAGE_SCRIPT = CLIENT_SCRIPT;
