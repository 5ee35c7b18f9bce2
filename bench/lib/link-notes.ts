/** The prose of bench/link.ts: what the protocol needs, where ours spends more, the plan. */
import type { LinkRun } from './link.ts';
import type { Verdict } from './report.ts';
import { fmt, median } from './stats.ts';

const block = (title: string, lines: string[]) =>
  [`${title}`, '', '```', ...lines, '```'].join('\n');

export function linkNotes(r: {
  rtt: number;
  connects: { mode: string; bare: LinkRun[]; service: LinkRun[] }[];
  kill: { service: LinkRun[]; bare: LinkRun[] };
  overhead: { c: number; perRound: number; turns: Record<string, number> }[];
  verdicts: Verdict[];
}): string[] {
  const [plain, tls, direct] = r.connects;
  const turns = (runs: LinkRun[] | undefined, k: 'turns' | 'connectTurns') =>
    runs ? median(runs.map((x) => x[k] ?? Number.NaN)) : Number.NaN;
  const notes = [
    [
      "**What the protocol needs, round trip by round trip** (the bare client's trace below, as the",
      "link counted it). Plain TCP: (1) the TCP handshake, SYN → SYN-ACK, the client's ACK",
      'travelling with its first message; (2) StartupMessage → AuthenticationSASL (the mechanisms);',
      '(3) SASLInitialResponse (client-first-message) → AuthenticationSASLContinue (salt, iteration',
      'count, server nonce); (4) SASLResponse (client proof) → AuthenticationSASLFinal (server',
      'signature), AuthenticationOk, ParameterStatus for each reported setting, BackendKeyData,',
      'ReadyForQuery, all in one flight; (5) Query → RowDescription, DataRow, CommandComplete,',
      "ReadyForQuery. TLS adds two before the startup: SSLRequest → 'S', and the TLS 1.3",
      "handshake (ClientHello → ServerHello … Finished; the client's Finished goes out with the",
      'StartupMessage). SCRAM cannot be shortened (each message answers the last), so a connect',
      `plus one query costs 5 round trips in plain TCP and 7 with TLS; measured: ${fmt(turns(plain?.bare, 'turns'), 0)} and`,
      `${fmt(turns(tls?.bare, 'turns'), 0)}. (PostgreSQL 17's direct TLS, libpq's \`sslnegotiation=direct\`, saves the SSLRequest`,
      "round trip: with `sslNegotiation: 'direct'` (the form's TLS negotiation) the TLS handshake starts",
      `at once, and the same connect plus one query took ${fmt(turns(direct?.bare, 'turns'), 0)} round trips, connect() ${fmt(turns(direct?.service, 'connectTurns'), 0)}.)`,
    ].join(' '),
    [
      `**How ours reaches it.** connect() took ${fmt(turns(plain?.service, 'connectTurns'), 0)} round trips in plain TCP`,
      `(${fmt(turns(tls?.service, 'connectTurns'), 0)} with TLS) with one login (trace below): the pool's first client (TCP,`,
      'startup, two SASL messages, then one Query message carrying the query that verifies',
      'read-only and the statement timeout on that physical connection, SHOW of the session',
      "settings, the server info and, for a target other than any, the server's role: 5). The",
      "machine's session and server-info steps answer from that flight (failing if the session was",
      'lost since), so nothing else waits. The control client for the keepalive opens behind',
      '`connected`, once the first is verified, so a wrong password still costs one login',
      '(main/pg/test/wrong-password-fails-once); its 5 round trips overlap the first queries on',
      'another socket. The "connections opened" column counts the control client\'s TCP',
      'handshake when it had begun by the time connect() returned. After pg_terminate_backend the',
      `reconnect is the same path: ${fmt(turns(r.kill.service, 'turns'), 0)} round trips to the first answer, where a bare pool`,
      `opens one connection and runs the query (${fmt(turns(r.kill.bare, 'turns'), 0)}); it opens its one connection only when the`,
      'query finds its client dead, the service as soon as the loss is heard of.',
    ].join(' '),
    [
      '**What is left** (main/pg/session.ts, client.ts): every later pooled client still verifies',
      'in a round trip of its own before its first query; sending that verify query in the same',
      "flight as the first query it runs (its result checked before the query's is returned) would",
      'make it free. Behind a pooler the settings are enforced per transaction (guard.ts), and the',
      "first client's trial transaction (BEGIN READ ONLY, COMMIT) adds two.",
    ].join(' '),
  ];
  notes.push(
    [
      '**After a server restart** the reconnect does not wait for its backoff timer when a query',
      'waits: a readiness probe (main/pg/effects.ts) tries the same open at once, one try in',
      'flight, the next as soon as one is refused, and the try that succeeds is the session the',
      "attempt takes (a try still in flight when the timer fires is the attempt's). So the",
      "service comes back one open after the server does, as the bare pool's next query does, and",
      "pays the verify query's round trip on top (6 round trips to the first answer against 5).",
    ].join(' '),
  );
  const missed = r.verdicts.filter((v) => !v.met);
  const c10 = r.overhead.find((o) => o.c === 10);
  if (missed.some((v) => v.target.includes('concurrency 10:')) && c10) {
    notes.push(
      [
        `**Why concurrency 10 on the link is missed**: the service queries on poolMax − 1 = 9 pooled`,
        "clients (the control client, the tenth backend, keeps the keepalive off the queries'",
        `way), the bare pool on 10. The link counted the waves: ${c10.perRound} queries took`,
        `${c10.turns.service} round trips through the service, ${c10.turns.bare} through the bare pool of 10 and`,
        `${c10.turns.bare9} through a bare pool of 9, so the ratio is the ratio of waves`,
        `(${fmt((c10.turns.service ?? 0) / (c10.turns.bare ?? 1), 3)}), and against the pool of 9 it is about 1 (table above).`,
        'Each query costs the same round trip; what differs is how many run at once. Lending the',
        'control client to queries would close the gap at the price of pings that queue behind a',
        'long query, which is what it exists to avoid.',
      ].join(' '),
    );
  }
  if (missed.some((v) => v.target.includes('concurrency 1:'))) {
    notes.push(
      "At concurrency 1 on the link each query is one round trip of about 50 ms, of which the service's own work is some microseconds (section 1 measures it on loopback); the link's timers deliver each chunk up to a millisecond late in each direction, so a few percent either way between rounds of 20 queries is the link's jitter, as the width of the interval shows, not the service.",
    );
  }
  for (const [label, runs] of [
    ['bare pg.Client connect + SELECT 1, plain TCP', plain?.bare],
    ['bare pg.Client connect + SELECT 1, TLS', tls?.bare],
    ['service connect() to connected, plain TCP', plain?.service],
    ['service connect() to connected, TLS', tls?.service],
    ['service connect() to connected, direct TLS', direct?.service],
    ['service, pg_terminate_backend → first successful query', r.kill.service],
    ['bare pg.Pool, pg_terminate_backend → first successful query', r.kill.bare],
  ] as const) {
    const trace = runs?.[0]?.trace;
    if (trace) notes.push(block(`Round-trip trace: ${label} (first run):`, trace));
  }
  notes.push(
    `<sub>RTT ${r.rtt} ms. A trace line lists what went up, then what came down, in one round trip; #n numbers the connections in the order they appeared. Inside TLS the link sees record types only; the messages are those of the plain trace, in the same round trips.</sub>`,
  );
  return notes;
}
