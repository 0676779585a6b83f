/**
 * SRT adapter: the SRT app's form-POST JSON API, as public client libraries use it.
 * One instance = one account, one cookie jar, one request pacer.
 */
import { BaseAdapter, type CommonOptions, detectIdType, type HttpAnswer } from './base.ts';
import { asArray, formBody, kstIso, num, parseJson, row, str } from './http.ts';
import { SRT_STATIONS } from './stations.ts';
import {
  type Credentials,
  classesToTry,
  PASSENGER_TYPES,
  type Passengers,
  type PassengerType,
  RailError,
  type RailProvider,
  type RailSession,
  type Reservation,
  type ReservedSeat,
  type ReserveOptions,
  type SearchQuery,
  type SeatClass,
  type StandbyOptions,
  type Station,
  type Train,
  totalPassengers,
  validatePassengers,
} from './types.ts';

export type SrtOptions = CommonOptions & {
  /** The app version in the User-Agent marker `SRT-APP-Android V.<appVersion>` (default 2.0.41). */
  appVersion?: string;
  /** Most search pages to read per call (default 20). */
  maxPages?: number;
};

export const SRT_DEFAULTS = {
  baseUrl: 'https://app.srail.or.kr:443',
  netfunnelUrl: 'https://nf.letskorail.com/ts.wseq',
  appVersion: '2.0.41',
};

const PATHS = {
  main: '/main/main.do',
  login: '/apb/selectListApb01080_n.do',
  logout: '/login/loginOut.do',
  search: '/ara/selectListAra10007_n.do',
  reserve: '/arc/selectListArc05013_n.do',
  standbyOptions: '/ata/selectListAta01135_n.do',
  reservations: '/atc/selectListAtc14016_n.do',
  ticket: '/ard/selectListArd02019_n.do',
  cancel: '/ard/selectListArd02045_n.do',
};

/** SRT passenger type codes (psgTpCd). */
const PSG_CODE: Record<Exclude<PassengerType, 'toddler'>, string> = {
  adult: '1',
  disability1to3: '2',
  disability4to6: '3',
  senior: '4',
  child: '5',
};
const PSG_FROM_DCNT: Record<string, string> = {
  '000': 'adult',
  '201': 'child',
  '204': 'senior',
  '205': 'disability1to3',
  '206': 'disability4to6',
};

const LOC_SEAT = { any: '000', window: '012', aisle: '013' } as const;

type SrtResult = { ok: boolean; code: string; message: string; data: Record<string, unknown> };

export class SrtProvider extends BaseAdapter implements RailProvider {
  readonly name = 'srt' as const;
  private readonly base: string;
  private readonly ua: string;

  constructor(private readonly options: SrtOptions = {}) {
    super('srt', options, options.netfunnelUrl ?? SRT_DEFAULTS.netfunnelUrl);
    this.base = (options.baseUrl ?? SRT_DEFAULTS.baseUrl).replace(/\/$/, '');
    this.ua =
      options.userAgent ??
      `Mozilla/5.0 (Linux; Android 14; SM-S912N Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/136.0.0.0 Mobile Safari/537.36SRT-APP-Android V.${options.appVersion ?? SRT_DEFAULTS.appVersion}`;
  }

  protected userAgent(): string {
    return this.ua;
  }

  protected extraHeaders(): Record<string, string> {
    return { Accept: 'application/json' };
  }

  /**
   * The app loads NetFunnel's script from its WebView: the page is the referer and Android's
   * WebView names the app package in `X-Requested-With`; the fetch is a cross-site script.
   */
  protected override netfunnelHeaders(): Record<string, string> {
    return {
      Accept: '*/*',
      Referer: `${this.base}/`,
      'X-Requested-With': 'kr.co.srail.newapp',
      'Sec-Fetch-Site': 'cross-site',
      'Sec-Fetch-Mode': 'no-cors',
      'Sec-Fetch-Dest': 'script',
    };
  }

  protected blockSignal(a: HttpAnswer): RailError | undefined {
    if (/IP Address Blocked/i.test(a.text) || a.status === 403 || a.status === 429)
      return new RailError(
        'blocked',
        'srt',
        'SRT has blocked this IP address for abnormal access. Stop all automation and wait; there is no workaround.',
        {
          code: a.status === 200 ? 'IP-BLOCKED' : String(a.status),
          operatorMessage: a.text.trim().slice(0, 200),
        },
      );
    return undefined;
  }

  protected async loadStations(): Promise<Station[]> {
    return SRT_STATIONS;
  }

  private stationByCode(code: string, fallbackName?: string): Station {
    const list = this.options.stations ?? SRT_STATIONS;
    return list.find((s) => s.code === code) ?? { name: fallbackName || code, code };
  }

  private async post(path: string, fields: Record<string, string | number | undefined>, headers = {}) {
    const a = await this.http('POST', this.base + path, { form: formBody(fields), headers });
    const data = parseJson(a.text);
    if (!data)
      throw new RailError('operator', 'srt', `SRT answered ${a.status} with something that is not JSON`, {
        code: String(a.status),
        operatorMessage: a.text.trim().slice(0, 200),
      });
    return data;
  }

  private result(data: Record<string, unknown>): SrtResult {
    if ('ErrorCode' in data && !('resultMap' in data)) {
      return { ok: false, code: str(data.ErrorCode), message: str(data.ErrorMsg), data };
    }
    const r = row(asArray(data.resultMap)[0]);
    return { ok: r.strResult === 'SUCC', code: r.msgCd ?? '', message: r.msgTxt ?? '', data };
  }

  /** Maps a failed answer to a typed error. */
  private failure(r: SrtResult, what: string): RailError {
    const extra = { code: r.code || undefined, operatorMessage: r.message || undefined };
    const m = r.message;
    if (r.code === 'S111' || m.includes('로그인 후 사용'))
      return new RailError('not-logged-in', 'srt', 'the SRT session has expired', extra);
    if (r.code === 'NET000001' || m.includes('정상적인 경로로 접근'))
      return new RailError('netfunnel-stale', 'srt', 'SRT refused the NetFunnel key', extra);
    if (m.includes('잔여석없음') || m.includes('매진') || m.includes('예약대기자한도수초과'))
      return new RailError('sold-out', 'srt', `${what}: no seat left`, extra);
    return new RailError('operator', 'srt', `${what}: ${m || r.code || 'refused'}`, extra);
  }

  /** Calls with a NetFunnel key; a key the server calls stale is replaced once. */
  private async withKey(aid: string, fn: (key: string) => Promise<SrtResult>): Promise<SrtResult> {
    let r = await fn(await this.netfunnel.key(aid));
    if (!r.ok && this.failure(r, '').kind === 'netfunnel-stale') {
      this.netfunnel.invalidate(aid);
      r = await fn(await this.netfunnel.key(aid));
      if (!r.ok && this.failure(r, '').kind === 'netfunnel-stale')
        throw new RailError(
          'netfunnel-stale',
          'srt',
          'SRT refused a fresh NetFunnel key too; try again later',
          {
            code: r.code,
            operatorMessage: r.message,
          },
        );
    }
    return r;
  }

  protected async doLogin(credentials: Credentials): Promise<RailSession> {
    const type = credentials.idType ?? detectIdType(credentials.id);
    const id = type === 'phone' ? credentials.id.replaceAll('-', '') : credentials.id;
    const data = await this.post(
      PATHS.login,
      {
        auto: 'Y',
        check: 'Y',
        page: 'menu',
        deviceKey: '-',
        customerYn: '',
        login_referer: this.base + PATHS.main,
        srchDvCd: type === 'membership' ? '1' : type === 'email' ? '2' : '3',
        srchDvNm: id,
        hmpgPwdCphd: credentials.password,
      },
      { Referer: this.base + PATHS.main },
    );
    const msg = str(data.MSG);
    const user = row(data.userMap);
    if (str(data.strResult) === 'FAIL' || str(data.RTNCD) === 'N' || !user.MB_CRD_NO) {
      const bad = msg.includes('존재하지않는 회원') || msg.includes('비밀번호 오류');
      throw new RailError(
        bad ? 'bad-credentials' : 'operator',
        'srt',
        bad ? 'SRT refused the id or password' : `SRT login failed: ${msg || 'no reason given'}`,
        { operatorMessage: msg || undefined },
      );
    }
    return {
      provider: 'srt',
      memberNo: user.MB_CRD_NO,
      name: user.CUST_NM ?? '',
      phone: user.MBL_PHONE || undefined,
    };
  }

  async logout(): Promise<void> {
    if (this.currentSession && !this.stoppedBy)
      await this.http('POST', this.base + PATHS.logout, { form: '' });
    this.currentSession = undefined;
    this.credentials = undefined;
    this.jar.clear();
  }

  async search(q: SearchQuery): Promise<Train[]> {
    const from = await this.findStation(q.from);
    const to = await this.findStation(q.to);
    if (!/^\d{8}$/.test(q.date)) throw new RailError('invalid-request', 'srt', 'date must be YYYYMMDD');
    const startTime = q.time ?? '000000';
    if (!/^\d{6}$/.test(startTime)) throw new RailError('invalid-request', 'srt', 'time must be HHmmss');
    if (q.until !== undefined && !/^\d{6}$/.test(q.until))
      throw new RailError('invalid-request', 'srt', 'until must be HHmmss');
    const passengers = q.passengers ?? { adult: 1 };
    if (q.trainTypes && !q.trainTypes.includes('SRT')) return [];

    const trains: Train[] = [];
    const seen = new Set<string>();
    let time = startTime;
    const maxPages = this.options.maxPages ?? 20;
    for (let page = 0; page < maxPages; page++) {
      const r = await this.withKey('act_10', async (key) =>
        this.result(
          await this.post(PATHS.search, {
            chtnDvCd: '1',
            arriveTime: 'N',
            seatAttCd: '015',
            psgNum: totalPassengers(passengers),
            trnGpCd: '109',
            stlbTrnClsfCd: '05',
            dptDt: q.date,
            dptTm: time,
            arvRsStnCd: to.code,
            dptRsStnCd: from.code,
            netfunnelKey: key,
          }),
        ),
      );
      if (!r.ok) {
        const err = this.failure(r, 'search');
        if (err.kind !== 'operator') throw err;
        if (
          page > 0 ||
          r.code === 'WRG000000' ||
          r.message.includes('조회') ||
          r.message.includes('없습니다')
        )
          break;
        throw err;
      }
      const sets = (r.data.outDataSets ?? {}) as Record<string, unknown>;
      const rows = asArray(sets.dsOutput1).map(row);
      let added = 0;
      for (const x of rows) {
        const id = `${x.dptDt}-${x.trnNo}`;
        if (seen.has(id) || x.dptDt !== q.date) continue;
        seen.add(id);
        added++;
        if (x.stlbTrnClsfCd === '17') trains.push(this.toTrain(x));
      }
      const more = str(row(asArray(sets.dsOutput0)[0]).fllwPgExt);
      const last = rows.at(-1);
      if (!added || !last || more === 'N' || last.dptDt !== q.date) break;
      // The next page starts at this row's departure: nothing the caller wants lies there.
      if (q.until && last.dptTm > q.until) break;
      if (q.stopAt && rows.some((x) => String(Number(x.trnNo) || x.trnNo) === q.stopAt)) break;
      time = last.dptTm;
    }
    return trains;
  }

  private toTrain(x: Record<string, string>): Train {
    const avail = (label: string) =>
      label.includes('예약가능') ? 'available' : label === '' || label === '-' ? 'absent' : 'sold-out';
    const price = num(x.rcvdAmt);
    return {
      provider: 'srt',
      trainNo: String(Number(x.trnNo) || x.trnNo),
      type: 'SRT',
      group: 'SRT',
      date: x.dptDt,
      from: this.stationByCode(x.dptRsStnCd, x.dptRsStnNm),
      to: this.stationByCode(x.arvRsStnCd, x.arvRsStnNm),
      departure: x.dptTm,
      arrival: x.arvTm,
      arrivalDate: x.arvDt || x.dptDt,
      general: avail(x.gnrmRsvPsbStr ?? ''),
      special: avail(x.sprmRsvPsbStr ?? ''),
      standby: (x.rsvWaitPsbCd ?? '').trim() === '9',
      price: price > 0 ? price : undefined,
      raw: x,
    };
  }

  private passengerFields(p: Passengers, seatClass: SeatClass, position: ReserveOptions['seatPosition']) {
    const fields: Record<string, string> = {};
    let i = 0;
    for (const t of PASSENGER_TYPES) {
      const n = p[t] ?? 0;
      // validatePassengers refused a toddler already: SRT has no such ticket.
      if (!n || t === 'toddler') continue;
      i++;
      fields[`psgTpCd${i}`] = PSG_CODE[t];
      fields[`psgInfoPerPrnb${i}`] = String(n);
      fields[`psrmClCd${i}`] = seatClass === 'special' ? '2' : '1';
      fields[`locSeatAttCd${i}`] = LOC_SEAT[position ?? 'any'];
      fields[`rqSeatAttCd${i}`] = '015';
      fields[`dirSeatAttCd${i}`] = '009';
      fields[`smkSeatAttCd${i}`] = '000';
      fields[`etcSeatAttCd${i}`] = '000';
    }
    fields.psgGridcnt = String(i);
    fields.totPrnb = String(totalPassengers(p));
    return fields;
  }

  private trainFields(train: Train): Record<string, string> {
    const x = train.raw;
    return {
      jrnyCnt: '1',
      jrnyTpCd: '11',
      jrnySqno1: '001',
      stndFlg: 'N',
      trnGpCd1: '300',
      trnGpCd: '109',
      grpDv: '0',
      rtnDv: '0',
      stlbTrnClsfCd1: x.stlbTrnClsfCd,
      dptRsStnCd1: x.dptRsStnCd,
      dptRsStnCdNm1: train.from.name,
      arvRsStnCd1: x.arvRsStnCd,
      arvRsStnCdNm1: train.to.name,
      dptDt1: x.dptDt,
      dptTm1: x.dptTm,
      arvTm1: x.arvTm,
      trnNo1: x.trnNo.padStart(5, '0'),
      runDt1: x.runDt,
      dptStnConsOrdr1: x.dptStnConsOrdr,
      arvStnConsOrdr1: x.arvStnConsOrdr,
      dptStnRunOrdr1: x.dptStnRunOrdr,
      arvStnRunOrdr1: x.arvStnRunOrdr,
    };
  }

  private async submit(
    train: Train,
    passengers: Passengers,
    seatClass: SeatClass,
    opts: { standby: boolean; position?: ReserveOptions['seatPosition']; phone?: string },
  ): Promise<string> {
    const r = await this.withSession(async () => {
      const answer = await this.withKey('act_19', async (key) =>
        this.result(
          await this.post(PATHS.reserve, {
            jobId: opts.standby ? '1102' : '1101',
            reserveType: opts.standby ? undefined : '11',
            ...this.trainFields(train),
            ...this.passengerFields(passengers, seatClass, opts.position),
            mblPhone: opts.standby ? (opts.phone ?? this.currentSession?.phone ?? '') : undefined,
            netfunnelKey: key,
          }),
        ),
      );
      if (!answer.ok) throw this.failure(answer, opts.standby ? 'standby' : 'reserve');
      return answer;
    });
    const pnr = str(row(asArray(r.data.reservListMap)[0]).pnrNo);
    if (!pnr)
      throw new RailError('operator', 'srt', 'SRT accepted the request but sent no reservation number');
    return pnr;
  }

  async reserve(train: Train, options: ReserveOptions): Promise<Reservation> {
    validatePassengers('srt', options.passengers);
    const classes = classesToTry(
      train,
      options.seatPolicy ?? 'general-first',
      totalPassengers(options.passengers),
    );
    if (!classes.length)
      throw new RailError('sold-out', 'srt', `train ${train.trainNo} has no seat for that class policy`);
    let lastErr: RailError | undefined;
    for (const seatClass of classes) {
      try {
        const pnr = await this.submit(train, options.passengers, seatClass, {
          standby: false,
          position: options.seatPosition,
        });
        return await this.reservationById(pnr, true);
      } catch (err) {
        // Only a clean "no seat" refusal moves on to the other class; anything else stops.
        if (!(err instanceof RailError) || err.kind !== 'sold-out') throw err;
        lastErr = err;
      }
    }
    throw lastErr!;
  }

  async requestStandby(train: Train, options: StandbyOptions): Promise<Reservation> {
    validatePassengers('srt', options.passengers);
    if (!train.standby)
      throw new RailError('sold-out', 'srt', `train ${train.trainNo} takes no standby requests now`);
    const policy = options.seatPolicy ?? 'general-first';
    const seatClass: SeatClass = policy.startsWith('special') ? 'special' : 'general';
    const pnr = await this.submit(train, options.passengers, seatClass, {
      standby: true,
      phone: options.phone,
    });
    const phone = (options.phone ?? this.currentSession?.phone ?? '').replaceAll('-', '');
    await this.withSession(async () => {
      const r = this.result(
        await this.post(PATHS.standbyOptions, {
          pnrNo: pnr,
          psrmClChgFlg: policy.endsWith('-first') ? 'Y' : 'N',
          smsSndFlg: options.sms && phone ? 'Y' : 'N',
          telNo: options.sms ? phone : '',
        }),
      );
      if (!r.ok && r.code) throw this.failure(r, 'standby options');
    });
    return this.reservationById(pnr, false);
  }

  private async reservationById(pnr: string, withSeats: boolean): Promise<Reservation> {
    const all = await this.listReservations();
    const found = all.find((x) => x.id === pnr);
    if (!found) throw new RailError('operator', 'srt', `reservation ${pnr} is not in the reservation list`);
    if (withSeats && !found.standby) found.seats = await this.seats(pnr);
    if (found.seats.length) found.seatClass = found.seats[0].seatClass;
    return found;
  }

  async seats(pnr: string): Promise<ReservedSeat[]> {
    return this.withSession(async () => {
      const r = this.result(await this.post(PATHS.ticket, { pnrNo: pnr, jrnySqno: '1' }));
      if (!r.ok) throw this.failure(r, 'ticket detail');
      return asArray(r.data.trainListMap)
        .map(row)
        .filter((t) => t.seatNo)
        .map((t) => ({
          car: t.scarNo,
          seat: t.seatNo,
          seatClass: t.psrmClCd === '2' ? ('special' as const) : ('general' as const),
          passengerType: PSG_FROM_DCNT[t.dcntKndCd] ?? t.dcntKndCd,
          // `stdrPrc` is the standard fare and `dcntPrc` the discount off it; `rcvdAmt` is paid.
          price: num(t.rcvdAmt) || Math.max(0, num(t.stdrPrc) - num(t.dcntPrc)),
          standardPrice: t.stdrPrc ? num(t.stdrPrc) : undefined,
          discount: t.dcntPrc ? num(t.dcntPrc) : undefined,
        }));
    });
  }

  async listReservations(): Promise<Reservation[]> {
    return this.withSession(async () => {
      const r = this.result(await this.post(PATHS.reservations, { pageNo: '0' }));
      if (!r.ok) {
        const err = this.failure(r, 'reservation list');
        if (err.kind !== 'operator') throw err;
        return [];
      }
      const trains = asArray(r.data.trainListMap).map(row);
      const pays = asArray(r.data.payListMap).map(row);
      return trains.map((t, i) => {
        const p = pays[i] ?? {};
        const paid = p.stlFlg === 'Y';
        const deadline = kstIso(p.iseLmtDt ?? '', p.iseLmtTm ?? '');
        const standby = !paid && !deadline;
        return {
          provider: 'srt' as const,
          id: t.pnrNo,
          trainNo: String(Number(p.trnNo) || p.trnNo),
          type: 'SRT',
          date: p.dptDt,
          from: this.stationByCode(p.dptRsStnCd),
          to: this.stationByCode(p.arvRsStnCd),
          departure: p.dptTm,
          arrival: p.arvTm,
          seatCount: num(t.tkSpecNum || t.seatNum),
          seats: [],
          totalPrice: num(t.rcvdAmt),
          paymentDeadline: paid ? undefined : deadline,
          paid,
          standby,
          raw: { train: t, pay: p },
        };
      });
    });
  }

  async cancel(reservation: Reservation | string): Promise<void> {
    const pnr = typeof reservation === 'string' ? reservation : reservation.id;
    await this.withSession(async () => {
      const r = this.result(await this.post(PATHS.cancel, { pnrNo: pnr, jrnyCnt: '1', rsvChgTno: '0' }));
      if (!r.ok && r.code !== 'ERR800052') throw this.failure(r, 'cancel');
    });
  }
}
