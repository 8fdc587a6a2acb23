// The long fuzzing run (nightly): `npm run fuzz -- --requests 100000 [--seed N] [--concurrency 8]`.
// Starts a fresh agent in this process (a new data directory, removed at the end), fuzzes it with the
// generator that test/fuzz.test.ts uses, prints a summary and exits non-zero on any violation.
import { parseArgs } from 'node:util';
import { fuzz } from '../test/fuzzer.js';
import { createAccount, startTestServer } from '../test/helpers.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100000' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    concurrency: { type: 'string', default: '8' },
  },
});
const requests = Number(values.requests);
const seed = Number(values.seed);
const server = await startTestServer({ loginRateMax: 1_000_000 });
console.log(`fuzzing ${server.url} with ${requests} requests, seed ${seed}`);
let lastPrint = Date.now();
const report = await fuzz({
  baseUrl: server.url,
  requests,
  seed,
  concurrency: Number(values.concurrency),
  token: async () => (await createAccount(server, 'Fuzz Owner')).token,
  onProgress: (done) => {
    if (Date.now() - lastPrint > 5000) {
      lastPrint = Date.now();
      console.log(`  ${done} requests`);
    }
  },
});
const alive = (await fetch(`${server.url}/management/agent_status`)).status === 200;
await server.close();
console.log(
  JSON.stringify(
    {
      seed,
      requests: report.requests,
      seconds: Math.round(report.elapsedMs / 100) / 10,
      perSecond: Math.round(report.requests / (report.elapsedMs / 1000)),
      p99Ms: Math.round(report.p99Ms),
      slowestMs: Math.round(report.slowestMs),
      byStatus: report.byStatus,
      byMutation: report.byMutation,
      violations: report.violations.length,
      alive,
    },
    null,
    2,
  ),
);
for (const v of report.violations.slice(0, 20)) {
  console.log(
    `${v.problem}: ${v.request.mutation} ${v.request.method} ${v.request.target.slice(0, 300)} → ${v.text.slice(0, 300)}`,
  );
}
process.exit(report.violations.length === 0 && alive ? 0 : 1);
