/** The preview UI's stylesheet (inline, no build step, no web fonts). */
export const PREVIEW_CSS = String.raw`
:root{--bg:#f4f4f6;--panel:#fff;--ink:#1d1d1f;--muted:#6e6e73;--line:#e3e3e8;--accent:#2f5bea;--err:#c62828;--err-bg:#fdecea;--warn:#a15c00;--warn-bg:#fff4e0;--info:#1f5fa8;--info-bg:#e8f1fc;--ok:#1b7f3b;
  font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;color:var(--ink);background:var(--bg)}
*{box-sizing:border-box}
/* Frames are replaced and resized on every rebuild: keep scrollY as it is, never re-anchor. */
html{overflow-anchor:none}
body{margin:0}
a{color:var(--accent)}
code,.gz-mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
.gz-bar{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;align-items:center;gap:10px 14px;padding:10px 18px;background:rgba(255,255,255,.92);backdrop-filter:blur(8px);border-bottom:1px solid var(--line)}
.gz-brand{font-weight:700;text-decoration:none;color:var(--ink);letter-spacing:.2px}
.gz-brand::before{content:"";display:inline-block;width:10px;height:10px;margin-right:7px;border-radius:2px;background:var(--accent);transform:rotate(45deg)}
.gz-crumb{color:var(--muted);max-width:32ch;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.gz-spacer{flex:1}
.gz-site{display:flex;gap:12px}.gz-site a{color:var(--muted);text-decoration:none}.gz-site a:hover{color:var(--ink);text-decoration:underline}
.gz-seg{display:inline-flex;border:1px solid var(--line);border-radius:8px;overflow:hidden;background:#fafafa}
.gz-seg button{font:inherit;border:0;background:transparent;padding:5px 11px;color:var(--muted);cursor:pointer}
.gz-seg button+button{border-left:1px solid var(--line)}
.gz-seg button[aria-pressed=true]{background:var(--ink);color:#fff}
.gz-seg button:focus-visible,.gz-btn:focus-visible,select:focus-visible,input:focus-visible{outline:2px solid var(--accent);outline-offset:1px}
.gz-sel{display:inline-flex;align-items:center;gap:6px;color:var(--muted)}
select,input{font:inherit;padding:5px 8px;border:1px solid var(--line);border-radius:7px;background:#fff;color:var(--ink)}
.gz-live{font-size:12px;color:var(--muted);display:inline-flex;align-items:center;gap:6px;white-space:nowrap}
.gz-live::before{content:"";width:8px;height:8px;border-radius:50%;background:#bbb}
.gz-live.ok::before{background:var(--ok)}
.gz-live.busy::before{background:var(--warn)}
.gz-layout{display:grid;grid-template-columns:minmax(260px,320px) 1fr;gap:18px;padding:18px;align-items:start}
@media (max-width:900px){.gz-layout{grid-template-columns:1fr}}
.gz-side{display:grid;gap:14px;position:sticky;top:64px;max-height:calc(100vh - 80px);overflow:auto}
#gz-meta{display:grid;gap:14px}
.gz-card{background:var(--panel);border:1px solid var(--line);border-radius:12px;padding:14px}
.gz-card h2{margin:0 0 10px;font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
.gz-inbox{display:grid;grid-template-columns:36px 1fr;gap:4px 10px}
.gz-avatar{grid-row:span 3;width:36px;height:36px;border-radius:50%;background:var(--accent);color:#fff;display:grid;place-items:center;font-weight:700}
.gz-from{display:flex;justify-content:space-between;gap:8px;font-weight:700}
.gz-from time{font-weight:400;color:var(--muted);font-size:12px;white-space:nowrap}
.gz-subject{font-weight:600}
.gz-snippet{color:var(--muted);display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
.gz-counts{margin-top:10px;font-size:12px;color:var(--muted)}
.gz-facts{display:grid;grid-template-columns:auto 1fr;gap:4px 12px;margin:0}
.gz-facts dt{color:var(--muted)}
.gz-facts dd{margin:0}
.gz-meter{display:block;width:100%;height:8px;margin-top:4px}
.gz-raw{display:flex;gap:10px;flex-wrap:wrap;margin-top:10px;font-size:13px}
.gz-diags{list-style:none;margin:0;padding:0;display:grid;gap:8px}
.gz-diag{border-radius:8px;padding:8px 10px;border-left:4px solid}
.gz-diag.error{background:var(--err-bg);border-color:var(--err)}
.gz-diag.warning{background:var(--warn-bg);border-color:var(--warn)}
.gz-diag.info{background:var(--info-bg);border-color:var(--info)}
.gz-sev{font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.05em;margin-right:6px}
.error .gz-sev{color:var(--err)}.warning .gz-sev{color:var(--warn)}.info .gz-sev{color:var(--info)}
.gz-where{display:block;color:var(--muted);margin-top:3px;word-break:break-all}
.gz-hint{display:block;margin-top:4px}
.gz-clean{color:var(--ok);font-weight:600;margin:0}
.gz-banner{border-radius:10px;padding:10px 12px;background:var(--err-bg);color:var(--err);font-weight:600}
.gz-send form{display:flex;gap:8px;flex-wrap:wrap}
.gz-send input{flex:1;min-width:160px}
.gz-btn{font:inherit;font-weight:600;border:0;border-radius:7px;padding:6px 12px;background:var(--accent);color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
.gz-note{color:var(--muted);font-size:12px;margin:8px 0 0}
.gz-send-out{white-space:pre-wrap;font-size:12px;margin:8px 0 0;max-height:220px;overflow:auto}
.gz-send-out.ok{color:var(--ok)}.gz-send-out.err{color:var(--err)}
.gz-stage{display:flex;flex-wrap:wrap;gap:22px;align-items:flex-start;justify-content:center;min-width:0}
.gz-device{margin:0;display:grid;gap:8px;justify-items:center}
.gz-device figcaption{font-size:12px;color:var(--muted)}
.gz-frame{display:block;border:0;background:#fff;border-radius:10px;box-shadow:0 1px 2px rgba(0,0,0,.06),0 8px 28px rgba(0,0,0,.08);min-height:240px}
.gz-mobile .gz-frame{width:375px}
.gz-desktop .gz-frame{width:640px}
/* While the issue is broken the frames show the last good build: dim them. */
.gz-layout:has(.gz-banner) .gz-frame{opacity:.6}
html[data-view=mobile] .gz-desktop,html[data-view=desktop] .gz-mobile{display:none}
/* "Both" must fit a 1400 px window: 18 + 280 (panel) + 18 + 375 + 16 + 640 + 18 = 1365 px, under
   1400 minus a scrollbar. The frames keep their real widths; narrower windows wrap them. */
html[data-view=both] .gz-layout{grid-template-columns:minmax(240px,280px) 1fr}
html[data-view=both] .gz-stage{gap:16px}
html[data-scheme=dark] .gz-frame,html[data-scheme=invert] .gz-frame{background:#111}
.gz-wrap{max-width:1100px;margin:24px auto;padding:0 18px}
.gz-table{width:100%;border-collapse:collapse;background:var(--panel);border:1px solid var(--line);border-radius:12px;overflow:hidden}
.gz-table th,.gz-table td{text-align:left;padding:11px 14px;border-bottom:1px solid var(--line)}
.gz-table th{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);background:#fafafa}
.gz-table tr:last-child td{border-bottom:0}
.gz-table td a{font-weight:600;text-decoration:none}
.gz-pill{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600;margin-right:4px}
.gz-pill.error{background:var(--err-bg);color:var(--err)}.gz-pill.warning{background:var(--warn-bg);color:var(--warn)}.gz-pill.clean{background:#e7f6ec;color:var(--ok)}
h1.gz-h{font-size:20px;margin:0 0 16px}
`;
