/** The styles of the DLQ triage console (GET /console/dlq/console.css): system fonts, no images. */
export const DLQ_CONSOLE_STYLES = String.raw`:root {
  --ink: #1d232a;
  --muted: #5b6570;
  --line: #d8dde3;
  --paper: #ffffff;
  --wash: #f4f6f8;
  --accent: #1f5fbf;
  --danger: #b3261e;
  --ok: #1e6b34;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  font-size: 15px;
  color: var(--ink);
  background: var(--wash);
}
body { margin: 0; }
.bar {
  display: flex;
  align-items: center;
  justify-content: space-between;
  min-height: 3rem;
  box-sizing: border-box;
  padding: 0.4rem 1.5rem;
  background: var(--ink);
  color: #fff;
}
.bar h1 { font-size: 1.1rem; margin: 0; font-weight: 600; }
.bar #who { margin-right: 0.75rem; opacity: 0.85; }
main { max-width: 78rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
section { background: var(--paper); border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.25rem; }
#sign-in { max-width: 26rem; }
h2 { font-size: 1.15rem; margin: 0 0 0.5rem; }
h3 { font-size: 1rem; margin: 1.25rem 0 0.5rem; }
.heading { display: flex; align-items: center; justify-content: space-between; gap: 1rem; flex-wrap: wrap; }
.actions { display: flex; gap: 0.5rem; flex-wrap: wrap; justify-content: flex-end; }
.filters { display: flex; align-items: center; gap: 0.5rem; flex-wrap: wrap; margin: 0.25rem 0 0.75rem; }
.filters input { width: 12rem; }
.filters .hint { margin-left: auto; }
.stack { display: flex; flex-direction: column; gap: 0.35rem; max-width: 24rem; }
.stack button { margin-top: 0.6rem; align-self: flex-start; }
.hint { color: var(--muted); font-weight: normal; font-size: 0.9rem; }
.summary { font-family: ui-monospace, 'DejaVu Sans Mono', monospace; font-size: 0.9rem; }
input, textarea {
  font: inherit;
  padding: 0.4rem 0.5rem;
  border: 1px solid var(--line);
  border-radius: 4px;
}
button {
  font: inherit;
  padding: 0.35rem 0.8rem;
  border: 1px solid var(--line);
  border-radius: 4px;
  background: var(--paper);
  color: var(--ink);
  cursor: pointer;
}
button:hover:not(:disabled) { border-color: var(--accent); }
button:focus-visible, input:focus-visible, textarea:focus-visible, pre:focus-visible {
  outline: 2px solid var(--accent);
  outline-offset: 1px;
}
button:disabled { opacity: 0.5; cursor: not-allowed; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.danger { background: var(--paper); border-color: var(--danger); color: var(--danger); }
button.link {
  border: none;
  padding: 0;
  background: none;
  color: var(--accent);
  text-decoration: underline;
  font-family: ui-monospace, 'DejaVu Sans Mono', monospace;
  font-size: 0.85rem;
  text-align: left;
  word-break: break-all;
}
table { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.5rem; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
#headers-table td:first-child { white-space: nowrap; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
td.name { max-width: 15rem; overflow-wrap: anywhere; }
td.error-cell { min-width: 20rem; max-width: 32rem; overflow-wrap: anywhere; }
td.error-cell strong { display: block; }
/* A long message takes three lines here; all of it is in the tooltip and the message view. */
td.error-cell span {
  display: -webkit-box;
  -webkit-box-orient: vertical;
  -webkit-line-clamp: 3;
  line-clamp: 3;
  overflow: hidden;
  color: var(--muted);
}
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0; font-size: 0.9rem; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; font-family: ui-monospace, 'DejaVu Sans Mono', monospace; }
pre {
  background: var(--wash);
  border: 1px solid var(--line);
  border-radius: 4px;
  padding: 0.75rem;
  max-height: 24rem;
  overflow: auto;
  white-space: pre-wrap;
  overflow-wrap: anywhere;
  font-size: 0.85rem;
}
ol { padding-left: 1.25rem; font-size: 0.9rem; }
#status { min-height: 1.4em; margin: 0 0 0.75rem; color: var(--ok); }
#error {
  margin: 0 0 0.75rem;
  padding: 0.6rem 0.8rem;
  border: 1px solid var(--danger);
  border-left-width: 4px;
  border-radius: 4px;
  background: #fdf1f0;
  color: var(--danger);
}
#error code { color: var(--muted); margin-left: 0.5rem; }
dialog { border: 1px solid var(--line); border-radius: 6px; padding: 1.25rem; max-width: 32rem; }
dialog::backdrop { background: rgb(0 0 0 / 0.35); }
dialog .stack { max-width: none; }
dialog .actions { margin-top: 0.75rem; }
dialog .actions button { margin-top: 0; }
`;
