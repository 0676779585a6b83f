import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordSim } from '../../sims/discord/index.ts';

const run = promisify(execFile);

describe('yeyak discord register-commands', () => {
  let discord: Awaited<ReturnType<typeof startDiscordSim>>;
  beforeAll(async () => {
    discord = await startDiscordSim();
  });
  afterAll(async () => {
    await discord?.close();
  });

  const env = (extra: Record<string, string>) => ({
    ...process.env,
    DATABASE_URL: '',
    LOG_LEVEL: 'warn',
    DISCORD_API_URL: discord.api,
    ...extra,
  });

  it('registers /event in a guild through the Discord API', async () => {
    const out = await run(
      join(process.cwd(), 'bin/yeyak'),
      ['discord', 'register-commands', '--guild', '42'],
      {
        env: env({ DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_BOT_TOKEN: discord.botToken }),
      },
    );
    expect(out.stdout).toMatch(/registered \/event in guild 42/);
    const cmds = discord.commands('42');
    expect(cmds.map((c) => c.name)).toEqual(['event']);
    expect(JSON.stringify(cmds)).toContain('report');
  }, 30_000);

  it('says what is missing, and refuses a wrong bot token', async () => {
    const missing = await run(join(process.cwd(), 'bin/yeyak'), ['discord', 'register-commands'], {
      env: env({}),
    }).catch((e) => e);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/DISCORD_APPLICATION_ID and DISCORD_BOT_TOKEN/);
    const wrong = await run(join(process.cwd(), 'bin/yeyak'), ['discord', 'register-commands'], {
      env: env({ DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_BOT_TOKEN: 'wrong-bot-token' }),
    }).catch((e) => e);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/Discord refused the command registration: HTTP 401/);
  }, 30_000);
});
