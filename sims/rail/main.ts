/** Runs the rail stand-in alone: `node --import tsx sims/rail/main.ts [--port 8790] [--seed N] [--korail-macro-check off]`. */
import { DEFAULT_USERS, startRailSim } from './server.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

const sim = await startRailSim({
  port: Number(arg('port') ?? process.env.RAIL_SIM_PORT ?? 0),
  host: arg('host') ?? process.env.RAIL_SIM_HOST ?? '127.0.0.1',
  seed: arg('seed') ? Number(arg('seed')) : undefined,
  cancellationRate: arg('cancellation-rate') ? Number(arg('cancellation-rate')) : undefined,
  blockThreshold: arg('block-threshold') ? Number(arg('block-threshold')) : undefined,
  // On by default, as today's Korail: `--korail-macro-check off` lets Korail logins without the token in.
  korailMacroCheck: arg('korail-macro-check') !== 'off',
});
console.log(sim.url);
console.error(
  `rail sim: SRT + Korail API at ${sim.url}, NetFunnel at ${sim.netfunnelUrl}; ` +
    `members ${DEFAULT_USERS.map((u) => `${u.memberNo}/${u.email}`).join(', ')} (password ${DEFAULT_USERS[0].password} for the first)`,
);
const stop = () => void sim.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
