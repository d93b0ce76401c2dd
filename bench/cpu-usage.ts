import fs from 'node:fs';
import { sql } from 'kysely';
import type { Db } from '../src/database.js';

/** Linux accounts process CPU in clock ticks of 1/100 s (USER_HZ) on every common architecture. */
const TICK_MS = 10;

/**
 * CPU time used so far by the PostgreSQL server behind `db`: its postmaster, the children it has
 * reaped and the ones still running. Read from /proc, so only for a server on this machine; on
 * a shared machine it is the one load-independent cost figure (wall-clock rates are not).
 */
export async function postgresCpuMs(db: Db): Promise<number | undefined> {
  try {
    const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db);
    const postmaster = statOf(rows[0]!.pid)?.ppid;
    if (postmaster === undefined) return undefined;
    const own = statOf(postmaster);
    if (!own) return undefined;
    let ticks = own.utime + own.stime + own.cutime + own.cstime;
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const s = statOf(Number(entry));
      if (s && s.ppid === postmaster) ticks += s.utime + s.stime;
    }
    return ticks * TICK_MS;
  } catch {
    return undefined;
  }
}

/** This process's CPU time so far (all threads), in ms. */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function statOf(pid: number): { ppid: number; utime: number; stime: number; cutime: number; cstime: number } | undefined {
  let text: string;
  try { text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { return undefined; }
  // The command name is in parentheses and may hold spaces: fields are counted after its closing one.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]), cutime: Number(f[13]), cstime: Number(f[14]) };
}
