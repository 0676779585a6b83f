import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { randomToken, safeEqual } from '../crypto.ts';
import { tokenFrom } from './service.ts';

/**
 * The embedded database is held by one process, so a CLI started next to a running server cannot open
 * it. The server leaves its port and a random admin token in `$YEYAK_DATA/admin.json` (mode 0600, only
 * the account running yeyak can read it) and the CLI calls the admin API on 127.0.0.1 with it.
 */
export type LocalAdminFile = { port: number; token: string; pid: number };

export const adminFilePath = (dataDir: string) => join(dataDir, 'admin.json');

export class LocalAdmin {
  readonly token = randomToken(32);
  private dir?: string;

  /** Writes the file for a server listening on `port`. */
  write(dataDir: string, port: number) {
    const path = adminFilePath(dataDir);
    const body: LocalAdminFile = { port, token: this.token, pid: process.pid };
    rmSync(path, { force: true });
    writeFileSync(path, `${JSON.stringify(body)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    this.dir = dataDir;
  }

  /** Removes the file, unless another server has replaced it meanwhile. */
  remove() {
    if (!this.dir) return;
    if (readLocalAdmin(this.dir)?.token === this.token) rmSync(adminFilePath(this.dir), { force: true });
    this.dir = undefined;
  }

  /**
   * Whether the request carries this token from this machine. Loopback alone is not enough: a reverse
   * proxy on the same host forwards remote callers from 127.0.0.1, so a forwarded request never counts.
   */
  matches(req: FastifyRequest): 'yes' | 'no' | 'not-local' {
    const token = tokenFrom(req);
    if (!token || !safeEqual(token, this.token)) return 'no';
    const from = req.socket.remoteAddress ?? '';
    const loopback = /^(127\.|::1$|::ffff:127\.)/.test(from);
    const forwarded = ['x-forwarded-for', 'forwarded', 'x-real-ip'].some((h) => req.headers[h] !== undefined);
    return loopback && !forwarded ? 'yes' : 'not-local';
  }
}

/** The running server's port and token, or undefined when none left a file. */
export function readLocalAdmin(dataDir: string): LocalAdminFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(adminFilePath(dataDir), 'utf8')) as Partial<LocalAdminFile>;
    if (typeof parsed.port !== 'number' || typeof parsed.token !== 'string') return undefined;
    return { port: parsed.port, token: parsed.token, pid: Number(parsed.pid) };
  } catch {
    return undefined;
  }
}
