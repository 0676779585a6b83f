/** The 060 phone-consultation vendor: adapter, webhook check, config (see sims/phone060/README.md). */
export { Phone060, type Phone060Options } from './client.ts';
export {
  type Phone060Config,
  type Phone060Env,
  type Phone060Link,
  phone060Env,
  phone060FromConfig,
  readPhone060Config,
} from './config.ts';
export * from './types.ts';
export * from './webhook.ts';
