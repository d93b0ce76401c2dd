import type { Command } from 'commander';
import { loadConfig, type Config } from '../platform/config.js';
import { openDatabase } from '../platform/db/connect.js';
import { deriveKey } from '../platform/secrets.js';
import { homeTenant } from '../modules/identity/identity.service.js';
import { connectWechatApp, WECHAT_SEAL_PURPOSE } from '../modules/wechat/wechat.service.js';
import { WECHAT_API_BASE } from '../modules/wechat/wechat.provider.js';
import { WECHAT_SIMULATOR_PREFIX } from '../simulators/wechat/wechat.simulator.js';
import type { Database } from '../database.js';

const APPS = { 'official-account': 'official_account', 'mini-program': 'mini_program' } as const;

/** Where a newly connected app calls by default: WeChat in live mode, this server's simulator in the sandbox. */
export function defaultWechatApiBase(config: Config): string {
  if (config.mode === 'live') return WECHAT_API_BASE;
  const self = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  return `${self}${WECHAT_SIMULATOR_PREFIX}`;
}

/** `siyu wechat connect`: stores a tenant's official account or mini-program, the secret sealed. */
export function registerWechatCommands(program: Command) {
  const wechat = program.command('wechat').description('WeChat apps (official account, mini-program) of a tenant');
  wechat.command('connect')
    .description('store a tenant\'s WeChat app: appid, secret (sealed at rest, never shown again), API base')
    .requiredOption('--tenant <slug>', 'the tenant\'s slug')
    .requiredOption('--app <kind>', 'official-account or mini-program')
    .requiredOption('--appid <id>', 'the app\'s AppID')
    .requiredOption('--secret <secret>', 'the app\'s AppSecret')
    .option('--api-base <url>', 'WeChat\'s API host (default: https://api.weixin.qq.com live, the built-in simulator in the sandbox)')
    .action(async (opts: { tenant: string; app: string; appid: string; secret: string; apiBase?: string }) => {
      const app = APPS[opts.app as keyof typeof APPS];
      if (!app) throw new Error(`--app: expected official-account or mini-program, got ${opts.app}`);
      const config = loadConfig();
      if (config.mode === 'live' && opts.apiBase && !opts.apiBase.startsWith('https://')) throw new Error('--api-base: live mode calls WeChat over https only');
      const opened = await openDatabase<Database>(config);
      try {
        const tenant = await homeTenant(opened.db, opts.tenant, '');
        if (!tenant) throw new Error(`no tenant ${opts.tenant}`);
        const stored = await connectWechatApp(opened.db, deriveKey(config.secretKey, WECHAT_SEAL_PURPOSE), tenant.id, {
          app, appid: opts.appid, secret: opts.secret, apiBase: opts.apiBase ?? defaultWechatApiBase(config),
        });
        console.log(`${tenant.slug}: ${opts.app} ${stored.appid} connected (secret sealed), API ${stored.api_base}`);
      } finally {
        await opened.close();
      }
    });
}
