import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, createAccount, expectError, startTestServer } from '../helpers.js';
import { startCluster } from './cluster.js';

// The hosted mode through a database outage, as a client sees it: two agents on a private cluster (stopping
// the run's shared one would fail the other files running beside it), the cluster stopped and started again.
describe('a database outage, through HTTP', async () => {
  const cluster = await startCluster();
  after(() => cluster.destroy());
  const servers = await Promise.all([0, 1].map(() => startTestServer({ databaseUrl: cluster.url() })));
  after(() => Promise.all(servers.map((s) => s.close())));
  const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
  const owner = await createAccount(a, 'Outage Owner');
  const onB = new Client(b.url, owner.token);

  test('requests answer 503 UNAVAILABLE with the error body while it lasts, and recover by themselves', async () => {
    const before = await owner.client.post('/projects/insert', { name: 'Before the outage' });
    assert.equal(before.status, 200, before.text);

    cluster.stop();
    for (const client of [owner.client, onB]) {
      for (const call of [
        () => client.get('/projects/get_all'),
        () => client.post('/projects/insert', { name: 'During the outage' }),
        () => client.get('/authentication/user'),
        () =>
          new Client(client.baseUrl).post('/authentication/login', { username: owner.email, password: owner.password, type: 16 }),
      ]) {
        const res = await call();
        expectError(res, 503, 'UNAVAILABLE', /not available/);
        assert.equal(res.headers.get('retry-after'), '30');
      }
    }
    // The agents are still up: the console's files and public answers need no database.
    assert.equal((await fetch(`${a.url}/`)).status, 200);

    cluster.start();
    let recovered = false;
    for (let i = 0; i < 50 && !recovered; i++) {
      const res = await owner.client.get('/projects/get_all');
      recovered = res.status === 200;
      if (!recovered) await sleep(200);
    }
    assert.ok(recovered, 'instance A answers again after the restart');
    const list = await owner.client.get('/projects/get_all');
    assert.deepEqual(
      list.body.data.map((p: { name: string }) => p.name),
      ['Before the outage'],
      'what was acknowledged before is there; nothing of the refused insert',
    );
    // B recovers too, and its writes reach A's next answer (the change feed reconnected).
    let viaB = await onB.post('/projects/insert', { name: 'After the outage' });
    for (let i = 0; i < 50 && viaB.status === 503; i++) {
      await sleep(200);
      viaB = await onB.post('/projects/insert', { name: 'After the outage' });
    }
    assert.equal(viaB.status, 200, viaB.text);
    const seen = await owner.client.get('/projects/get_all');
    assert.deepEqual(seen.body.data.map((p: { name: string }) => p.name).sort(), ['After the outage', 'Before the outage']);
  });
});
