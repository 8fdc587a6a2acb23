import SQLite from 'better-sqlite3';
import autocannon from 'autocannon';
const stats = new Map<string, { n: number; t: bigint }>();
const proto = (SQLite as any).prototype;
const origPrepare = proto.prepare;
proto.prepare = function (sql: string) {
  const st = origPrepare.call(this, sql);
  for (const m of ['all', 'get', 'run']) {
    const f = st[m];
    st[m] = function (...a: unknown[]) {
      const t = process.hrtime.bigint();
      try { return f.apply(this, a); } finally {
        const s = stats.get(sql) ?? { n: 0, t: 0n }; s.n++; s.t += process.hrtime.bigint() - t; stats.set(sql, s);
      }
    };
  }
  return st;
};
const { startServer } = await import('/work/main/src/server.ts'); const { loadConfig } = await import('/work/main/src/config.ts');
const server = await (startServer as any)(loadConfig({ host: '127.0.0.1', port: 39999, dataDir: process.argv[2] }));
const r = await fetch('http://127.0.0.1:39999/authentication/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-owner@example.com', password: 'bench-password-1', type: 16 }) });
const token = (await r.json()).jwtToken;
stats.clear();
const res = await autocannon({ url: `http://127.0.0.1:39999${process.argv[3]}&token=${token}`, connections: 10, duration: 4 });
const N = res.requests.total;
console.log('req/s', res.requests.average, 'total', N);
for (const [sql, s] of [...stats].sort((a, b) => Number(b[1].t - a[1].t))) console.log((Number(s.t) / N / 1000).toFixed(1).padStart(7), 'µs/req', (s.n / N).toFixed(2), 'x ', sql.slice(0, 150));
process.exit(0);
