import type { Command } from 'commander';
import type { CliTools } from '../../platform/module.ts';

/** `yeyak discord register-commands`: tells Discord about the bot's slash commands. */
export function registerRegistrationCommands(program: Command, { config, fail }: CliTools) {
  const discord = program.command('discord').description('the registration Discord bot');
  discord
    .command('register-commands')
    .description(
      'register /event list|status|report with Discord (DISCORD_APPLICATION_ID, DISCORD_BOT_TOKEN)',
    )
    .option('--guild <id>', 'register in one server only (instant; global commands can take a while)')
    .action(async (opts: { guild?: string }) => {
      const { registerCommands } = await import('./actions/discord.ts');
      const d = config().discord ?? {};
      const { applicationId, botToken } = d;
      if (!applicationId || !botToken)
        return fail(new Error('set DISCORD_APPLICATION_ID and DISCORD_BOT_TOKEN to register commands'));
      const out = await registerCommands(applicationId, opts.guild, botToken, d.apiUrl).catch(fail);
      console.log(
        `registered ${out.map((c) => `/${c.name}`).join(', ')} ${opts.guild ? `in guild ${opts.guild}` : 'globally'}`,
      );
    });
}
