/** `yeyak rail account add|list|remove`: the operator logins yeyak keeps for your watches. */
import { Argument, type Command } from 'commander';
import { type Common, connect, table, withServer } from './client.ts';

type Account = {
  provider: 'srt' | 'korail';
  loginHint: string;
  memberName: string | null;
  status: string;
  lastError: string | null;
};

const PROVIDER_LABEL = { srt: 'SRT', korail: 'Korail' } as const;
type ProviderName = keyof typeof PROVIDER_LABEL;
const providerArg = () =>
  new Argument('<provider>', 'srt or korail').choices(Object.keys(PROVIDER_LABEL) as ProviderName[]);

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
    .description('operator logins (SRT, Korail) that yeyak keeps, encrypted, for your watches');

  withServer(
    account
      .command('add')
      .description(
        'check an operator login with the operator and save it; the operator password is asked for ' +
          '(hidden) or read from stdin, never taken from the command line',
      )
      .addArgument(providerArg()),
  )
    .option('--id <login>', 'membership number, e-mail or phone at the operator (asked when missing)')
    .action(async (provider: ProviderName, o: Common & { id?: string }) => {
      try {
        const label = PROVIDER_LABEL[provider];
        const tty = !!process.stdin.isTTY;
        let id = o.id?.trim();
        if (!id && !tty) throw new Error('--id is required when stdin is not a terminal');
        // Log in to yeyak first so nobody types an operator password only to be told that.
        const api = await connect(o);
        if (!id) id = (await ask(`${label} login (membership no., e-mail or phone): `, false)).trim();
        if (!id) throw new Error('id: required');
        // argv is visible to every user on the machine (ps), so the password only comes in on stdin.
        const password = tty ? await ask(`${label} password: `, true) : await firstLineOfStdin();
        if (!password)
          throw new Error(
            'password: required (type it at the prompt, or pipe it in: `printf %s "$PW" | yeyak rail account add …`)',
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
          `saved ${label} account ${saved.loginHint}${saved.memberName ? ` (${saved.memberName})` : ''}: ${label} accepted the login`,
        );
      } catch (err) {
        fail(err);
      }
    });

  withServer(account.command('list').description('my operator logins (masked) and their status')).action(
    async (o: Common) => {
      try {
        const api = await connect(o);
        const { accounts } = await api.call<{ accounts: Account[] }>('GET', '/api/rail/accounts');
        if (!accounts.length) {
          console.log('no operator accounts yet; add one with `yeyak rail account add srt`');
          return;
        }
        console.log(
          table(
            ['provider', 'login', 'member', 'status', 'note'],
            accounts.map((a) => [
              PROVIDER_LABEL[a.provider] ?? a.provider,
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
    },
  );

  withServer(
    account
      .command('remove')
      .description('forget an operator login (its running watches stop)')
      .addArgument(providerArg()),
  ).action(async (provider: ProviderName, o: Common) => {
    try {
      const api = await connect(o);
      await api.call('DELETE', `/api/rail/accounts/${provider}`);
      console.log(`removed the ${PROVIDER_LABEL[provider]} account; its running watches were stopped`);
    } catch (err) {
      fail(err);
    }
  });
}
