/** A whole yeyak with its Kakao skill and Event API pointed at the Kakao stand-in (the Kakao tests share it). */
import { expect } from 'vitest';
import { type KakaoSim, type Pressable, startKakaoSim } from '../../sims/notify/kakao.ts';
import { loadConfig } from '../../src/config.ts';
import type { RailConfig } from '../../src/modules/rail/config.ts';
import { type Backend, login } from '../helpers.ts';
import { type RailTestEnv, railApp, SRT_MEMBER } from './app.ts';

export const SKILL_KEY = 'kakao-skill-key-for-tests';
export const REST_KEY = 'rest-api-key-test';

export type KakaoRailEnv = RailTestEnv & {
  kakao: KakaoSim;
  /** The skill URL with its key, as Kakao's Open Builder calls it. */
  skill: string;
};

export async function kakaoRailApp(backend: Backend, rail: Partial<RailConfig> = {}): Promise<KakaoRailEnv> {
  const kakao = await startKakaoSim({ botId: 'bot-yeyak', restApiKey: REST_KEY });
  const env = await railApp(
    backend,
    { ...rail, kakao: { ...loadConfig({}).rail.kakao, skillKey: SKILL_KEY } },
    {},
    {
      kakao: { ...loadConfig({}).notify.kakao, apiUrl: kakao.url, botId: 'bot-yeyak', restApiKey: REST_KEY },
    },
  );
  return {
    ...env,
    kakao,
    skill: `${env.t.url}/api/kakao/skill?key=${SKILL_KEY}`,
    stop: async () => {
      await env.stop();
      await kakao.close();
    },
  };
}

export type Template = {
  outputs: { simpleText?: { text: string }; listCard?: { header: { title: string }; items: Pressable[] } }[];
  quickReplies?: Pressable[];
};
export const template = (body: Record<string, unknown>) => body.template as Template;
/** The text of the answer's first bubble: what the user reads. */
export const textOf = (body: Record<string, unknown>) => template(body).outputs[0].simpleText?.text ?? '';

/** Says `utterance` to the skill as the KakaoTalk user `userKey`. */
export const say = (
  env: KakaoRailEnv,
  userKey: string,
  utterance: string,
  o: Parameters<KakaoSim['send']>[2] = {},
) => env.kakao.send(env.skill, utterance, { userKey, ...o });

/** A yeyak user with the sim's SRT member, linked to the KakaoTalk user `userKey` by a link code. */
export async function linkedUser(env: KakaoRailEnv, userKey: string) {
  const u = await login(env.t);
  await u.api.put('/api/rail/accounts/srt', SRT_MEMBER);
  const code = (await u.api.post<{ code: string }>('/api/rail/kakao/code')).body.data?.code as string;
  expect(textOf((await say(env, userKey, `연결 ${code}`)).body)).toContain('연결했습니다');
  return u;
}
