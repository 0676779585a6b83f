/** `yeyak rail account add|list|remove`: the operator logins yeyak keeps for your watches. */
import { Argument, type Command } from 'commander';
import { type Common, connect, table, withServer } from './client.ts';
import { t } from './lang.ts';

type Account = {
  provider: 'srt' | 'korail';
  loginHint: string;
  memberName: string | null;
  status: string;
  lastError: string | null;
};

const PROVIDER_LABEL = { srt: 'SRT', korail: 'Korail' } as const;
const label = (p: ProviderName) => (p === 'korail' ? t('코레일', 'Korail') : 'SRT');
type ProviderName = keyof typeof PROVIDER_LABEL;
const providerArg = () =>
  new Argument('<provider>', t('srt 또는 korail', 'srt or korail')).choices(
    Object.keys(PROVIDER_LABEL) as ProviderName[],
  );

/**
 * Asks on the terminal, writing to stderr so stdout stays for results. With `hidden` nothing of the
 * answer is echoed (a password must not stay on screen or in a terminal log).
 */
function ask(question: string, hidden: boolean): Promise<string> {
  const input = process.stdin;
  const out = process.stderr;
  return new Promise((resolve, reject) => {
    let answer = '';
    const done = (err?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      out.write('\n');
      if (err) reject(err);
      else resolve(answer);
    };
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (text.startsWith('\x1b')) return; // arrow keys and the like
      for (const ch of text) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\x03') {
          done();
          process.exit(130);
        }
        if (ch === '\x04' && !answer) return done(new Error('cancelled'));
        if (ch === '\x7f' || ch === '\b') {
          if (answer && !hidden) out.write('\b \b');
          answer = [...answer].slice(0, -1).join('');
        } else if (ch >= ' ') {
          answer += ch;
          if (!hidden) out.write(ch);
        }
      }
    };
    // Raw (no echo) before the question shows: whatever is typed after seeing it is not echoed.
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
    out.write(question);
  });
}

/** The first line piped into stdin (`echo "$PW" | yeyak …`, `< file`). */
async function firstLineOfStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

export function registerAccounts(rail: Command, fail: (err: unknown) => never) {
  const account = rail
    .command('account')
    .description(
      t(
        'yeyak이 감시에 쓰도록 암호화해 보관하는 운영사 로그인 (SRT, 코레일)',
        'operator logins (SRT, Korail) that yeyak keeps, encrypted, for your watches',
      ),
    );

  withServer(
    account
      .command('add')
      .description(
        t(
          '운영사 로그인을 운영사에서 확인하고 저장합니다. 비밀번호는 (보이지 않게) 묻거나 표준 입력에서 읽고, 명령줄에서는 받지 않습니다',
          'check an operator login with the operator and save it; the operator password is asked for ' +
            '(hidden) or read from stdin, never taken from the command line',
        ),
      )
      .addArgument(providerArg()),
  )
    .option(
      '--id <login>',
      t(
        '운영사 회원번호, 이메일 또는 전화번호 (없으면 묻습니다)',
        'membership number, e-mail or phone at the operator (asked when missing)',
      ),
    )
    .action(async (provider: ProviderName, o: Common & { id?: string }) => {
      try {
        const name = label(provider);
        const tty = !!process.stdin.isTTY;
        let id = o.id?.trim();
        if (!id && !tty)
          throw new Error(
            t(
              '표준 입력이 터미널이 아니면 --id가 필요합니다',
              '--id is required when stdin is not a terminal',
            ),
          );
        // Log in to yeyak first so nobody types an operator password only to be told that.
        const api = await connect(o);
        if (!id)
          id = (
            await ask(
              t(
                `${name} 로그인 (회원번호, 이메일 또는 전화번호): `,
                `${name} login (membership no., e-mail or phone): `,
              ),
              false,
            )
          ).trim();
        if (!id) throw new Error(t('id: 필요합니다', 'id: required'));
        // argv is visible to every user on the machine (ps), so the password only comes in on stdin.
        const password = tty
          ? await ask(t(`${name} 비밀번호: `, `${name} password: `), true)
          : await firstLineOfStdin();
        if (!password)
          throw new Error(
            t(
              'password: 필요합니다 (프롬프트에 입력하거나 파이프로 넘겨 주세요: `printf %s "$PW" | yeyak rail account add …`)',
              'password: required (type it at the prompt, or pipe it in: `printf %s "$PW" | yeyak rail account add …`)',
            ),
          );
        const { account: saved } = await api.call<{ account: Account }>(
          'PUT',
          `/api/rail/accounts/${provider}`,
          {
            id,
            password,
          },
        );
        console.log(
          t(
            `${name} 계정 ${saved.loginHint}${saved.memberName ? ` (${saved.memberName})` : ''}을(를) 저장했습니다: ${name}에서 로그인을 확인했습니다`,
            `saved ${name} account ${saved.loginHint}${saved.memberName ? ` (${saved.memberName})` : ''}: ${name} accepted the login`,
          ),
        );
      } catch (err) {
        fail(err);
      }
    });

  withServer(
    account
      .command('list')
      .description(t('내 운영사 로그인(가림)과 상태', 'my operator logins (masked) and their status')),
  ).action(async (o: Common) => {
    try {
      const api = await connect(o);
      const { accounts } = await api.call<{ accounts: Account[] }>('GET', '/api/rail/accounts');
      if (!accounts.length) {
        console.log(
          t(
            '운영사 계정이 아직 없습니다. `yeyak rail account add srt`로 추가해 주세요',
            'no operator accounts yet; add one with `yeyak rail account add srt`',
          ),
        );
        return;
      }
      console.log(
        table(
          t('운영사 로그인 회원 상태 메모', 'provider login member status note').split(' '),
          accounts.map((a) => [
            label(a.provider),
            a.loginHint,
            a.memberName ?? '',
            a.status,
            a.lastError ?? '',
          ]),
        ),
      );
    } catch (err) {
      fail(err);
    }
  });

  withServer(
    account
      .command('remove')
      .description(
        t(
          '운영사 로그인을 지웁니다 (진행 중인 감시도 멈춥니다)',
          'forget an operator login (its running watches stop)',
        ),
      )
      .addArgument(providerArg()),
  ).action(async (provider: ProviderName, o: Common) => {
    try {
      const api = await connect(o);
      await api.call('DELETE', `/api/rail/accounts/${provider}`);
      console.log(
        t(
          `${label(provider)} 계정을 지웠습니다. 진행 중이던 감시는 멈췄습니다`,
          `removed the ${label(provider)} account; its running watches were stopped`,
        ),
      );
    } catch (err) {
      fail(err);
    }
  });
}
