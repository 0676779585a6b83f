/**
 * Korail adapter: the 코레일톡 app's `/classes/com.korail.mobile.*` API, as public client libraries use it.
 * One instance = one account, one cookie jar, one request pacer.
 *
 * It does not produce the app's anti-automation tokens (DynaPath `x-dynapath-m-token`, `Sid`).
 * When Korail insists on them (HTTP 403 / -2000, or `MACRO ERROR` outside login) the adapter stops
 * with a `blocked` error: that is the operator saying no, and we tell the user rather than work
 * around it. `MACRO ERROR` answering a login is Korail refusing logins from anything but its app
 * (`login-refused`): this login fails, and nothing says the address is blocked.
 */
import { createCipheriv } from 'node:crypto';
import { BaseAdapter, type CommonOptions, detectIdType, type HttpAnswer } from './base.ts';
import { asArray, formBody, kstIso, num, parseJson, row, str } from './http.ts';
import { KORAIL_STATION_NAMES } from './stations.ts';
import {
  type Credentials,
  classesToTry,
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
  type TrainGroup,
  totalPassengers,
  validatePassengers,
} from './types.ts';

export type KorailOptions = CommonOptions & {
  /** The API `Version` constant inside the app (not the app's version), default 250601003. */
  version?: string;
  /** `Device` field: AD (Android) or IP (iOS). */
  device?: string;
  /** The static `Key` field. */
  key?: string;
  /** Go through the NetFunnel queue before search, reserve and list, as the app does (default true). */
  netfunnel?: boolean;
  maxPages?: number;
};

/** What the user reads when Korail refuses a login that does not come from its app. */
export const KORAIL_LOGIN_REFUSED =
  'Korail refuses this login: it accepts logins from its own app only (MACRO ERROR). yeyak does not imitate the app, so it cannot sign in to Korail with this account; other watches go on.';

export const KORAIL_DEFAULTS = {
  baseUrl: 'https://smart.letskorail.com:443',
  netfunnelUrl: 'https://nf.letskorail.com/ts.wseq',
  version: '250601003',
  device: 'AD',
  key: 'korail1234567890',
  userAgent: 'Dalvik/2.1.0 (Linux; U; Android 14; SM-S912N Build/UP1A.231005.007)',
};

const SVC = '/classes/com.korail.mobile.';

/** Korail passenger rows: type code and discount code. */
const PSG: Record<PassengerType, { tp: string; disc: string }> = {
  adult: { tp: '1', disc: '000' },
  child: { tp: '3', disc: '000' },
  senior: { tp: '1', disc: '131' },
  disability1to3: { tp: '1', disc: '111' },
  disability4to6: { tp: '1', disc: '112' },
  // 동반유아, as korail2 sends it (its ToddlerPassenger).
  toddler: { tp: '3', disc: '321' },
};
const PSG_ORDER: PassengerType[] = [
  'adult',
  'child',
  'toddler',
  'senior',
  'disability1to3',
  'disability4to6',
];

const SOLD_OUT_CODES = new Set(['ERR211161', 'IRT010110', 'WRI411345', 'ERR911081', 'WRT800176']);
const NO_RESULT_CODES = new Set(['P100', 'WRG000000', 'WRD000061', 'WRT300005', 'P114']);

/** Korail train group codes (selGoTrain / txtTrnGpCd). */
const GROUP_CODE: Partial<Record<TrainGroup, string>> = { KTX: '100' };

/**
 * Seats left per class from `h_std_rest_seat_cnt` / `h_fst_rest_seat_cnt`, for classes marked
 * available (`11`). A missing or non-numeric count stays unknown.
 */
export function seatsLeft(x: Record<string, string>): Train['seatsLeft'] {
  const out: NonNullable<Train['seatsLeft']> = {};
  const count = (v: string | undefined) => (v !== undefined && /^\s*\d+\s*$/.test(v) ? Number(v) : undefined);
  const general = x.h_gen_rsv_cd === '11' ? count(x.h_std_rest_seat_cnt) : undefined;
  const special = x.h_spe_rsv_cd === '11' ? count(x.h_fst_rest_seat_cnt) : undefined;
  if (general !== undefined) out.general = general;
  if (special !== undefined) out.special = special;
  return Object.keys(out).length ? out : undefined;
}

function korailGroup(clsfCd: string, clsfNm: string): TrainGroup {
  const n = clsfNm.replace(/\s/g, '');
  if (n.startsWith('KTX') || ['00', '07', '10'].includes(clsfCd)) return 'KTX';
  if (n.startsWith('SRT') || clsfCd === '17') return 'SRT';
  if (n.startsWith('ITX') || ['08', '09', '18'].includes(clsfCd)) return 'ITX';
  if (n.includes('새마을') || clsfCd === '01') return 'saemaeul';
  if (n.includes('무궁화') || n.includes('누리로') || ['02', '04'].includes(clsfCd)) return 'mugunghwa';
  return 'other';
}

/** base64(base64(AES-CBC-PKCS7(password, key, iv = key[0..16]))), as the login form expects. */
function encryptKorailPassword(password: string, key: string): string {
  const k = Buffer.from(key, 'utf8');
  const algo = k.length >= 32 ? 'aes-256-cbc' : k.length >= 24 ? 'aes-192-cbc' : 'aes-128-cbc';
  const size = algo === 'aes-256-cbc' ? 32 : algo === 'aes-192-cbc' ? 24 : 16;
  const cipher = createCipheriv(algo, k.subarray(0, size), k.subarray(0, 16));
  const once = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]).toString('base64');
  return Buffer.from(once, 'utf8').toString('base64');
}

type KResult = { ok: boolean; code: string; message: string; data: Record<string, unknown> };

export class KorailProvider extends BaseAdapter implements RailProvider {
  readonly name = 'korail' as const;
  private readonly base: string;

  constructor(private readonly options: KorailOptions = {}) {
    super('korail', options, options.netfunnelUrl ?? KORAIL_DEFAULTS.netfunnelUrl);
    this.base = (options.baseUrl ?? KORAIL_DEFAULTS.baseUrl).replace(/\/$/, '');
  }

  protected userAgent(): string {
    return this.options.userAgent ?? KORAIL_DEFAULTS.userAgent;
  }

  protected extraHeaders(): Record<string, string> {
    return {};
  }

  protected blockSignal(a: HttpAnswer): RailError | undefined {
    const dyna = Number(a.headers.get('dynapath-result') ?? '0');
    const body = parseJson(a.text);
    // The app-form refusal (a JSON FAIL with h_msg_cd MACRO ERROR) is read by the call: at login it
    // is a refused login, not a block. Anything else saying MACRO ERROR is the anti-macro block.
    const macro = /MACRO ERROR/i.test(a.text) && str(body?.h_msg_cd) !== 'MACRO ERROR';
    if (a.status === 403 || a.status === 429 || dyna < 0 || macro || str(body?.code) === '-2000') {
      return new RailError(
        'blocked',
        'korail',
        macro || dyna < 0 || a.status === 403
          ? "Korail refused this client as automation (anti-macro check). Stop; yeyak does not work around the operator's anti-automation measures."
          : 'Korail is refusing requests from this address. Stop all automation and wait.',
        {
          code: macro ? 'MACRO ERROR' : str(body?.code) || String(a.status),
          operatorMessage: str(body?.message ?? body?.h_msg_txt) || a.text.trim().slice(0, 200) || undefined,
        },
      );
    }
    return undefined;
  }

  private commonFields(withKey: boolean): Record<string, string> {
    return {
      Device: this.options.device ?? KORAIL_DEFAULTS.device,
      Version: this.options.version ?? KORAIL_DEFAULTS.version,
      ...(withKey ? { Key: this.options.key ?? KORAIL_DEFAULTS.key } : {}),
    };
  }

  private async call(
    method: 'GET' | 'POST',
    service: string,
    fields: Record<string, string | number | undefined>,
  ): Promise<KResult> {
    const url = this.base + SVC + service;
    const body = formBody(fields);
    const a =
      method === 'GET'
        ? await this.http('GET', body ? `${url}?${body}` : url)
        : await this.http('POST', url, { form: body });
    const data = parseJson(a.text);
    if (!data)
      throw new RailError(
        'operator',
        'korail',
        `Korail answered ${a.status} with something that is not JSON`,
        {
          code: String(a.status),
          operatorMessage: a.text.trim().slice(0, 200),
        },
      );
    const code = str(data.h_msg_cd);
    if (code === 'MACRO ERROR' && service !== 'login.Login')
      throw this.stop(
        new RailError(
          'blocked',
          'korail',
          "Korail refused this client as automation (anti-macro check). Stop; yeyak does not work around the operator's anti-automation measures.",
          { code, operatorMessage: str(data.h_msg_txt) || undefined },
        ),
      );
    return { ok: str(data.strResult) === 'SUCC', code, message: str(data.h_msg_txt), data };
  }

  private failure(r: KResult, what: string): RailError {
    const extra = { code: r.code || undefined, operatorMessage: r.message || undefined };
    if (r.code === 'P058')
      return new RailError('not-logged-in', 'korail', 'the Korail session has expired', extra);
    if (SOLD_OUT_CODES.has(r.code) || r.message.includes('잔여석'))
      return new RailError('sold-out', 'korail', `${what}: no seat left`, extra);
    if (r.code === 'SUPDATE')
      return new RailError(
        'operator',
        'korail',
        'Korail refuses this client version; the Version constant needs updating',
        extra,
      );
    return new RailError('operator', 'korail', `${what}: ${r.message || r.code || 'refused'}`, extra);
  }

  private gated<T>(aid: string, fn: () => Promise<T>): Promise<T> {
    return this.options.netfunnel === false ? fn() : this.netfunnel.gate(aid, fn);
  }

  protected async loadStations(): Promise<Station[]> {
    try {
      const r = await this.call('GET', 'common.stationdata', {});
      const list = asArray((r.data.stns as Record<string, unknown> | undefined)?.stn)
        .map(row)
        .filter((s) => s.stn_nm)
        .map((s) => ({ name: s.stn_nm, code: s.stn_cd || undefined }));
      if (list.length) return list;
    } catch (err) {
      if (err instanceof RailError && err.kind === 'blocked') throw err;
    }
    return KORAIL_STATION_NAMES.map((name) => ({ name }));
  }

  protected async doLogin(credentials: Credentials): Promise<RailSession> {
    const type = credentials.idType ?? detectIdType(credentials.id);
    let id = credentials.id;
    if (type === 'phone' && !id.includes('-')) id = id.replace(/^(\d{3})(\d{3,4})(\d{4})$/, '$1-$2-$3');
    const codeAnswer = await this.call('POST', 'common.code.do', { code: 'app.login.cphd' });
    const cphd = row(codeAnswer.data['app.login.cphd']);
    if (!codeAnswer.ok || !cphd.key)
      throw new RailError('operator', 'korail', 'Korail sent no login encryption key', {
        code: codeAnswer.code || undefined,
        operatorMessage: codeAnswer.message || undefined,
      });
    const r = await this.call('POST', 'login.Login', {
      ...this.commonFields(false),
      txtInputFlg: type === 'membership' ? '2' : type === 'phone' ? '4' : '5',
      txtMemberNo: id,
      txtPwd: encryptKorailPassword(credentials.password, cphd.key),
      idx: cphd.idx,
    });
    if (!r.ok) {
      if (r.code === 'MACRO ERROR')
        throw new RailError('login-refused', 'korail', KORAIL_LOGIN_REFUSED, {
          code: r.code,
          operatorMessage: r.message || undefined,
        });
      const generic = this.failure(r, 'login');
      if (r.code === 'SUPDATE' || r.code === 'S003') throw generic;
      throw new RailError('bad-credentials', 'korail', 'Korail refused the id or password', {
        code: r.code || undefined,
        operatorMessage: r.message || undefined,
      });
    }
    const d = row(r.data);
    return {
      provider: 'korail',
      memberNo: d.strMbCrdNo,
      name: d.strCustNm ?? '',
      phone: d.strCpNo || undefined,
      email: d.strEmailAdr || undefined,
    };
  }

  async logout(): Promise<void> {
    if (this.currentSession && !this.stoppedBy) await this.http('GET', `${this.base}${SVC}common.logout`);
    this.currentSession = undefined;
    this.credentials = undefined;
    this.jar.clear();
  }

  async search(q: SearchQuery): Promise<Train[]> {
    const from = await this.findStation(q.from);
    const to = await this.findStation(q.to);
    if (!/^\d{8}$/.test(q.date)) throw new RailError('invalid-request', 'korail', 'date must be YYYYMMDD');
    const startTime = q.time ?? '000000';
    if (!/^\d{6}$/.test(startTime)) throw new RailError('invalid-request', 'korail', 'time must be HHmmss');
    if (q.until !== undefined && !/^\d{6}$/.test(q.until))
      throw new RailError('invalid-request', 'korail', 'until must be HHmmss');
    const p = q.passengers ?? { adult: 1 };
    const wanted: TrainGroup[] | undefined = q.trainTypes?.filter((t) => t !== 'SRT');
    if (wanted && !wanted.length) return [];
    const group = wanted && wanted.length === 1 ? (GROUP_CODE[wanted[0]] ?? '109') : '109';

    const trains: Train[] = [];
    const seen = new Set<string>();
    let time = startTime;
    const maxPages = this.options.maxPages ?? 20;
    for (let page = 0; page < maxPages; page++) {
      const r = await this.gated('act_8', () =>
        this.call('POST', 'seatMovie.ScheduleView', {
          ...this.commonFields(false),
          radJobId: '1',
          selGoTrain: group,
          txtTrnGpCd: group,
          txtGoStart: from.name,
          txtGoEnd: to.name,
          txtGoAbrdDt: q.date,
          txtGoHour: time,
          txtMenuId: '11',
          txtPsgFlg_1: (p.adult ?? 0) || (totalPassengers(p) ? 0 : 1),
          txtPsgFlg_2: p.child ?? 0,
          txtPsgFlg_3: p.senior ?? 0,
          txtPsgFlg_4: p.disability1to3 ?? 0,
          txtPsgFlg_5: p.disability4to6 ?? 0,
          // Public clients send flag 8 between the child and senior ones (letskorail's order 1, 2, 8,
          // 3, 4, 5); we read it as the toddler count, which no public source states outright.
          txtPsgFlg_8: p.toddler ?? 0,
          txtSeatAttCd_2: '000',
          txtSeatAttCd_3: '000',
          txtSeatAttCd_4: '015',
          txtCardPsgCnt: '0',
          txtGdNo: '',
          srtCheckYn: 'N',
          ebizCrossCheck: 'N',
          rtYn: 'N',
          adjStnScdlOfrFlg: 'N',
        }),
      );
      if (!r.ok) {
        if (NO_RESULT_CODES.has(r.code)) break;
        const err = this.failure(r, 'search');
        if (page > 0 && err.kind === 'operator') break;
        throw err;
      }
      const rows = asArray((r.data.trn_infos as Record<string, unknown> | undefined)?.trn_info).map(row);
      let added = 0;
      for (const x of rows) {
        const id = `${x.h_dpt_dt}-${x.h_trn_no}`;
        if (seen.has(id) || x.h_dpt_dt !== q.date) continue;
        seen.add(id);
        added++;
        const t = this.toTrain(x);
        if (!wanted || wanted.includes(t.group)) trains.push(t);
      }
      const last = rows.at(-1);
      if (!added || !last || str(r.data.h_next_pg_flg) === 'N' || last.h_dpt_dt !== q.date) break;
      // The next page starts at this row's departure: nothing the caller wants lies there.
      if (q.until && last.h_dpt_tm > q.until) break;
      if (q.stopAt && rows.some((x) => String(Number(x.h_trn_no) || x.h_trn_no) === q.stopAt)) break;
      time = last.h_dpt_tm;
    }
    return trains;
  }

  private toTrain(x: Record<string, string>): Train {
    const avail = (cd: string) => (cd === '11' ? 'available' : cd === '13' ? 'sold-out' : 'absent');
    return {
      provider: 'korail',
      trainNo: String(Number(x.h_trn_no) || x.h_trn_no),
      type: x.h_trn_clsf_nm || x.h_trn_clsf_cd,
      group: korailGroup(x.h_trn_clsf_cd, x.h_trn_clsf_nm ?? ''),
      date: x.h_dpt_dt,
      from: { name: x.h_dpt_rs_stn_nm, code: x.h_dpt_rs_stn_cd },
      to: { name: x.h_arv_rs_stn_nm, code: x.h_arv_rs_stn_cd },
      departure: x.h_dpt_tm,
      arrival: x.h_arv_tm,
      arrivalDate: x.h_arv_dt || x.h_dpt_dt,
      general: avail(x.h_gen_rsv_cd),
      special: avail(x.h_spe_rsv_cd),
      standby: (x.h_wait_rsv_flg ?? '').trim() === '9',
      price: num(x.h_rcvd_amt) || undefined,
      seatsLeft: seatsLeft(x),
      raw: x,
    };
  }

  private reserveFields(
    train: Train,
    p: Passengers,
    seatClass: SeatClass,
    jobId: '1101' | '1102',
    position: ReserveOptions['seatPosition'],
    direction: ReserveOptions['seatDirection'] = 'any',
  ): Record<string, string> {
    const x = train.raw;
    const f: Record<string, string> = {
      ...this.commonFields(true),
      txtMenuId: '11',
      txtJobId: jobId,
      txtGdNo: '',
      hidFreeFlg: 'N',
      txtStndFlg: 'N',
      txtTotPsgCnt: String(totalPassengers(p)),
      txtSeatAttCd1: '000',
      txtSeatAttCd2: direction === 'forward' ? '009' : direction === 'backward' ? '010' : '000',
      txtSeatAttCd3: position === 'window' ? '012' : position === 'aisle' ? '013' : '000',
      txtSeatAttCd4: '015',
      txtSeatAttCd5: '000',
      txtSrcarCnt: '0',
      txtJrnyCnt: '1',
      txtJrnySqno1: '001',
      txtJrnyTpCd1: '11',
      txtDptDt1: x.h_dpt_dt,
      txtDptRsStnCd1: x.h_dpt_rs_stn_cd,
      txtDptTm1: x.h_dpt_tm,
      txtArvRsStnCd1: x.h_arv_rs_stn_cd,
      txtTrnNo1: x.h_trn_no,
      txtRunDt1: x.h_run_dt,
      txtTrnClsfCd1: x.h_trn_clsf_cd,
      txtTrnGpCd1: x.h_trn_gp_cd,
      txtPsrmClCd1: seatClass === 'special' ? '2' : '1',
      txtChgFlg1: '',
      txtJrnySqno2: '',
      txtJrnyTpCd2: '',
      txtDptDt2: '',
      txtDptRsStnCd2: '',
      txtDptTm2: '',
      txtArvRsStnCd2: '',
      txtTrnNo2: '',
      txtRunDt2: '',
      txtTrnClsfCd2: '',
      txtPsrmClCd2: '',
      txtChgFlg2: '',
    };
    let i = 0;
    for (const t of PSG_ORDER) {
      const n = p[t] ?? 0;
      if (!n) continue;
      i++;
      f[`txtPsgTpCd${i}`] = PSG[t].tp;
      f[`txtDiscKndCd${i}`] = PSG[t].disc;
      f[`txtCompaCnt${i}`] = String(n);
      f[`txtCardCode_${i}`] = '';
      f[`txtCardNo_${i}`] = '';
      f[`txtCardPw_${i}`] = '';
    }
    return f;
  }

  private async submit(
    train: Train,
    p: Passengers,
    seatClass: SeatClass,
    jobId: '1101' | '1102',
    position?: ReserveOptions['seatPosition'],
    direction?: ReserveOptions['seatDirection'],
  ): Promise<string> {
    return this.withSession(async () => {
      const r = await this.gated('act_14', () =>
        this.call(
          'POST',
          'certification.TicketReservation',
          this.reserveFields(train, p, seatClass, jobId, position, direction),
        ),
      );
      if (!r.ok) throw this.failure(r, jobId === '1102' ? 'standby' : 'reserve');
      const pnr = str(r.data.h_pnr_no);
      if (!pnr)
        throw new RailError(
          'operator',
          'korail',
          'Korail accepted the request but sent no reservation number',
        );
      return pnr;
    });
  }

  async reserve(train: Train, options: ReserveOptions): Promise<Reservation> {
    validatePassengers('korail', options.passengers);
    const classes = classesToTry(
      train,
      options.seatPolicy ?? 'general-first',
      totalPassengers(options.passengers),
    );
    if (!classes.length)
      throw new RailError('sold-out', 'korail', `train ${train.trainNo} has no seat for that class policy`);
    let lastErr: RailError | undefined;
    for (const seatClass of classes) {
      try {
        const pnr = await this.submit(
          train,
          options.passengers,
          seatClass,
          '1101',
          options.seatPosition,
          options.seatDirection,
        );
        return await this.reservationById(pnr, true);
      } catch (err) {
        if (!(err instanceof RailError) || err.kind !== 'sold-out') throw err;
        lastErr = err;
      }
    }
    throw lastErr!;
  }

  async requestStandby(train: Train, options: StandbyOptions): Promise<Reservation> {
    validatePassengers('korail', options.passengers);
    const policy = options.seatPolicy ?? 'general-first';
    if (policy === 'special-only')
      throw new RailError(
        'invalid-request',
        'korail',
        'Korail takes standby requests for general class only',
      );
    if (!train.standby)
      throw new RailError('sold-out', 'korail', `train ${train.trainNo} takes no standby requests now`);
    const pnr = await this.submit(train, options.passengers, 'general', '1102');
    const phone = (options.phone ?? this.currentSession?.phone ?? '').replaceAll('-', '');
    await this.withSession(async () => {
      const r = await this.call('POST', 'reservationWait.ReservationWait', {
        ...this.commonFields(true),
        txtPnrNo: pnr,
        txtPsrmClChgFlg: policy.endsWith('-first') ? 'Y' : 'N',
        txtSmsSndFlg: options.sms && phone ? 'Y' : 'N',
        txtCpNo: phone,
      });
      if (!r.ok) throw this.failure(r, 'standby confirmation');
    });
    return this.reservationById(pnr, false);
  }

  private async reservationById(pnr: string, withSeats: boolean): Promise<Reservation> {
    const found = (await this.listReservations()).find((x) => x.id === pnr);
    if (!found)
      throw new RailError('operator', 'korail', `reservation ${pnr} is not in the reservation list`);
    if (withSeats && !found.standby) {
      found.seats = await this.seats(pnr);
      if (found.seats.length) found.seatClass = found.seats[0].seatClass;
    }
    return found;
  }

  async seats(pnr: string): Promise<ReservedSeat[]> {
    return this.withSession(async () => {
      const r = await this.call('GET', 'certification.ReservationList', {
        ...this.commonFields(true),
        hidPnrNo: pnr,
      });
      if (!r.ok) throw this.failure(r, 'reservation detail');
      const first = asArray((r.data.jrny_infos as Record<string, unknown> | undefined)?.jrny_info)[0] as
        | Record<string, unknown>
        | undefined;
      const seatInfos = asArray((first?.seat_infos as Record<string, unknown> | undefined)?.seat_info).map(
        row,
      );
      return seatInfos.map((s) => ({
        car: s.h_srcar_no,
        seat: s.h_seat_no,
        seatClass: s.h_psrm_cl_nm?.includes('특') ? ('special' as const) : ('general' as const),
        passengerType: s.h_psg_tp_dv_nm || undefined,
        price: num(s.h_rcvd_amt),
        // The app adds `h_seat_prc` and `h_seat_fare` for the seat's whole price; the discount is apart.
        standardPrice: s.h_seat_prc ? num(s.h_seat_prc) + num(s.h_seat_fare) : undefined,
        discount: s.h_dcnt_amt ? num(s.h_dcnt_amt) : undefined,
      }));
    });
  }

  async listReservations(): Promise<Reservation[]> {
    return this.withSession(async () => {
      const r = await this.gated('act_21', () =>
        this.call('GET', 'reservation.ReservationView', this.commonFields(true)),
      );
      if (!r.ok) {
        if (NO_RESULT_CODES.has(r.code)) return [];
        throw this.failure(r, 'reservation list');
      }
      const out: Reservation[] = [];
      for (const j of asArray((r.data.jrny_infos as Record<string, unknown> | undefined)?.jrny_info)) {
        const infos = asArray(
          ((j as Record<string, unknown>).train_infos as Record<string, unknown> | undefined)?.train_info,
        );
        for (const raw of infos) {
          const t = row(raw);
          const standby = t.h_ntisu_lmt_dt === '00000000' || t.h_ntisu_lmt_tm === '235959';
          out.push({
            provider: 'korail',
            id: t.h_pnr_no,
            trainNo: String(Number(t.h_trn_no) || t.h_trn_no),
            type: t.h_trn_clsf_nm || t.h_trn_clsf_cd,
            date: t.h_dpt_dt || t.h_run_dt,
            from: { name: t.h_dpt_rs_stn_nm, code: t.h_dpt_rs_stn_cd },
            to: { name: t.h_arv_rs_stn_nm, code: t.h_arv_rs_stn_cd },
            departure: t.h_dpt_tm,
            arrival: t.h_arv_tm,
            seatCount: num(t.h_tot_seat_cnt),
            seats: [],
            totalPrice: num(t.h_rsv_amt),
            paymentDeadline: standby ? undefined : kstIso(t.h_ntisu_lmt_dt ?? '', t.h_ntisu_lmt_tm ?? ''),
            paid: false,
            standby,
            raw: t,
          });
        }
      }
      return out;
    });
  }

  async cancel(reservation: Reservation | string): Promise<void> {
    let res = typeof reservation === 'string' ? undefined : reservation;
    const pnr = typeof reservation === 'string' ? reservation : reservation.id;
    if (!res) {
      res = (await this.listReservations()).find((x) => x.id === pnr);
      if (!res)
        throw new RailError('operator', 'korail', `reservation ${pnr} is not in the reservation list`);
    }
    const raw = res.raw as Record<string, string>;
    await this.withSession(async () => {
      const r = await this.call('POST', 'reservationCancel.ReservationCancelChk', {
        ...this.commonFields(true),
        txtPnrNo: pnr,
        txtJrnySqno: raw.txtJrnySqno || '0001',
        txtJrnyCnt: raw.txtJrnyCnt || '0001',
        hidRsvChgNo: raw.hidRsvChgNo || '000',
      });
      if (!r.ok) throw this.failure(r, 'cancel');
    });
  }
}
