import fs from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

/**
 * `npm install` warns EBADENGINE when a locked package needs a newer Node than the project
 * supports; the project promises Node ≥ 20.19, so every locked package must accept 20.19.0.
 */
describe('every locked dependency runs on the oldest Node the project supports', () => {
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { engines: { node: string } };
  const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };
  const oldest = semver.minVersion(pkg.engines.node)!.version;

  it('the project names its oldest Node', () => {
    expect(oldest).toBe('20.19.0');
  });

  it('no package in package-lock.json needs a newer one (npm install prints no EBADENGINE)', () => {
    const needNewer = Object.entries(lock.packages)
      .filter(([name]) => name !== '')
      .flatMap(([name, p]) => {
        const range = Array.isArray(p.engines) ? undefined : p.engines?.node;
        return range && !semver.satisfies(oldest, range, { includePrerelease: true }) ? [`${name}@${p.version} needs node ${range}`] : [];
      });
    expect(needNewer).toEqual([]);
  });
});
