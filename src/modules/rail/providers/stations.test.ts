import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors.ts';
import { Pacer, UpstreamError } from '../../../platform/net/http.ts';
import type { RailConfig } from '../config.ts';
import { operatorError } from '../refusals.ts';
import { parseNetFunnelReply } from './netfunnel.ts';
import { findStation, nameDistance, SRT_STATIONS, suggestStations } from './stations.ts';
import {
  classesToTry,
  isRailError,
  RailError,
  type RailErrorKind,
  type Train,
  validatePassengers,
} from './types.ts';

describe('stations', () => {
  it('finds names, aliases and names written with 역', () => {
    expect(findStation('srt', SRT_STATIONS, '부산').code).toBe('0020');
    expect(findStation('srt', SRT_STATIONS, '부산역').code).toBe('0020');
    expect(findStation('srt', SRT_STATIONS, '신경주').name).toBe('경주');
    expect(findStation('srt', SRT_STATIONS, '김천구미').code).toBe('0507');
  });

  it('suggests the nearest names for unknown input', () => {
    try {
      findStation('srt', SRT_STATIONS, '부선');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(RailError);
      const e = err as RailError;
      expect(e.kind).toBe('no-such-station');
      expect(e.suggestions?.[0]).toBe('부산');
      expect(e.message).toContain('부산');
    }
    expect(suggestStations(SRT_STATIONS, '동데구')[0]).toBe('동대구');
    expect(suggestStations(SRT_STATIONS, '광주')).toContain('광주송정');
    expect(suggestStations(SRT_STATIONS, 'zzzzzzzz')).toEqual([]);
  });

  it('measures distance in jamo', () => {
    expect(nameDistance('부선', '부산')).toBe(1);
    expect(nameDistance('부산', '부산')).toBe(0);
  });
});

describe('rules', () => {
  const train = (general: Train['general'], special: Train['special']) => ({ general, special }) as Train;

  it('orders seat classes by policy and availability', () => {
    expect(classesToTry(train('available', 'available'), 'general-first')).toEqual(['general', 'special']);
    expect(classesToTry(train('sold-out', 'available'), 'general-first')).toEqual(['special']);
    expect(classesToTry(train('available', 'available'), 'special-first')).toEqual(['special', 'general']);
    expect(classesToTry(train('available', 'sold-out'), 'special-only')).toEqual([]);
    expect(classesToTry(train('available', 'absent'), 'general-only')).toEqual(['general']);
  });

  it('validates passenger counts', () => {
    expect(() => validatePassengers('srt', { adult: 1, child: 2 })).not.toThrow();
    expect(() => validatePassengers('srt', {})).toThrow(RailError);
    expect(() => validatePassengers('srt', { child: 2 })).toThrow(/accompanying/);
    expect(() => validatePassengers('srt', { adult: 10 })).toThrow(/between 1 and 9/);
    expect(() => validatePassengers('srt', { adult: 1.5 })).toThrow(/whole number/);
  });

  it('RailError is an UpstreamError answering with the status operatorError gives its kind', () => {
    const kinds: RailErrorKind[] = [
      'sold-out',
      'not-logged-in',
      'netfunnel-stale',
      'blocked',
      'login-refused',
      'bad-credentials',
      'no-such-station',
      'invalid-request',
      'operator',
    ];
    const config = { blockPauseMinutes: 30 } as RailConfig;
    for (const kind of kinds) {
      const err = new RailError(kind, 'korail', 'm', { code: 'X', operatorMessage: 'o' });
      expect(err).toBeInstanceOf(UpstreamError);
      expect(isRailError(err, kind)).toBe(true);
      expect([err.name, err.service, err.provider, err.code, err.operatorMessage]).toEqual([
        'RailError',
        'korail',
        'korail',
        'X',
        'o',
      ]);
      expect(err.retryable).toBe(kind === 'sold-out');
      const answered = operatorError(config, err);
      expect(answered).toBeInstanceOf(AppError);
      // no-such-station is answered by validation.ts (400), not operatorError's default.
      if (kind !== 'no-such-station') expect(err.status).toBe((answered as AppError).status);
    }
    const unreachable = new RailError('operator', 'srt', 'cannot reach the operator', { code: 'NETWORK' });
    expect([unreachable.reason, unreachable.status]).toEqual(['unavailable', 502]);
  });

  it('paces requests', async () => {
    const pacer = new Pacer({ minIntervalMs: 40 });
    const started = Date.now();
    for (let i = 0; i < 3; i++) await pacer.wait();
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('reads both NetFunnel dialects', () => {
    const js = parseNetFunnelReply(
      "NetFunnel.gRtype=5101; NetFunnel.gControl.result='5002:201:key=ABC&nwait=3&nnext=1&tps=11.2&ttl=1&ip=h&port=80'; NetFunnel.gControl._showResult();",
    );
    expect(js?.status).toBe(201);
    expect(js?.next).toBe('5002');
    expect(js?.params.get('key')).toBe('ABC');
    expect(js?.params.get('nwait')).toBe('3');
    const native = parseNetFunnelReply('200:key=K1&nwait=0&ip=rnf12.letskorail.com&port=443');
    expect(native?.status).toBe(200);
    expect(native?.params.get('key')).toBe('K1');
    expect(parseNetFunnelReply('garbage')).toBeUndefined();
  });
});
