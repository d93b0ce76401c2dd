import type { Command } from 'commander';
import { loadConfig, type Config } from '../platform/config.js';
import { openDatabase } from '../platform/db/connect.js';
import { homeTenant } from '../modules/identity/identity.service.js';
import { connectWecom, WECOM_API_BASE, wecomSealKey } from '../modules/wecom/wecom.service.js';
import { registerSimCorp, WECOM_SIMULATOR_PREFIX } from '../simulators/wecom/wecom.sim-state.js';
import type { Database } from '../database.js';

/** This server's own base URL as the CLI knows it (the sandbox's simulator and callbacks live there). */
function selfBase(config: Config): string {
  return config.publicUrl ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
}

/** Where a newly connected corp calls by default: WeCom in live mode, this server's simulator in the sandbox. */
export function defaultWecomApiBase(config: Config): string {
  return config.mode === 'live' ? WECOM_API_BASE : `${selfBase(config)}${WECOM_SIMULATOR_PREFIX}`;
}

/** `siyu wecom connect`: stores a tenant's corp, the Token, EncodingAESKey and secret sealed. */
export function registerWecomCommands(program: Command) {
  const wecom = program.command('wecom').description('Enterprise WeChat (WeCom) corp of a tenant');
  wecom.command('connect')
    .description('store a tenant\'s WeCom corp: corp id, callback Token and EncodingAESKey, customer-contact secret (all sealed at rest, never shown again), API base')
    .requiredOption('--tenant <slug>', 'the tenant\'s slug')
    .requiredOption('--corp-id <id>', 'the corp id (企业ID), the callbacks\' ReceiveId')
    .requiredOption('--token <token>', 'the callback Token')
    .requiredOption('--encoding-aes-key <key>', 'the callback EncodingAESKey (43 letters or digits)')
    .requiredOption('--secret <secret>', 'the customer-contact secret (客户联系 Secret)')
    .option('--agent-id <id>', 'the self-built app\'s AgentId, if any')
    .option('--api-base <url>', 'WeCom\'s API host (default: https://qyapi.weixin.qq.com live, the built-in simulator in the sandbox)')
    .action(async (opts: { tenant: string; corpId: string; token: string; encodingAesKey: string; secret: string; agentId?: string; apiBase?: string }) => {
      if (!/^[A-Za-z0-9]{43}$/.test(opts.encodingAesKey)) throw new Error('--encoding-aes-key: exactly 43 letters or digits, as WeCom shows it');
      const config = loadConfig();
      if (config.mode === 'live' && opts.apiBase && !opts.apiBase.startsWith('https://')) throw new Error('--api-base: live mode calls WeCom over https only');
      const apiBase = (opts.apiBase ?? defaultWecomApiBase(config)).replace(/\/+$/, '');
      const opened = await openDatabase<Database>(config);
      try {
        const tenant = await homeTenant(opened.db, opts.tenant, '');
        if (!tenant) throw new Error(`no tenant ${opts.tenant}`);
        const stored = await connectWecom(opened.db, wecomSealKey(config.secretKey), tenant.id, {
          corpId: opts.corpId, token: opts.token, encodingAesKey: opts.encodingAesKey, secret: opts.secret, apiBase, agentId: opts.agentId,
        });
        const callbackUrl = `${selfBase(config)}/hooks/wecom/${tenant.slug}`;
        // The sandbox's simulator learns the corp too, so its events are signed with these keys and reach this server.
        if (config.mode === 'sandbox' && apiBase.endsWith(WECOM_SIMULATOR_PREFIX)) {
          await registerSimCorp(opened.db, { corp_id: opts.corpId, secret: opts.secret, token: opts.token, encoding_aes_key: opts.encodingAesKey, callback_url: callbackUrl });
        }
        console.log(`${tenant.slug}: WeCom corp ${stored.corp_id} connected (Token, EncodingAESKey and secret sealed), API ${stored.api_base}`);
        console.log(`callback URL to enter in WeCom: ${callbackUrl}`);
      } finally {
        await opened.close();
      }
    });
}
