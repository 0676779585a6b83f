import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import { type Browser, chromium } from 'playwright-core';

/**
 * The browser the e2e tests drive: always a real Chromium.
 *
 * 1. `CHROMIUM_PATH` when set (`bundled` forces the npm copy below);
 * 2. Debian's `/usr/bin/chromium` (`apt-get install chromium fonts-nanum`: Korean fonts for
 *    readable screenshots);
 * 3. otherwise the headless Chromium that ships inside the `@sparticuz/chromium` npm package, so a
 *    bare machine with only Node and npm runs the same tests. The package holds brotli-compressed
 *    files: the browser itself, and tarballs of the NSS/NSPR/expat libraries it links against
 *    (`al2023.tar.br`, built for Amazon Linux 2023, which run on any glibc ≥ 2.34), a software GL
 *    (`swiftshader`) and a fontconfig with Open Sans. They are unpacked once into
 *    `node_modules/.cache/yeyak-chromium/<version>/` and the libraries are put on LD_LIBRARY_PATH.
 */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type ChromiumInstall = { executablePath: string; env?: Record<string, string>; source: string };

export function findChromium(): ChromiumInstall {
  const wanted = process.env.CHROMIUM_PATH;
  if (wanted && wanted !== 'bundled') return { executablePath: wanted, source: 'CHROMIUM_PATH' };
  if (wanted !== 'bundled' && existsSync(DEBIAN_CHROMIUM))
    return { executablePath: DEBIAN_CHROMIUM, source: 'debian' };
  return bundledChromium();
}

export async function launchBrowser(install: ChromiumInstall = findChromium()): Promise<Browser> {
  return chromium.launch({
    executablePath: install.executablePath,
    args: CHROMIUM_FLAGS,
    env: install.env ? { ...process.env, ...install.env } : undefined,
  });
}

/** Unpacks the npm package's Chromium once; parallel test workers race safely (atomic rename). */
export function bundledChromium(): ChromiumInstall {
  const require = createRequire(join(root, 'package.json'));
  // The package exports no ./package.json; its main file sits in build/cjs/.
  const pkgDir = resolve(dirname(require.resolve('@sparticuz/chromium')), '../..');
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const target = join(root, 'node_modules/.cache/yeyak-chromium', version);
  if (!existsSync(join(target, 'chromium'))) {
    const staging = `${target}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const bin = join(pkgDir, 'bin');
    writeFileSync(join(staging, 'chromium'), brotliDecompressSync(readFileSync(join(bin, 'chromium.br'))), {
      mode: 0o755,
    });
    untar(brotliDecompressSync(readFileSync(join(bin, 'al2023.tar.br'))), staging);
    untar(brotliDecompressSync(readFileSync(join(bin, 'swiftshader.tar.br'))), staging);
    untar(brotliDecompressSync(readFileSync(join(bin, 'fonts.tar.br'))), staging);
    // The package's fonts.conf points at Lambda's folders; ours points at the unpacked fonts and
    // the system's, so Korean fonts are used when the machine has any.
    writeFileSync(
      join(staging, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${target}/fonts</dir>\n  <dir>/usr/share/fonts</dir>\n  <cachedir>${target}/fonts-cache</cachedir>\n</fontconfig>\n`,
    );
    try {
      renameSync(staging, target);
    } catch {
      // Another worker finished first: its copy is complete, drop ours.
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return {
    executablePath: join(target, 'chromium'),
    env: {
      LD_LIBRARY_PATH: [join(target, 'lib'), target, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_PATH: target,
    },
    source: `@sparticuz/chromium ${version}`,
  };
}

/** Minimal ustar reader: regular files and folders, which is all these tarballs hold. */
function untar(tar: Buffer, into: string) {
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, len: number) =>
      header
        .subarray(from, from + len)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const mode = Number.parseInt(field(100, 8).trim() || '644', 8);
    const type = field(156, 1) || '0';
    const path = normalize(join(into, name));
    if (!path.startsWith(into)) throw new Error(`tar entry outside the target: ${name}`);
    if (type === '5') mkdirSync(path, { recursive: true });
    else if (type === '0') {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, tar.subarray(at + 512, at + 512 + size), { mode });
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
}
