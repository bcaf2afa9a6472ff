// Small helpers shared by the figure scripts: summaries, rows, and the JSON hand-off to run.mjs.

/** {median, min, max, n} of a list of numbers. */
export function summary(values, unit) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length, unit };
}

/**
 * One line of the table. `ratio` is Gazette's median over the peer's; `better` says which
 * direction is good ('lower' for times and sizes, 'higher' for throughput).
 */
export function row({ id, figure, gazette, peer, goal, pass, note, extra }) {
  const ratio = gazette && peer?.median ? gazette.median / peer.median : null;
  return {
    id,
    figure,
    gazette: gazette ?? null,
    peer: peer ?? null,
    ratio,
    goal,
    pass: pass ?? null,
    note: note ?? '',
    ...(extra ? { extra } : {}),
  };
}

/** Figure scripts print their rows as the last line of stdout; progress goes to stderr. */
export function emit(rows) {
  process.stdout.write(`\n${JSON.stringify({ rows })}\n`);
}

export function progress(msg) {
  process.stderr.write(`  ${msg}\n`);
}

export function flag(name) {
  return process.argv.includes(`--${name}`);
}

export function collectGarbage() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

export const ms = (t0) => performance.now() - t0;

/**
 * Runs fn and returns {wall, cpu} in ms. CPU time (user + system of this process) is far less
 * disturbed than wall time when other work shares the machine; both are reported.
 */
export async function timed(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000, value };
}
