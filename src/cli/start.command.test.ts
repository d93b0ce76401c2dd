import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_NODES } from './seed/demo-catalog.js';
import { DEMO_LOGINS } from './seed/demo-seed.js';
import { logFileFor, startBanner } from './start.command.js';

describe('what siyu start prints and where its logs go', () => {
  it('prints every shop, the home page, the log file and the logins', () => {
    const shops = DEMO_NODES.map((n) => ({ name: n.name, slug: n.slug }));
    expect(shops).toHaveLength(5);
    const text = startBanner({ base: 'http://127.0.0.1:3000', database: 'embedded PostgreSQL under .siyu/', processes: '1 process', logFile: '/srv/siyu/siyu.log', shops, logins: DEMO_LOGINS });
    for (const shop of shops) expect(text).toContain(`http://127.0.0.1:3000/s/${shop.slug}  ${shop.name}`);
    expect(text).toContain('home            http://127.0.0.1:3000/\n');
    expect(text).toContain('logs            /srv/siyu/siyu.log');
    for (const l of DEMO_LOGINS) expect(text).toContain(`${l.login} / ${l.password}`);
  });

  it('says when there are more shops than it lists', () => {
    const shops = Array.from({ length: 25 }, (_, i) => ({ name: `Shop ${i}`, slug: `s-${i}` }));
    const text = startBanner({ base: 'http://h', database: 'DATABASE_URL', processes: '1 process', logFile: undefined, shops, logins: [] });
    expect(text).toContain('http://h/s/s-19');
    expect(text).not.toContain('http://h/s/s-20');
    expect(text).toContain('… and 5 more on the home page');
    expect(text).not.toContain('logs');
  });

  it('sends request logs to a file from a terminal, to stdout otherwise, as SIYU_LOG_FILE says', () => {
    const dataDir = path.resolve('/srv/siyu-data');
    expect(logFileFor({ dataDir, logFile: undefined }, true)).toBe(path.join(dataDir, 'siyu.log'));
    expect(logFileFor({ dataDir, logFile: undefined }, false)).toBeUndefined();
    expect(logFileFor({ dataDir, logFile: '-' }, true)).toBeUndefined();
    expect(logFileFor({ dataDir, logFile: 'logs/x.log' }, false)).toBe(path.resolve('logs/x.log'));
  });

  it('says the mode: sandbox plainly, live as such', () => {
    const common = { base: 'http://h', database: 'DATABASE_URL', processes: '1 process', logFile: undefined, shops: [], logins: [] };
    expect(startBanner({ ...common, mode: 'sandbox' })).toContain('mode            SANDBOX: simulated payments and text messages');
    expect(startBanner({ ...common, mode: 'live' })).toContain('mode            live: real providers only');
    expect(startBanner({ ...common, mode: 'live' })).not.toContain('SANDBOX');
  });
});
