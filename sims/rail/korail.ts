/** The 코레일톡 app API (host smart.letskorail.com), as far as public client libraries show it. */
import { createDecipheriv, randomBytes } from 'node:crypto';
import { type Answer, type Ctx, json, pad } from './common.ts';
import { STATIONS, stationByName } from './data.ts';
import { addDays, hhmmss, kstDate, kstTime, type Pax, paxCount, type SimUser } from './world.ts';

export const KORAIL_PREFIX = '/classes/com.korail.mobile.';

const fail = (code: string, txt: string, extra: Record<string, unknown> = {}) =>
  json({ strResult: 'FAIL', h_msg_cd: code, h_msg_txt: txt, ...extra });
const succ = (code: string, txt: string, extra: Record<string, unknown> = {}) =>
  json({ strResult: 'SUCC', h_msg_cd: code, h_msg_txt: txt, ...extra });

export const KORAIL_BLOCK_ANSWER = () =>
  json(
    {
      code: -2000,
      id: randomBytes(8).toString('hex'),
      message: '비정상적인 접근이 감지되었습니다. 매크로 등 미허가 도구 사용 시 이용이 제한될 수 있습니다.',
    },
    403,
    { 'DynaPath-Result': '-2000' },
  );

function decryptPassword(enc: string, key: string): string | undefined {
  try {
    const once = Buffer.from(Buffer.from(enc, 'base64').toString('utf8'), 'base64');
    const k = Buffer.from(key, 'utf8');
    const d = createDecipheriv('aes-256-cbc', k.subarray(0, 32), k.subarray(0, 16));
    return Buffer.concat([d.update(once), d.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

const PSG: Record<string, keyof Pax> = {
  '1/000': 'adult',
  '3/000': 'child',
  '1/131': 'senior',
  '1/111': 'disability1to3',
  '1/112': 'disability4to6',
  // The accompanied infant (동반유아), as korail2 encodes it.
  '3/321': 'toddler',
};
const PSG_NAME: Record<keyof Pax, string> = {
  adult: '어른',
  child: '어린이',
  senior: '경로',
  disability1to3: '중증장애인',
  disability4to6: '경증장애인',
  toddler: '유아',
};

export function handleKorail(service: string, c: Ctx): Answer {
  const f = c.fields;
  const w = c.world;
  switch (service) {
    case 'common.code.do': {
      if (f.code !== 'app.login.cphd') return fail('WRG000000', '조회된 코드가 없습니다.');
      const idx = randomBytes(4).toString('hex');
      const key = randomBytes(16).toString('hex'); // 32 characters
      c.world.loginKeys.set(idx, key);
      return json({ strResult: 'SUCC', 'app.login.cphd': { idx, key } });
    }
    case 'common.stationdata':
      return json({
        strResult: 'SUCC',
        h_msg_cd: 'IRG000000',
        stns: { stn: STATIONS.map((s) => ({ stn_cd: s.code, stn_nm: s.name })) },
      });
    case 'login.Login':
      return login(c);
    case 'common.logout':
    case 'login.Logout':
      w.closeSession(c.sessionId);
      c.setSession(null);
      return succ('IRG000000', '로그아웃되었습니다.');
    case 'seatMovie.ScheduleView':
      return search(c);
  }
  const user = w.session('korail', c.sessionId);
  if (!user) return fail('P058', '로그인 후 사용하십시오.');
  switch (service) {
    case 'certification.TicketReservation':
      return reserve(c, user);
    case 'reservationWait.ReservationWait': {
      const r = w.reservations.get(f.txtPnrNo);
      if (!r || r.memberNo !== user.memberNo || r.status !== 'standby')
        return fail('WRG000000', '예약대기 내역이 없습니다.');
      r.acceptOtherClass = f.txtPsrmClChgFlg === 'Y';
      return succ('IRZ000003', '예약대기가 신청되었습니다.');
    }
    case 'reservation.ReservationView': {
      const list = w.listFor('korail', user.memberNo).filter((r) => r.status !== 'paid');
      if (!list.length) return fail('P100', '예약 내역이 없습니다.');
      return succ('IRG000000', '정상적으로 조회되었습니다.', {
        jrny_infos: {
          jrny_info: list.map((r) => {
            const standby = r.status === 'standby';
            return {
              train_infos: {
                train_info: [
                  {
                    h_pnr_no: r.pnr,
                    h_run_dt: r.runDt,
                    h_trn_no: pad(r.train.trainNo, 5),
                    h_trn_clsf_cd: r.train.kind.clsfCd,
                    h_trn_clsf_nm: r.train.kind.name,
                    h_trn_gp_cd: r.train.kind.gpCd,
                    h_dpt_rs_stn_cd: r.dep.code,
                    h_dpt_rs_stn_nm: r.dep.name,
                    h_arv_rs_stn_cd: r.arr.code,
                    h_arv_rs_stn_nm: r.arr.name,
                    h_dpt_dt: r.runDt,
                    h_dpt_tm: hhmmss(r.dep.dep),
                    h_arv_dt: r.arr.dep >= 1440 ? addDays(r.runDt, 1) : r.runDt,
                    h_arv_tm: hhmmss(r.arr.dep),
                    h_tot_seat_cnt: String(paxCount(r.pax)),
                    h_rsv_amt: String(r.amount),
                    h_ntisu_lmt_dt: standby || !r.deadline ? '00000000' : kstDate(r.deadline),
                    h_ntisu_lmt_tm: standby || !r.deadline ? '235959' : kstTime(r.deadline),
                    txtJrnySqno: '0001',
                    txtJrnyCnt: '0001',
                    hidRsvChgNo: '000',
                  },
                ],
              },
            };
          }),
        },
      });
    }
    case 'certification.ReservationList': {
      const r = w.reservations.get(f.hidPnrNo);
      if (!r || r.memberNo !== user.memberNo || r.status === 'cancelled')
        return fail('P100', '예약 내역이 없습니다.');
      return succ('IRG000000', '정상적으로 조회되었습니다.', {
        h_pnr_no: r.pnr,
        h_wct_no: '09999',
        jrny_infos: {
          jrny_info: [
            {
              seat_infos: {
                seat_info: r.seats.map((s) => ({
                  h_srcar_no: s.car,
                  h_seat_no: s.seat,
                  h_psrm_cl_nm: s.cls === 'special' ? '특실' : '일반실',
                  h_psg_tp_dv_nm: PSG_NAME[s.pax],
                  // What is paid; the seat's standard price and the discount off it.
                  h_rcvd_amt: String(s.price),
                  h_seat_prc: String(s.standard),
                  h_dcnt_amt: String(s.standard - s.price),
                })),
              },
            },
          ],
        },
      });
    }
    case 'reservationCancel.ReservationCancelChk':
    case 'reservationCancel.ReservationCancel': {
      const outcome = w.cancel('korail', user.memberNo, f.txtPnrNo);
      if (outcome === 'ok') return succ('IRG000000', '정상적으로 취소되었습니다.');
      if (outcome === 'already') return fail('WRG000000', '이미 취소된 예약입니다.');
      if (outcome === 'paid') return fail('WRG000000', '결제된 승차권은 반환 메뉴를 이용하십시오.');
      return fail('P100', '예약 내역이 없습니다.');
    }
  }
  return fail('WRG000000', `unknown service ${service}`);
}

function login(c: Ctx): Answer {
  const f = c.fields;
  const w = c.world;
  if (!f.Version || f.Version < w.o.korailMinVersion)
    return fail('SUPDATE', '최신버전으로 업데이트하신 후 이용하여 주십시오.');
  if (w.o.korailMacroCheck && !c.headers['x-dynapath-m-token'])
    return fail('MACRO ERROR', '원활한 서비스 이용을 위해 앱을 최신 버전으로 업데이트하여 주시기 바랍니다.');
  const key = c.world.loginKeys.get(f.idx ?? '');
  const password = key ? decryptPassword(f.txtPwd ?? '', key) : undefined;
  if (key) c.world.loginKeys.delete(f.idx);
  if (password === undefined)
    return fail('S003', '서비스에 문제가 발생하였습니다. 잠시후 다시 시도하여 주십시오.');
  const kind = f.txtInputFlg === '2' ? 'membership' : f.txtInputFlg === '4' ? 'phone' : 'email';
  if (kind === 'phone' && !(f.txtMemberNo ?? '').includes('-'))
    return fail('LOGIN-FAIL', '휴대전화번호를 확인하여 주십시오.');
  const user = w.findUser(kind, f.txtMemberNo ?? '');
  // Sim-only code: no public source records Korail's code for a wrong id or password.
  if (!user || user.password !== password)
    return fail('LOGIN-FAIL', '회원번호 또는 비밀번호를 확인하여 주십시오.');
  const id = w.openSession('korail', user.memberNo);
  c.setSession(id);
  return succ('IRZ000001', '정상적으로 로그인되었습니다.', {
    strMbCrdNo: user.memberNo,
    strCustNm: user.name,
    strEmailAdr: user.email,
    strCpNo: user.phone,
    Key: 'korail1234567890',
  });
}

/** Sim-only code and text (the operator's answer for a date it does not sell is not recorded). */
function notOnSale(c: Ctx, date: string): Answer | undefined {
  const why = c.world.onSale('korail', date);
  if (why === 'past') return fail('WRD000001', '이미 지난 날짜입니다.');
  if (why === 'not-yet') return fail('WRD000002', '예매 가능 기간이 아닙니다.');
  return undefined;
}

function search(c: Ctx): Answer {
  const f = c.fields;
  const w = c.world;
  const from = stationByName('korail', f.txtGoStart ?? '');
  const to = stationByName('korail', f.txtGoEnd ?? '');
  if (!from || !to) return fail('WRG000000', '역명을 확인하여 주십시오.');
  if (!/^\d{8}$/.test(f.txtGoAbrdDt ?? '') || !/^\d{6}$/.test(f.txtGoHour ?? ''))
    return fail('WRT100002', '입력값이 올바르지 않습니다.');
  const closed = notOnSale(c, f.txtGoAbrdDt);
  if (closed) return closed;
  const group = f.selGoTrain || f.txtTrnGpCd || '109';
  const all = w.search(
    'korail',
    from.code,
    to.code,
    f.txtGoAbrdDt,
    f.txtGoHour,
    group === '109' ? undefined : [group],
  );
  if (!all.length) return fail('P100', '조회 결과가 없습니다.');
  const wanted = Math.max(
    1,
    [1, 2, 3, 4, 5, 8].reduce((s, i) => s + (Number(f[`txtPsgFlg_${i}`]) || 0), 0),
  );
  c.world.countSearch(wanted);
  const page = all.slice(0, 10);
  const next = all[10];
  return succ('IRG000000', '정상적으로 조회되었습니다.', {
    h_next_pg_flg: next ? 'Y' : 'N',
    h_trn_no_next: next ? pad(next.train.trainNo, 5) : '',
    h_qry_st_no_next: next ? '11' : '',
    trn_infos: {
      trn_info: page.map((v) => {
        const cd = (exists: boolean, free: number) => (!exists ? '00' : free >= wanted ? '11' : '13');
        const gen = cd(v.general.exists, v.general.free);
        const spe = cd(v.special.exists, v.special.free);
        return {
          h_trn_no: pad(v.train.trainNo, 5),
          h_trn_clsf_cd: v.train.kind.clsfCd,
          h_trn_clsf_nm: v.train.kind.name,
          h_trn_gp_cd: v.train.kind.gpCd,
          h_dpt_rs_stn_cd: v.dep.code,
          h_dpt_rs_stn_nm: v.dep.name,
          h_arv_rs_stn_cd: v.arr.code,
          h_arv_rs_stn_nm: v.arr.name,
          h_dpt_dt: v.runDt,
          h_dpt_tm: hhmmss(v.dep.dep),
          h_arv_dt: v.arr.dep >= 1440 ? addDays(v.runDt, 1) : v.runDt,
          h_arv_tm: hhmmss(v.arr.dep),
          h_run_dt: v.runDt,
          h_dpt_stn_run_ordr: pad(v.dep.order, 6),
          h_dpt_stn_cons_ordr: pad(v.dep.order, 6),
          h_arv_stn_run_ordr: pad(v.arr.order, 6),
          h_arv_stn_cons_ordr: pad(v.arr.order, 6),
          h_gen_rsv_cd: gen,
          h_spe_rsv_cd: spe,
          h_rsv_psb_flg: gen === '11' || spe === '11' ? 'Y' : 'N',
          h_rsv_psb_nm: gen === '11' || spe === '11' ? '예약하기' : '매진',
          h_wait_rsv_flg: v.standby === 'open' ? ' 9' : v.general.free > 0 ? '-2' : '0',
          h_std_rest_seat_cnt: String(v.general.free),
          h_fst_rest_seat_cnt: String(v.special.free),
          h_rsv_wait_ps_cnt: String(v.standbyCount),
          h_expct_dlay_hr: '0',
          // The adult fare of the general class, as the app's search rows carry it.
          h_rcvd_amt: String(v.fare),
          h_stnd_rsv_cd: '00',
          h_free_rsv_cd: '00',
        };
      }),
    },
  });
}

function passengers(f: Record<string, string>): Pax | undefined {
  const pax: Pax = {};
  for (let i = 1; i <= 8 && f[`txtPsgTpCd${i}`] !== undefined; i++) {
    const count = Number(f[`txtCompaCnt${i}`] ?? '0');
    if (!count) continue;
    const t = PSG[`${f[`txtPsgTpCd${i}`]}/${f[`txtDiscKndCd${i}`]}`];
    if (!t || !Number.isInteger(count) || count < 0) return undefined;
    pax[t] = (pax[t] ?? 0) + count;
  }
  const total = paxCount(pax);
  // Children and toddlers do not travel without an adult, senior or disabled passenger.
  if (
    total < 1 ||
    total > 9 ||
    total !== Number(f.txtTotPsgCnt) ||
    total === (pax.child ?? 0) + (pax.toddler ?? 0)
  )
    return undefined;
  return pax;
}

function reserve(c: Ctx, user: SimUser): Answer {
  const f = c.fields;
  const w = c.world;
  const pax = passengers(f);
  if (!pax) return fail('WRG200018', '승객 정보가 올바르지 않습니다.');
  const t = w.findTrain('korail', Number(f.txtTrnNo1), f.txtDptRsStnCd1, f.txtArvRsStnCd1);
  const runDt = f.txtRunDt1 || f.txtDptDt1;
  if (!t || !/^\d{8}$/.test(runDt ?? '')) return fail('EAZ000039', '해당열차없음');
  const closed = notOnSale(c, runDt);
  if (closed) return closed;
  const cls = f.txtPsrmClCd1 === '2' ? 'special' : 'general';
  if (f.txtJobId === '1102') {
    if (cls !== 'general') return fail('WRG000000', '예약대기는 일반실만 신청할 수 있습니다.');
    const r = w.requestStandby('korail', user, t, runDt, cls, pax);
    if (r === 'full') return fail('WRG000000', '예약대기자한도수초과');
    if (r === 'closed') return fail('WRG000000', '예약대기 접수가 마감되었습니다.');
    if (r === 'not-open') return fail('WRG000000', '예약대기 신청 대상 열차가 아닙니다.');
    return succ('IRR000014', '예약대기 가능합니다.', { h_pnr_no: r.pnr });
  }
  const position = f.txtSeatAttCd3 === '012' ? 'window' : f.txtSeatAttCd3 === '013' ? 'aisle' : 'any';
  const r = w.reserve('korail', user, t, runDt, cls, pax, position);
  if (r === 'no-seat') return fail('ERR211161', '잔여석없음');
  if (r === 'no-class') return fail('EAZ000049', '특실이존재하지않는열차입니다.');
  if (r === 'departed') return fail('EAZ000046', '이미출발한열차입니다.');
  return succ('IRG000000', '정상적으로 예약되었습니다.', { h_pnr_no: r.pnr, h_rsv_amt: String(r.amount) });
}
