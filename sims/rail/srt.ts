/** The SRT app API (host app.srail.or.kr), as far as public client libraries show it. */
import { type Answer, type Ctx, json, pad } from './common.ts';
import { stationByCode, stationName } from './data.ts';
import {
  addDays,
  hhmmss,
  kstDate,
  kstTime,
  type Pax,
  paxCount,
  type SimReservation,
  type SimUser,
} from './world.ts';

export const SRT_PATHS = new Set([
  '/main/main.do',
  '/apb/selectListApb01080_n.do',
  '/login/loginOut.do',
  '/ara/selectListAra10007_n.do',
  '/arc/selectListArc05013_n.do',
  '/ata/selectListAta01135_n.do',
  '/atc/selectListAtc14016_n.do',
  '/ard/selectListArd02017_n.do',
  '/ard/selectListArd02019_n.do',
  '/ard/selectListArd02045_n.do',
]);

export const SRT_BLOCKED_TEXT = 'Your IP Address Blocked due to abnormal access.';

const result = (ok: boolean, msgCd: string, msgTxt: string, extra: Record<string, unknown> = {}) => ({
  strResult: ok ? 'SUCC' : 'FAIL',
  msgCd,
  msgTxt,
  ...extra,
});
const fail = (msgCd: string, msgTxt: string) => json({ resultMap: [result(false, msgCd, msgTxt)] });
const NOT_LOGGED_IN = () => fail('S111', '로그인 후 사용하십시요.');

const PSG: Record<string, keyof Pax> = {
  '1': 'adult',
  '2': 'disability1to3',
  '3': 'disability4to6',
  '4': 'senior',
  '5': 'child',
};
const DCNT: Record<keyof Pax, string> = {
  adult: '000',
  child: '201',
  senior: '204',
  disability1to3: '205',
  disability4to6: '206',
  // Never sent by SRT's reserve form here (the app counts infants in `infantCnt`); the label is 동반유아.
  toddler: '202',
};

export function handleSrt(path: string, c: Ctx): Answer {
  const f = c.fields;
  const w = c.world;
  switch (path) {
    case '/main/main.do':
      return { status: 200, body: '<html><body>SRT</body></html>', type: 'text/html;charset=UTF-8' };
    case '/apb/selectListApb01080_n.do':
      return login(c);
    case '/login/loginOut.do':
      w.closeSession(c.sessionId);
      c.setSession(null);
      return json({ commandMap: {}, userMap: {} });
    case '/ara/selectListAra10007_n.do':
      return search(c);
  }
  const user = w.session('srt', c.sessionId);
  if (!user) return NOT_LOGGED_IN();
  switch (path) {
    case '/arc/selectListArc05013_n.do':
      return reserve(c, user);
    case '/ata/selectListAta01135_n.do': {
      const r = w.reservations.get(f.pnrNo);
      if (!r || r.memberNo !== user.memberNo || r.status !== 'standby')
        return fail('', '예약대기 내역이 없습니다.');
      r.acceptOtherClass = f.psrmClChgFlg === 'Y';
      return json({ resultMap: [result(true, 'IRG000000', '정상적으로 처리되었습니다.')] });
    }
    case '/atc/selectListAtc14016_n.do': {
      const list = w.listFor('srt', user.memberNo);
      return json({
        resultMap: [result(true, 'IRG000000', '정상적으로 처리되었습니다.')],
        trainListMap: list.map((r) => ({
          pnrNo: r.pnr,
          jrnyCnt: '1',
          rcvdAmt: String(r.amount),
          tkSpecNum: String(paxCount(r.pax)),
          seatNum: String(r.seats.length || paxCount(r.pax)),
        })),
        payListMap: list.map(payRow),
      });
    }
    case '/ard/selectListArd02017_n.do':
    case '/ard/selectListArd02019_n.do': {
      const r = w.reservations.get(f.pnrNo);
      if (!r || r.memberNo !== user.memberNo || r.status === 'cancelled')
        return fail('', '조회된 내역이 없습니다.');
      return json({
        resultMap: [result(true, 'IRG000000', '정상적으로 처리되었습니다.')],
        trainListMap: r.seats.map((s) => ({
          scarNo: s.car,
          seatNo: s.seat,
          psrmClCd: s.cls === 'special' ? '2' : '1',
          psgTpCd: Object.entries(PSG).find(([, v]) => v === s.pax)?.[0] ?? '1',
          dcntKndCd: DCNT[s.pax],
          // As the operator's ticket rows: the standard fare, the discount off it, what is paid.
          rcvdAmt: String(s.price),
          stdrPrc: String(s.standard),
          dcntPrc: String(s.standard - s.price),
        })),
      });
    }
    case '/ard/selectListArd02045_n.do': {
      const outcome = w.cancel('srt', user.memberNo, f.pnrNo);
      if (outcome === 'ok')
        return json({ resultMap: [result(true, 'IRG000000', '정상적으로 취소되었습니다.')] });
      if (outcome === 'already') return fail('ERR800052', '이미 취소된 예약입니다.');
      if (outcome === 'paid') return fail('', '결제된 승차권은 반환 메뉴를 이용하십시오.');
      return fail('', '예약 내역이 없습니다.');
    }
  }
  return json({ ErrorCode: '404', ErrorMsg: 'not found' }, 404);
}

function login(c: Ctx): Answer {
  const f = c.fields;
  const kind = f.srchDvCd === '1' ? 'membership' : f.srchDvCd === '2' ? 'email' : 'phone';
  const user = c.world.findUser(kind, f.srchDvNm ?? '');
  if (!user) return json({ strResult: 'FAIL', RTNCD: 'N', MSG: '존재하지않는 회원입니다.' });
  if (user.password !== f.hmpgPwdCphd)
    return json({ strResult: 'FAIL', RTNCD: 'N', MSG: '비밀번호 오류입니다.' });
  const id = c.world.openSession('srt', user.memberNo);
  c.setSession(id);
  return json({
    commandMap: { loginType: f.srchDvCd, srchDvNm: f.srchDvNm },
    userMap: {
      MB_CRD_NO: user.memberNo,
      CUST_NM: user.name,
      MBL_PHONE: user.phone,
      KR_JSESSIONID: id,
      SR_JSESSIONID: id,
    },
    RTNCD: 'Y',
    MSG: '정상적으로 로그인되었습니다.',
  });
}

function checkKey(c: Ctx): Answer | undefined {
  const v = c.nf.valid(c.fields.netfunnelKey);
  if (v === 'missing') return fail('', '정상적인 경로로 접근 부탁드립니다.');
  if (v === 'stale')
    return fail('NET000001', '서비스가 접속이 원활하지 않습니다. 잠시후 다시 시도하여 주시기 바랍니다.');
  return undefined;
}

/** Sim-only code and text (the operator's answer for a date it does not sell is not recorded). */
function notOnSale(c: Ctx, date: string): Answer | undefined {
  const why = c.world.onSale('srt', date);
  if (why === 'past') return fail('WRD000001', '이미 지난 날짜입니다.');
  if (why === 'not-yet') return fail('WRD000002', '예매 가능 기간이 아닙니다.');
  return undefined;
}

function search(c: Ctx): Answer {
  const f = c.fields;
  const bad = checkKey(c);
  if (bad) return bad;
  if (!/^\d{8}$/.test(f.dptDt ?? '') || !/^\d{6}$/.test(f.dptTm ?? '')) return fail('WZZ000001', '입력오류');
  const closed = notOnSale(c, f.dptDt);
  if (closed) return closed;
  const all = c.world.search('srt', f.dptRsStnCd, f.arvRsStnCd, f.dptDt, f.dptTm);
  if (!all.length) return fail('WRG000000', '조회된 내역이 없습니다.');
  const wanted = Math.max(1, Number(f.psgNum) || 1);
  c.world.countSearch(wanted);
  const page = all.slice(0, 10);
  return json({
    resultMap: [result(true, 'IRG000000', '정상적으로 조회되었습니다.')],
    outDataSets: {
      dsOutput0: [{ strResult: 'SUCC', fllwPgExt: all.length > 10 ? 'Y' : 'N' }],
      dsOutput1: page.map((v) => {
        const label = (exists: boolean, free: number) =>
          !exists ? '' : free >= wanted ? '예약가능' : free > 0 ? '좌석부족' : '매진';
        const arrNext = v.arr.dep >= 1440;
        return {
          stlbTrnClsfCd: '17',
          trnNo: pad(v.train.trainNo, 5),
          trnGpCd: '300',
          dptDt: v.runDt,
          dptTm: hhmmss(v.dep.dep),
          arvDt: arrNext ? addDays(v.runDt, 1) : v.runDt,
          arvTm: hhmmss(v.arr.dep),
          runDt: v.runDt,
          dptRsStnCd: v.dep.code,
          arvRsStnCd: v.arr.code,
          dptStnConsOrdr: pad(v.dep.order, 6),
          arvStnConsOrdr: pad(v.arr.order, 6),
          dptStnRunOrdr: pad(v.dep.order, 6),
          arvStnRunOrdr: pad(v.arr.order, 6),
          gnrmRsvPsbStr: label(v.general.exists, v.general.free),
          sprmRsvPsbStr: label(v.special.exists, v.special.free),
          rsvWaitPsbCd: { open: '9', full: '0', closed: '-2', none: '-1' }[v.standby],
          rsvWaitPsbCdNm: v.standby === 'open' ? '신청하기' : '',
          rcvdAmt: String(v.fare),
        };
      }),
    },
  });
}

function passengers(f: Record<string, string>): Pax | undefined {
  const pax: Pax = {};
  const n = Number(f.psgGridcnt);
  if (!Number.isInteger(n) || n < 1 || n > 6) return undefined;
  for (let i = 1; i <= n; i++) {
    const t = PSG[f[`psgTpCd${i}`]];
    const count = Number(f[`psgInfoPerPrnb${i}`]);
    if (!t || !Number.isInteger(count) || count < 0) return undefined;
    pax[t] = (pax[t] ?? 0) + count;
  }
  const total = paxCount(pax);
  if (total < 1 || total > 9 || total !== Number(f.totPrnb) || total === (pax.child ?? 0)) return undefined;
  return pax;
}

function reserve(c: Ctx, user: SimUser): Answer {
  const f = c.fields;
  const w = c.world;
  const bad = checkKey(c);
  if (bad) return bad;
  const pax = passengers(f);
  if (!pax) return fail('WRP011002', '승객수 오류');
  const t = w.findTrain('srt', Number(f.trnNo1), f.dptRsStnCd1, f.arvRsStnCd1);
  const runDt = f.runDt1 || f.dptDt1;
  if (!t || !/^\d{8}$/.test(runDt ?? '')) return fail('', '해당열차없음');
  const closed = notOnSale(c, runDt);
  if (closed) return closed;
  const cls = f.psrmClCd1 === '2' ? 'special' : 'general';
  if (f.jobId === '1102') {
    const r = w.requestStandby('srt', user, t, runDt, cls, pax);
    if (r === 'full') return fail('', '예약대기자한도수초과');
    if (r === 'closed') return fail('', '예약대기 접수가 마감되었습니다.');
    if (r === 'not-open') return fail('', '예약대기 신청 대상 열차가 아닙니다.');
    return json({
      resultMap: [result(true, 'IRR000014', '예약대기 가능합니다.', { totRcvdAmt: String(r.amount) })],
      reservListMap: [{ pnrNo: r.pnr, lumpStlTgtNo: '', totSeatNum: String(paxCount(pax)) }],
    });
  }
  const position = f.locSeatAttCd1 === '012' ? 'window' : f.locSeatAttCd1 === '013' ? 'aisle' : 'any';
  const r = w.reserve('srt', user, t, runDt, cls, pax, position);
  if (r === 'no-seat') return fail('', '잔여석없음');
  if (r === 'no-class') return fail('', '특실이존재하지않는열차입니다.');
  if (r === 'departed') return fail('', '이미출발한열차입니다.');
  return json({
    resultMap: [
      result(true, 'IRG000000', '정상적으로 예약되었습니다.', {
        totRcvdAmt: String(r.amount),
        tmpJobSqno1: '000000',
      }),
    ],
    reservListMap: [{ pnrNo: r.pnr, lumpStlTgtNo: '', totSeatNum: String(r.seats.length) }],
  });
}

function payRow(r: SimReservation) {
  const dl = r.status === 'held' && r.deadline !== undefined ? r.deadline : undefined;
  return {
    stlbTrnClsfCd: '17',
    trnNo: pad(r.train.trainNo, 5),
    dptDt: r.runDt,
    dptTm: hhmmss(r.dep.dep),
    dptRsStnCd: r.dep.code,
    dptRsStnNm: stationName('srt', stationByCode.get(r.dep.code)!),
    arvTm: hhmmss(r.arr.dep),
    arvRsStnCd: r.arr.code,
    arvRsStnNm: stationName('srt', stationByCode.get(r.arr.code)!),
    iseLmtDt: dl ? kstDate(dl) : '',
    iseLmtTm: dl ? kstTime(dl) : '',
    stlFlg: r.status === 'paid' ? 'Y' : 'N',
  };
}
