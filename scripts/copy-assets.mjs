// After `tsc -p tsconfig.build.json`: copies what the server reads beside its code (mail templates,
// worker scripts) from src/ and sims/ into dist/, and stamps the build so bin/yeyak can tell a
// build older than the sources (it then runs the sources instead).
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
let copied = 0;
function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (!entry.name.endsWith('.ts') && !entry.name.endsWith('.md')) {
      const target = join(root, 'dist', relative(root, path));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
      copied += 1;
    }
  }
}
for (const dir of ['src', 'sims']) walk(join(root, dir));
writeFileSync(join(root, 'dist', '.built'), `${new Date().toISOString()}\n`);
console.log(`dist/: ${copied} asset files copied`);
