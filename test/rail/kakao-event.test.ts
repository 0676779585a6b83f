/** The Kakao Event API adapter against the stand-in, and the stand-in's own checks of what Kakao refuses. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KakaoSim, skillResponseProblems, startKakaoSim } from '../../sims/notify/kakao.ts';
import type { NotifyConfig } from '../../src/platform/notify/config.ts';
import { sendKakaoEvent } from '../../src/platform/notify/senders.ts';

const REST_KEY = 'rest-api-key-event-test';

describe('Kakao Event API', () => {
  let kakao: KakaoSim;
  let config: NotifyConfig['kakao'];
  const message = { title: '[yeyak] 예약 완료', lines: ['수서→부산 351', '결제 기한 18:20'] };

  beforeAll(async () => {
    kakao = await startKakaoSim({ botId: 'bot-1', restApiKey: REST_KEY });
    config = { apiUrl: `${kakao.url}/`, botId: 'bot-1', restApiKey: REST_KEY, eventName: 'rail_notice' };
  });
  afterAll(() => kakao.close());

  const talk = (body: unknown, headers: Record<string, string> = { authorization: `KakaoAK ${REST_KEY}` }) =>
    fetch(`${kakao.url}/v2/bots/bot-1/talk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('sends {event: {name, data}, user: [{type, id}]} with KakaoAK and returns the task id', async () => {
    const answer = await sendKakaoEvent(config, [{ type: 'botUserKey', id: 'user-key-1' }], message);
    expect(answer.status).toBe('SUCCESS');
    expect(answer.taskId).toMatch(/^[0-9a-f-]{36}$/);
    const got = kakao.received.at(-1);
    expect(got?.path).toBe('/v2/bots/bot-1/talk');
    expect(got?.headers.authorization).toBe(`KakaoAK ${REST_KEY}`);
    expect(got?.body).toEqual({
      event: { name: 'rail_notice', data: { text: '[yeyak] 예약 완료\n수서→부산 351\n결제 기한 18:20' } },
      user: [{ type: 'botUserKey', id: 'user-key-1' }],
    });
  });

  it('reports a refusal with its status and message, never the key', async () => {
    const wrongKey = sendKakaoEvent(
      { ...config, restApiKey: 'another-rest-api-key' },
      [{ type: 'botUserKey', id: 'k' }],
      message,
    );
    await expect(wrongKey).rejects.toThrow(/HTTP 401.*appKey/);
    await wrongKey.catch((err: Error) => expect(err.message).not.toContain('another-rest-api-key'));
    await expect(
      sendKakaoEvent({ ...config, botId: 'no-such-bot' }, [{ type: 'botUserKey', id: 'k' }], message),
    ).rejects.toThrow(/HTTP 404 FAIL: bot not found/);
    await expect(
      sendKakaoEvent({ ...config, eventName: '' }, [{ type: 'botUserKey', id: 'k' }], message),
    ).rejects.toThrow(/HTTP 400 FAIL: event.name is required/);
  });

  it('checks what it can before sending', async () => {
    await expect(
      sendKakaoEvent({ ...config, restApiKey: undefined }, [{ type: 'botUserKey', id: 'k' }], message),
    ).rejects.toThrow(/KAKAO_REST_API_KEY/);
    await expect(sendKakaoEvent(config, [], message)).rejects.toThrow(/1 to 100 users/);
    const many = Array.from({ length: 101 }, (_, i) => ({ type: 'botUserKey' as const, id: `k${i}` }));
    await expect(sendKakaoEvent(config, many, message)).rejects.toThrow(/1 to 100 users \(got 101\)/);
  });

  it('the stand-in refuses what the documented format does not allow', async () => {
    const user = [{ type: 'botUserKey', id: 'k' }];
    const cases: [unknown, string][] = [
      [{ user }, 'event.name is required'],
      [{ event: { name: 'rail_notice', data: 'text' }, user }, 'event.data must be an object'],
      [{ event: { name: 'rail_notice' }, user: [] }, 'user must be an array of 1 to 100 users'],
      [{ event: { name: 'rail_notice' }, user: [{ type: 'kakaoId', id: 'k' }] }, 'user[].type must be'],
      [{ event: { name: 'rail_notice' }, user: [{ type: 'appUserId' }] }, 'user[].id is required'],
    ];
    for (const [body, message] of cases) {
      const res = await talk(body);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { status: string; message: string; taskId: string };
      expect(answer.status).toBe('FAIL');
      expect(answer.message).toContain(message);
    }
    expect((await talk({ event: { name: 'rail_notice' }, user }, {})).status).toBe(401);
    expect(
      (await talk({ event: { name: 'rail_notice' }, user }, { authorization: `Bearer ${REST_KEY}` })).status,
    ).toBe(401);
    const ok = await talk({ event: { name: 'rail_notice' }, user: [{ type: 'plusfriendUserKey', id: 'p' }] });
    expect(((await ok.json()) as { status: string }).status).toBe('SUCCESS');
  });

  it('the stand-in refuses SkillResponses Kakao would refuse', () => {
    const simple = { simpleText: { text: 'hi' } };
    expect(skillResponseProblems({ version: '2.0', template: { outputs: [simple] } })).toEqual([]);
    expect(skillResponseProblems({ template: { outputs: [simple] } })).toContain('version: must be "2.0"');
    expect(skillResponseProblems({ version: '2.0', template: { outputs: [] } })).toContain(
      'template.outputs: 1 to 3 components',
    );
    const items = Array.from({ length: 6 }, (_, i) => ({
      title: `t${i}`,
      action: 'message',
      messageText: 'x',
    }));
    expect(
      skillResponseProblems({
        version: '2.0',
        template: { outputs: [{ listCard: { header: { title: 'h' }, items } }] },
      }),
    ).toContain('template.outputs[0].listCard.items: 1 to 5');
    const quickReplies = [{ label: 'a', action: 'block', messageText: 'a' }];
    expect(
      skillResponseProblems({ version: '2.0', template: { outputs: [simple], quickReplies } }),
    ).toContain('template.quickReplies[0].blockId: required');
    expect(skillResponseProblems({ version: '2.0', useCallback: true }, { callback: false })).toContain(
      'useCallback: Use callback true setting required.',
    );
    expect(skillResponseProblems({ version: '2.0', useCallback: true }, { callback: true })).toEqual([]);
  });
});
