/**
 * `siyu bench wecom-callbacks`: WeCom callback events verified and kept per second over HTTP. A
 * server this process starts on a scratch database, a tenant connected to a corp; then
 * change_external_contact events — built, encrypted and signed ahead as WeCom does (its cost, not
 * ours) — POSTed to /hooks/wecom/{tenant} by concurrent clients, a quarter of them duplicates
 * (WeCom's retries: the same event, signed afresh, in random order so some race their original).
 * Each 200 is an event whose signature was checked, decrypted, parsed and stored once with its
 * wecom.event job. `stored_twice` counts, from the database, events stored more than once (must be 0).
 */
import type { Command } from 'commander';
import { sql } from 'kysely';
import { newId } from '../src/platform/ids.js';
import { connectWecom, wecomSealKey } from '../src/modules/wecom/wecom.service.js';
import { signedCallback } from '../src/simulators/wecom/wecom.sim-state.js';
import { seedRng } from '../src/cli/seed/rng.js';
import { eventRateLines, postConcurrently, registerEventRateBench, withBenchServer, shuffledTargets, splitDuplicates, type EventRateFigures } from './http-load.js';
import { printFigures, progress } from './report.js';

const CORP = 'wwbenchcorp00001';
const TOKEN = 'BenchWecomToken';
const AES_KEY = 'BenchWecomEncodingAesKey0000000000000000000';

export interface WecomCallbackBenchResult extends EventRateFigures {
  /** Events kept, and events kept more than once (must be 0). */
  stored: number; stored_twice: number;
}

export async function runWecomCallbackBench(opts: { events: number; clients: number; json: boolean }): Promise<WecomCallbackBenchResult> {
  const say = progress(opts.json);
  const { unique, duplicates } = splitDuplicates(opts.events);
  return withBenchServer({
    clients: opts.clients,
    server: { wecomHandlers: [] },
    prepare: async (db, config) => {
      const tenantId = newId('ten');
      await db.insertInto('tenants').values({ id: tenantId, slug: 'bench-wecom', name: 'Bench WeCom' }).execute();
      await connectWecom(db, wecomSealKey(config.secretKey), tenantId, { corpId: CORP, token: TOKEN, encodingAesKey: AES_KEY, secret: 'bench-secret', apiBase: 'http://127.0.0.1:9/simulators/wecom' });
      return tenantId;
    },
    run: async ({ db, origin, prepared: tenantId }) => {
      const url = `${origin}/hooks/wecom/bench-wecom`;
      say(`encrypting and signing ${opts.events} events…`);
      const rng = seedRng(11);
      const corp = { corp_id: CORP, secret: '', token: TOKEN, encoding_aes_key: AES_KEY, callback_url: url };
      const at = new Date();
      const targets = shuffledTargets(unique, duplicates, rng);
      const calls = targets.map((g) => signedCallback(corp, {
        corpId: CORP, createTime: 1_700_000_000 + g, event: 'change_external_contact', changeType: 'add_external_contact',
        userId: `member${g % 50}`, externalUserId: `wmbench${g}`, state: `store-${g % 20}`, welcomeCode: `wc${g}`,
      }, at));

      say(`posting ${opts.events} events from ${opts.clients} clients…`);
      const rate = await postConcurrently(db, calls.map((c) => ({ url: c.url, headers: { 'content-type': 'text/xml' }, body: c.body })), { clients: opts.clients, duplicates, expectStatus: 200 });
      const { rows: [counts] } = await sql<{ stored: number; stored_twice: number }>`
        SELECT count(*)::int AS stored,
               (SELECT count(*)::int FROM (SELECT event->>'externalUserId' FROM wecom_callback_inbox WHERE tenant_id = ${tenantId} GROUP BY 1 HAVING count(*) > 1) d) AS stored_twice
          FROM wecom_callback_inbox WHERE tenant_id = ${tenantId}`.execute(db);
      return printFigures(opts.json, { ...rate, stored: counts!.stored, stored_twice: counts!.stored_twice }, (f) => eventRateLines(f, { title: 'wecom-callbacks', events: 'WeCom events', rate: 'verified' }, [
        `  stored           ${f.stored} of ${f.unique}`,
        `  stored twice     ${f.stored_twice}`,
      ]));
    },
  });
}

export function registerWecomCallbackBench(bench: Command): void {
  registerEventRateBench(bench, {
    name: 'wecom-callbacks',
    description: 'WeCom callback events verified, decrypted and kept once per second over HTTP, a quarter duplicates',
    posts: 'events',
    run: runWecomCallbackBench,
  });
}
