import { describe, expect, it } from 'vitest';
import { commandOf, optionsOf, type Payload, param, skillPayload, tripOf } from './parse.ts';

const payload = (utterance: string, action: Record<string, unknown> = {}): Payload =>
  skillPayload.parse({ userRequest: { utterance, user: { id: 'u1' } }, action });

describe('Kakao utterances, without a server', () => {
  it('reads the verb and the language from the words', () => {
    expect(commandOf(payload('내 감시'))).toMatchObject({ verb: 'watches', lang: 'ko', args: [] });
    expect(commandOf(payload('my watches'))).toMatchObject({ verb: 'watches', lang: 'en' });
    expect(commandOf(payload('감시 수서 부산 내일 305'))).toMatchObject({
      verb: 'watch',
      lang: 'ko',
      args: ['수서', '부산', '내일', '305'],
    });
    expect(commandOf(payload('book ktx seoul busan 2026-12-24 101'))).toMatchObject({
      verb: 'reserve',
      lang: 'en',
    });
  });

  it('takes the trip from the words in order, or from the block entities when it has them', () => {
    const words = tripOf(['ktx', '서울', '부산', '내일', '101', '어른', '2'], payload('x').action, ['train']);
    expect(words).toEqual({
      provider: 'korail',
      from: '서울',
      to: '부산',
      dateWord: '내일',
      last: '101',
      leftover: ['어른', '2'],
    });
    // System entities come as JSON strings: {"date": …}.
    const a = payload('x', {
      params: { from: '수서', to: '부산', date: '{"date":"2026-12-24"}', train: '305' },
    }).action;
    expect(param(a, 'date')).toBe('2026-12-24');
    expect(tripOf(['아무', '말'], a, ['train'])).toMatchObject({
      provider: 'srt',
      from: '수서',
      last: '305',
      leftover: [],
    });
  });

  it('reads passengers and seats, and says what is wrong with them in the user language', () => {
    const ok = optionsOf(commandOf(payload('감시 수서 부산 내일 305 어른 2 특실')), payload('x').action);
    expect(ok.passengers).toMatchObject({ adult: 2 });
    expect(ok.problem).toBeUndefined();
    const tooMany = optionsOf(commandOf(payload('감시 수서 부산 내일 305 어른 10')), payload('x').action);
    expect(tooMany.problem).toContain('9명까지');
    const alone = optionsOf(
      commandOf(payload('watch suseo busan tomorrow 305 child 1')),
      payload('x').action,
    );
    expect(alone.problem).toBe('Children cannot travel alone: add an adult, senior or disabled passenger.');
  });
});
