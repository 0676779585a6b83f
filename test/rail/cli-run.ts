/** Runs the real `bin/yeyak` in its own process, as a user would (the rail CLI tests share it). */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(process.cwd(), 'bin/yeyak');

export type Run = { code: number | null; stdout: string; stderr: string };

/** A running CLI: its output so far, and its end. */
export type Running = { child: ChildProcess; out: () => Run; done: Promise<Run> };

/**
 * Starts the CLI. `input` is piped into stdin; with `tty` the CLI runs on a pseudo-terminal
 * (util-linux `script`) and each answer is typed only once `prompt` shows up, as a person would.
 */
export function start(
  env: Record<string, string>,
  args: string[],
  opts: { input?: string; tty?: { prompt: RegExp; answer: string }[]; timeoutMs?: number } = {},
): Running {
  const child = opts.tty
    ? spawn('script', ['-qfec', [BIN, ...args].map((a) => `'${a}'`).join(' '), '/dev/null'], { env })
    : spawn(BIN, args, { env });
  let stdout = '';
  let stderr = '';
  const steps = [...(opts.tty ?? [])];
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
    // On a terminal the prompts (stderr) and output share the one pty stream.
    const next = steps[0];
    if (next?.prompt.test(stdout)) {
      steps.shift();
      child.stdin.write(`${next.answer}\r`);
    }
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  if (!opts.tty) child.stdin.end(opts.input ?? '');
  const done = new Promise<Run>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`yeyak ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, out: () => ({ code: child.exitCode, stdout, stderr }), done };
}

/** Runs the CLI to its end. */
export function yeyak(
  env: Record<string, string>,
  args: string[],
  opts: { input?: string; tty?: { prompt: RegExp; answer: string }[] } = {},
): Promise<Run> {
  return start(env, args, opts).done;
}

/** The CLI's environment: the server and the login token from the environment, as a script passes them (not argv); `en`: LANG=en. */
export function cliEnv(url: string, token: string, lang?: 'en'): Record<string, string> {
  // The machine's locale stays out: the CLI speaks Korean unless LANG says English.
  const { YEYAK_EMAIL: _e, YEYAK_PASSWORD: _p, LANG: _l, LC_ALL: _a, LC_MESSAGES: _m, ...rest } = process.env;
  return {
    ...(rest as Record<string, string>),
    YEYAK_URL: url,
    YEYAK_TOKEN: token,
    NO_COLOR: '1',
    ...(lang ? { LANG: 'en' } : {}),
  };
}
