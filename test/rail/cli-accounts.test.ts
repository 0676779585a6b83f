import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, login } from '../helpers.ts';
import { type RailTestEnv, railApp } from './app.ts';
import { cliEnv as cliEnvOf, yeyak } from './cli-run.ts';
import { MEMBER } from './setup.ts';

/**
 * `yeyak rail account add|list|remove` as a user runs them: the real CLI in its own process,
 * talking over HTTP to a whole yeyak that checks logins with the in-process stand-in operator.
 */

/** Requests the stand-in operator has answered (SRT and Korail). */
const operatorRequests = (env: RailTestEnv) => env.s.counts().total;

describe.each(backends)('yeyak rail account (%s)', (backend) => {
  let env: RailTestEnv;
  let user: Awaited<ReturnType<typeof login>>;
  let cliEnv: Record<string, string>;

  beforeAll(async () => {
    env = await railApp(backend);
    user = await login(env.t);
    cliEnv = cliEnvOf(env.t.url, user.token);
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

  const stored = async () =>
    (
      await user.api.get<{ accounts: { provider: string; loginHint: string; status: string }[] }>(
        '/api/rail/accounts',
      )
    ).body.data?.accounts ?? [];

  it('refuses a wrong password with a clear error, exit code 1 and nothing stored', async () => {
    const before = operatorRequests(env);
    const run = await yeyak(cliEnv, ['rail', 'account', 'add', 'srt', '--id', MEMBER.id], {
      input: 'not-the-password-42\n',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('password: SRT says the id or password is wrong');
    expect(run.stdout + run.stderr).not.toContain('not-the-password-42');
    // It was the operator that said no.
    expect(operatorRequests(env)).toBeGreaterThan(before);
    expect(await stored()).toEqual([]);

    const list = await yeyak(cliEnv, ['rail', 'account', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('운영사 계정이 아직 없습니다');
  });

  it('saves a login whose password comes from stdin, lists it masked, and removes it', async () => {
    const add = await yeyak(cliEnv, ['rail', 'account', 'add', 'srt', '--id', MEMBER.id], {
      input: `${MEMBER.password}\n`,
    });
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('SRT 계정 123*****90 (홍길동)을(를) 저장했습니다');
    expect(add.stdout + add.stderr).not.toContain(MEMBER.password);
    expect(await stored()).toMatchObject([{ provider: 'srt', loginHint: '123*****90', status: 'ok' }]);

    const list = await yeyak(cliEnv, ['rail', 'account', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/SRT\s+123\*{5}90\s+홍길동\s+ok/);
    expect(list.stdout).not.toContain(MEMBER.id);
    expect(list.stdout).not.toContain(MEMBER.password);

    const remove = await yeyak(cliEnv, ['rail', 'account', 'remove', 'srt']);
    expect(remove.code).toBe(0);
    expect(remove.stdout).toContain('SRT 계정을 지웠습니다');
    expect(await stored()).toEqual([]);
    const again = await yeyak(cliEnv, ['rail', 'account', 'remove', 'srt']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/SRT account.*not found|not found.*SRT account/i);
  });

  it('asks for the id and, without echoing it, the password on a terminal (in English with LANG=en)', async () => {
    const run = await yeyak({ ...cliEnv, LANG: 'en' }, ['rail', 'account', 'add', 'korail'], {
      tty: [
        { prompt: /Korail login \(membership no\., e-mail or phone\): $/, answer: MEMBER.id },
        { prompt: /Korail password: $/, answer: MEMBER.password },
      ],
    });
    expect(run.code).toBe(0);
    // The id is echoed as typed; the password never is.
    expect(run.stdout).toContain(`Korail login (membership no., e-mail or phone): ${MEMBER.id}`);
    expect(run.stdout).toContain('saved Korail account 123*****90');
    expect(run.stdout).not.toContain(MEMBER.password);
    expect(await stored()).toMatchObject([{ provider: 'korail', status: 'ok' }]);
  });

  it('refuses bad usage before asking anyone', async () => {
    const before = operatorRequests(env);
    const provider = await yeyak(cliEnv, ['rail', 'account', 'add', 'ktx', '--id', MEMBER.id], {
      input: `${MEMBER.password}\n`,
    });
    expect(provider.code).toBe(1);
    expect(provider.stderr).toContain('Allowed choices are srt, korail');
    const noId = await yeyak(cliEnv, ['rail', 'account', 'add', 'srt'], { input: `${MEMBER.password}\n` });
    expect(noId.code).toBe(1);
    expect(noId.stderr).toContain('표준 입력이 터미널이 아니면 --id가 필요합니다');
    const noPassword = await yeyak(cliEnv, ['rail', 'account', 'add', 'srt', '--id', MEMBER.id]);
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toContain('password: 필요합니다');
    const noLogin = await yeyak({ ...cliEnv, YEYAK_TOKEN: '' }, ['rail', 'account', 'list']);
    expect(noLogin.code).toBe(1);
    expect(noLogin.stderr).toContain('--email과 --password');
    const english = await yeyak({ ...cliEnv, YEYAK_TOKEN: '', LANG: 'en_US.UTF-8' }, [
      'rail',
      'account',
      'list',
    ]);
    expect(english.stderr).toContain('log in with --email and --password');
    expect(operatorRequests(env)).toBe(before);
  });
});
