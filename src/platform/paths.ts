import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project folder (the one with package.json): where `drizzle/` and `web/dist/` are, whether this
 * file runs from src/ (tsx, tests) or from the built dist/src/ (`npm run build`).
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(resolve(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('yeyak: no package.json above the server code');
    dir = up;
  }
}

export const projectRoot = findRoot();
