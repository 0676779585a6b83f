/**
 * The stand-in operator's world: stations, lines and a seeded timetable.
 * Station codes follow the shared 4-digit space where public sources agree (SRT table, 서울 0001,
 * 부산 0020); the other Korail codes are the sim's own and are NOT authoritative.
 */

export type Operator = 'srt' | 'korail';

export type SimStation = {
  code: string;
  /** The Korail name (also the SRT name unless `srtName` says otherwise). */
  name: string;
  srtName?: string;
};

export const STATIONS: SimStation[] = [
  // shared with SRT (codes from the SRT app's table)
  { code: '0551', name: '수서' },
  { code: '0552', name: '동탄' },
  { code: '0553', name: '평택지제' },
  { code: '0502', name: '천안아산' },
  { code: '0297', name: '오송' },
  { code: '0010', name: '대전' },
  { code: '0507', name: '김천구미', srtName: '김천(구미)' },
  { code: '0506', name: '서대구' },
  { code: '0015', name: '동대구' },
  { code: '0508', name: '신경주', srtName: '경주' },
  { code: '0509', name: '울산(통도사)' },
  { code: '0020', name: '부산' },
  { code: '0515', name: '포항' },
  { code: '0017', name: '밀양' },
  { code: '0056', name: '진영' },
  { code: '0512', name: '창원중앙' },
  { code: '0057', name: '창원' },
  { code: '0059', name: '마산' },
  { code: '0063', name: '진주' },
  { code: '0514', name: '공주' },
  { code: '0030', name: '익산' },
  { code: '0033', name: '정읍' },
  { code: '0036', name: '광주송정' },
  { code: '0037', name: '나주' },
  { code: '0041', name: '목포' },
  { code: '0045', name: '전주' },
  { code: '0048', name: '남원' },
  { code: '0049', name: '곡성' },
  { code: '0050', name: '구례구' },
  { code: '0051', name: '순천' },
  { code: '0139', name: '여천' },
  { code: '0053', name: '여수EXPO' },
  // Korail only (sim codes)
  { code: '0001', name: '서울' },
  { code: '0104', name: '용산' },
  { code: '0002', name: '영등포' },
  { code: '0501', name: '광명' },
  { code: '0003', name: '수원' },
  { code: '0005', name: '평택' },
  { code: '0006', name: '천안' },
  { code: '0007', name: '조치원' },
  { code: '0008', name: '김천' },
  { code: '0009', name: '구미' },
  { code: '0011', name: '대구' },
  { code: '0021', name: '구포' },
  { code: '0120', name: '청량리' },
  { code: '0121', name: '상봉' },
  { code: '0122', name: '양평' },
  { code: '0123', name: '만종' },
  { code: '0124', name: '횡성' },
  { code: '0125', name: '둔내' },
  { code: '0126', name: '평창' },
  { code: '0127', name: '진부' },
  { code: '0115', name: '강릉' },
  { code: '0130', name: '평내호평' },
  { code: '0131', name: '가평' },
  { code: '0132', name: '남춘천' },
  { code: '0133', name: '춘천' },
];

export const stationByCode = new Map(STATIONS.map((s) => [s.code, s]));
export const stationName = (op: Operator, s: SimStation) => (op === 'srt' ? (s.srtName ?? s.name) : s.name);

export function stationByName(op: Operator, name: string): SimStation | undefined {
  return STATIONS.find((s) => stationName(op, s) === name || s.name === name);
}

export type TrainKind = {
  clsfCd: string;
  name: string;
  /** Korail train group (selGoTrain). */
  gpCd: string;
  /** KRW per km, adult general. */
  rate: number;
  minFare: number;
  generalSeats: number;
  specialSeats: number;
};

export const KINDS = {
  SRT: {
    clsfCd: '17',
    name: 'SRT',
    gpCd: '300',
    rate: 125,
    minFare: 8400,
    generalSeats: 360,
    specialSeats: 50,
  },
  KTX: {
    clsfCd: '00',
    name: 'KTX',
    gpCd: '100',
    rate: 140,
    minFare: 8400,
    generalSeats: 300,
    specialSeats: 60,
  },
  KTX_SANCHEON: {
    clsfCd: '07',
    name: 'KTX-산천',
    gpCd: '100',
    rate: 140,
    minFare: 8400,
    generalSeats: 300,
    specialSeats: 30,
  },
  ITX_SAEMAEUL: {
    clsfCd: '08',
    name: 'ITX-새마을',
    gpCd: '101',
    rate: 78,
    minFare: 4800,
    generalSeats: 280,
    specialSeats: 0,
  },
  MUGUNGHWA: {
    clsfCd: '02',
    name: '무궁화호',
    gpCd: '102',
    rate: 52,
    minFare: 2600,
    generalSeats: 350,
    specialSeats: 0,
  },
  ITX_CHEONGCHUN: {
    clsfCd: '09',
    name: 'ITX-청춘',
    gpCd: '104',
    rate: 62,
    minFare: 2600,
    generalSeats: 300,
    specialSeats: 0,
  },
} satisfies Record<string, TrainKind>;

type Stop = [name: string, minutes: number, km: number, optional?: boolean];

export type Line = {
  id: string;
  operator: Operator;
  kind: TrainKind;
  /** First train number going away from Seoul (odd); the return trains are even. */
  firstNo: number;
  /** First departure, last departure (HHmm), and the base interval in minutes. */
  from: string;
  until: string;
  every: number;
  stops: Stop[];
};

const GYEONGBU_SRT: Stop[] = [
  ['수서', 0, 0],
  ['동탄', 14, 33, true],
  ['평택지제', 27, 60, true],
  ['천안아산', 40, 96],
  ['오송', 54, 127],
  ['대전', 73, 160],
  ['김천구미', 98, 234, true],
  ['서대구', 114, 278, true],
  ['동대구', 124, 291],
];
const HONAM_SRT: Stop[] = [
  ['수서', 0, 0],
  ['동탄', 14, 33, true],
  ['평택지제', 27, 60, true],
  ['천안아산', 40, 96, true],
  ['오송', 54, 127],
  ['공주', 72, 172, true],
  ['익산', 90, 217],
];

export const LINES: Line[] = [
  {
    id: 'srt-gyeongbu',
    operator: 'srt',
    kind: KINDS.SRT,
    firstNo: 301,
    from: '0530',
    until: '2230',
    every: 30,
    stops: [...GYEONGBU_SRT, ['신경주', 146, 350, true], ['울산(통도사)', 158, 378], ['부산', 178, 420]],
  },
  {
    id: 'srt-honam',
    operator: 'srt',
    kind: KINDS.SRT,
    firstNo: 601,
    from: '0510',
    until: '2220',
    every: 60,
    stops: [
      ...HONAM_SRT,
      ['정읍', 108, 260, true],
      ['광주송정', 126, 303],
      ['나주', 137, 322, true],
      ['목포', 160, 366],
    ],
  },
  {
    id: 'srt-jeolla',
    operator: 'srt',
    kind: KINDS.SRT,
    firstNo: 661,
    from: '0620',
    until: '2020',
    every: 160,
    stops: [
      ...HONAM_SRT,
      ['전주', 105, 243],
      ['남원', 130, 300],
      ['곡성', 142, 318, true],
      ['구례구', 155, 334, true],
      ['순천', 175, 366],
      ['여천', 190, 384],
      ['여수EXPO', 198, 391],
    ],
  },
  {
    id: 'srt-gyeongjeon',
    operator: 'srt',
    kind: KINDS.SRT,
    firstNo: 381,
    from: '0705',
    until: '1905',
    every: 240,
    stops: [
      ...GYEONGBU_SRT,
      ['밀양', 150, 345],
      ['진영', 165, 370, true],
      ['창원중앙', 175, 386],
      ['창원', 182, 393],
      ['마산', 190, 398],
      ['진주', 222, 450],
    ],
  },
  {
    id: 'srt-donghae',
    operator: 'srt',
    kind: KINDS.SRT,
    firstNo: 391,
    from: '0815',
    until: '2015',
    every: 240,
    stops: [...GYEONGBU_SRT, ['신경주', 146, 350], ['포항', 165, 380]],
  },
  {
    id: 'ktx-gyeongbu',
    operator: 'korail',
    kind: KINDS.KTX,
    firstNo: 1,
    from: '0500',
    until: '2300',
    every: 25,
    stops: [
      ['서울', 0, 0],
      ['광명', 17, 22, true],
      ['천안아산', 45, 96, true],
      ['오송', 60, 124, true],
      ['대전', 80, 160],
      ['김천구미', 105, 234, true],
      ['동대구', 130, 293],
      ['신경주', 150, 350, true],
      ['울산(통도사)', 163, 378],
      ['부산', 180, 423],
    ],
  },
  {
    id: 'ktx-honam',
    operator: 'korail',
    kind: KINDS.KTX_SANCHEON,
    firstNo: 401,
    from: '0520',
    until: '2220',
    every: 55,
    stops: [
      ['용산', 0, 0],
      ['광명', 17, 22],
      ['천안아산', 45, 96, true],
      ['오송', 60, 124],
      ['공주', 78, 172, true],
      ['익산', 97, 217],
      ['정읍', 115, 260, true],
      ['광주송정', 135, 303],
      ['나주', 146, 322, true],
      ['목포', 170, 366],
    ],
  },
  {
    id: 'ktx-gangneung',
    operator: 'korail',
    kind: KINDS.KTX_SANCHEON,
    firstNo: 801,
    from: '0530',
    until: '2200',
    every: 65,
    stops: [
      ['서울', 0, 0],
      ['청량리', 15, 9],
      ['상봉', 22, 14, true],
      ['양평', 40, 50, true],
      ['만종', 58, 90, true],
      ['횡성', 66, 100, true],
      ['둔내', 80, 125, true],
      ['평창', 90, 150, true],
      ['진부', 98, 165],
      ['강릉', 115, 220],
    ],
  },
  {
    id: 'itx-gyeongbu',
    operator: 'korail',
    kind: KINDS.ITX_SAEMAEUL,
    firstNo: 1001,
    from: '0600',
    until: '2000',
    every: 120,
    stops: [
      ['서울', 0, 0],
      ['영등포', 10, 9],
      ['수원', 30, 42],
      ['평택', 52, 75],
      ['천안', 65, 97],
      ['조치원', 90, 131],
      ['대전', 110, 167],
      ['김천', 150, 254],
      ['구미', 165, 277],
      ['동대구', 200, 326],
      ['밀양', 240, 381],
      ['구포', 270, 432],
      ['부산', 285, 442],
    ],
  },
  {
    id: 'mugunghwa-gyeongbu',
    operator: 'korail',
    kind: KINDS.MUGUNGHWA,
    firstNo: 1201,
    from: '0550',
    until: '2150',
    every: 80,
    stops: [
      ['서울', 0, 0],
      ['영등포', 11, 9],
      ['수원', 34, 42],
      ['평택', 60, 75],
      ['천안', 76, 97],
      ['조치원', 104, 131],
      ['대전', 128, 167],
      ['김천', 176, 254],
      ['구미', 192, 277],
      ['대구', 226, 323],
      ['동대구', 234, 326],
      ['밀양', 282, 381],
      ['구포', 318, 432],
      ['부산', 334, 442],
    ],
  },
  {
    id: 'itx-gyeongchun',
    operator: 'korail',
    kind: KINDS.ITX_CHEONGCHUN,
    firstNo: 2001,
    from: '0610',
    until: '2210',
    every: 60,
    stops: [
      ['용산', 0, 0],
      ['청량리', 15, 8],
      ['상봉', 22, 13],
      ['평내호평', 40, 35],
      ['가평', 60, 63],
      ['남춘천', 75, 83],
      ['춘천', 80, 88],
    ],
  },
];

/** Small, fast, seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hash(...parts: (string | number)[]): number {
  let h = 2166136261;
  for (const ch of parts.join('|')) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export type TimetableStop = { code: string; name: string; dep: number; km: number; order: number };

/** One scheduled train (same every day). Times are minutes after midnight at each stop. */
export type ScheduledTrain = {
  trainNo: number;
  operator: Operator;
  kind: TrainKind;
  lineId: string;
  stops: TimetableStop[];
};

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(2, 4));

/** Builds the daily timetable for both operators, both directions, from `seed`. */
export function buildTimetable(seed: number): ScheduledTrain[] {
  const out: ScheduledTrain[] = [];
  for (const line of LINES) {
    const r = rng(hash(seed, line.id));
    for (const dir of ['down', 'up'] as const) {
      const base = dir === 'down' ? line.stops : reverse(line.stops);
      let t = minutes(line.from) + (dir === 'up' ? Math.floor(r() * 10) : 0);
      let i = 0;
      while (t <= minutes(line.until)) {
        const stops: TimetableStop[] = [];
        let saved = 0;
        base.forEach(([name, m, km, optional], idx) => {
          const isEnd = idx === 0 || idx === base.length - 1;
          if (!isEnd && optional && r() < 0.4) {
            saved += 3;
            return;
          }
          const st = STATIONS.find((s) => s.name === name)!;
          stops.push({ code: st.code, name: st.name, dep: t + m - saved, km, order: idx + 1 });
        });
        const trainNo = line.firstNo + i * 2 + (dir === 'up' ? 1 : 0);
        out.push({ trainNo, operator: line.operator, kind: line.kind, lineId: line.id, stops });
        i++;
        // Headways vary a little around the base interval; never below 10 minutes.
        t += Math.max(10, Math.round(line.every * (0.8 + r() * 0.4)));
      }
    }
  }
  return out;
}

function reverse(stops: Stop[]): Stop[] {
  const total = stops[stops.length - 1][1];
  const dist = stops[stops.length - 1][2];
  return [...stops].reverse().map(([n, m, km, o]) => [n, total - m, dist - km, o] as Stop);
}

/** Adult general fare between two stops; special class is 1.4× (rounded to 100 won). */
export function fare(kind: TrainKind, km: number, special: boolean): number {
  const general = Math.max(kind.minFare, Math.round((km * kind.rate) / 100) * 100);
  return special ? Math.round((general * 1.4) / 100) * 100 : general;
}

/** `toddler`: Korail's accompanied infant (동반유아, type 3 discount 321); SRT has no such row. */
export type PaxType = 'adult' | 'child' | 'senior' | 'disability1to3' | 'disability4to6' | 'toddler';
/** Discount share per passenger type (sim rule, roughly the operators' published discounts). */
export const DISCOUNT: Record<PaxType, number> = {
  adult: 0,
  child: 0.5,
  senior: 0.3,
  disability1to3: 0.5,
  disability4to6: 0.3,
  // Sim-only: the operator's toddler fare is not in any public source; 75 % off here.
  toddler: 0.75,
};
