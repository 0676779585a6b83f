import { type ProviderName, RailError, type Station } from './types.ts';

/** SRT stations and their 4-digit codes (the code space is shared with Korail). */
export const SRT_STATIONS: Station[] = [
  { name: '수서', code: '0551' },
  { name: '동탄', code: '0552' },
  { name: '평택지제', code: '0553' },
  { name: '천안아산', code: '0502' },
  { name: '오송', code: '0297' },
  { name: '대전', code: '0010' },
  { name: '김천(구미)', code: '0507', aliases: ['김천구미'] },
  { name: '서대구', code: '0506' },
  { name: '동대구', code: '0015' },
  { name: '경주', code: '0508', aliases: ['신경주'] },
  { name: '울산(통도사)', code: '0509', aliases: ['울산'] },
  { name: '부산', code: '0020' },
  { name: '포항', code: '0515' },
  { name: '밀양', code: '0017' },
  { name: '진영', code: '0056' },
  { name: '창원중앙', code: '0512' },
  { name: '창원', code: '0057' },
  { name: '마산', code: '0059' },
  { name: '진주', code: '0063' },
  { name: '공주', code: '0514' },
  { name: '익산', code: '0030' },
  { name: '정읍', code: '0033' },
  { name: '광주송정', code: '0036' },
  { name: '나주', code: '0037' },
  { name: '목포', code: '0041' },
  { name: '전주', code: '0045' },
  { name: '남원', code: '0048' },
  { name: '곡성', code: '0049' },
  { name: '구례구', code: '0050' },
  { name: '순천', code: '0051' },
  { name: '여천', code: '0139' },
  { name: '여수EXPO', code: '0053', aliases: ['여수엑스포', '여수'] },
];

/**
 * Korail station names used before the operator's own list (`common.stationdata`) is loaded,
 * and for suggestions offline. Korail search takes names; codes come from the operator.
 */
export const KORAIL_STATION_NAMES: string[] = [
  '서울',
  '용산',
  '영등포',
  '광명',
  '수원',
  '행신',
  '청량리',
  '상봉',
  '평택',
  '천안',
  '천안아산',
  '오송',
  '조치원',
  '대전',
  '서대전',
  '김천',
  '구미',
  '김천구미',
  '대구',
  '동대구',
  '서대구',
  '신경주',
  '경주',
  '울산(통도사)',
  '포항',
  '밀양',
  '구포',
  '부산',
  '진영',
  '창원중앙',
  '창원',
  '마산',
  '진주',
  '공주',
  '익산',
  '정읍',
  '광주송정',
  '광주',
  '나주',
  '목포',
  '전주',
  '남원',
  '곡성',
  '구례구',
  '순천',
  '여천',
  '여수EXPO',
  '양평',
  '만종',
  '원주',
  '횡성',
  '둔내',
  '평창',
  '진부',
  '강릉',
  '정동진',
  '동해',
  '평내호평',
  '가평',
  '남춘천',
  '춘천',
  '안동',
  '영주',
  '제천',
  '단양',
  '인천공항T1',
  '인천공항T2',
  '검암',
];

// Hangul syllables decompose into jamo so that "부선" is one vowel away from "부산".
const INITIALS = 'ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ';
const MEDIALS = 'ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ';
const FINALS = ' ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ';

function jamo(s: string): string[] {
  const out: string[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xac00 && c <= 0xd7a3) {
      const i = c - 0xac00;
      out.push(INITIALS[Math.floor(i / 588)], MEDIALS[Math.floor((i % 588) / 28)]);
      if (i % 28) out.push(FINALS[i % 28]);
    } else out.push(ch.toLowerCase());
  }
  return out;
}

function levenshtein(a: string[], b: string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** Edit distance between two station names, counted in jamo for Hangul. */
export function nameDistance(a: string, b: string): number {
  return levenshtein(jamo(normalizeStationName(a)), jamo(normalizeStationName(b)));
}

/** "부산역" → "부산", "울산(통도사)" → "울산통도사", spaces and case ignored. */
function normalizeStationName(s: string): string {
  let n = s
    .normalize('NFC')
    .replace(/[\s()·.]/g, '')
    .toLowerCase();
  if (n.length > 2 && n.endsWith('역')) n = n.slice(0, -1);
  return n;
}

/** The nearest station names to `input`, best first. */
export function suggestStations(stations: Station[], input: string, max = 3): string[] {
  const q = normalizeStationName(input);
  const qj = jamo(q);
  const scored = stations.map((s) => {
    const names = [s.name, ...(s.aliases ?? [])];
    let best = Number.POSITIVE_INFINITY;
    for (const n of names) {
      const nn = normalizeStationName(n);
      let d = levenshtein(qj, jamo(nn));
      if (q.length >= 2 && (nn.includes(q) || q.includes(nn))) d = Math.min(d, 1);
      best = Math.min(best, d);
    }
    return { name: s.name, d: best };
  });
  const limit = Math.max(2, Math.ceil(qj.length / 2));
  return scored
    .filter((x) => x.d <= limit)
    .sort((x, y) => x.d - y.d || x.name.localeCompare(y.name, 'ko'))
    .slice(0, max)
    .map((x) => x.name);
}

/** Finds a station by name or alias; throws `no-such-station` with suggestions otherwise. */
export function findStation(provider: ProviderName, stations: Station[], input: string): Station {
  const q = normalizeStationName(input);
  const hit = stations.find(
    (s) => normalizeStationName(s.name) === q || (s.aliases ?? []).some((a) => normalizeStationName(a) === q),
  );
  if (hit) return hit;
  const suggestions = suggestStations(stations, input);
  throw new RailError(
    'no-such-station',
    provider,
    suggestions.length
      ? `no station "${input}" on ${provider}; did you mean ${suggestions.join(', ')}?`
      : `no station "${input}" on ${provider}`,
    { suggestions },
  );
}
