/**
 * Ticket e-mails per second: N reservations are made straight through Tickets.reserve (16 at a time),
 * and we time until the local SMTP server (test/helpers.ts startSmtp, in this process) has accepted
 * N mails, each with the QR code as an inline image/png part referenced from the HTML by cid:.
 * Through RabbitMQ (AMQP_URL, default amqp://guest:guest@127.0.0.1:5672) and through the in-process
 * broker (pg-boss jobs), on each backend.
 *
 *   node --import tsx bench/mail.ts [--mails=500] [--local-mails=100] [--backends=pglite,postgres]
 *        [--brokers=amqp,in-process] [--no-ceiling]
 *
 * The ceiling, in the same run: the same number of mails composed beforehand and sent by nodemailer
 * to a local SMTP sink of the same kind, pooled (yeyak's pool settings) and a connection per mail.
 *
 * The in-process broker delivers one job per pg-boss poll (0.5 s), about 2 mails/s, so it gets
 * fewer mails (--local-mails) to stay within minutes.
 */

import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { MailComposer } from '../src/platform/mail/composer.ts';
import { SMTP_POOL } from '../src/platform/mail/mailer.ts';
import {
  type Backend,
  decodeQr,
  deleteAmqpNamespace,
  inHours,
  startApp,
  startSmtp,
} from '../test/helpers.ts';
import {
  boolFlag,
  fmt,
  header,
  isMain,
  numFlag,
  percentile,
  selectedBackends,
  sleep,
  strFlag,
  table,
} from './lib.ts';

type Broker = 'amqp' | 'in-process';

export type MailRun = {
  backend: Backend;
  broker: Broker;
  mails: number;
  reserveS: number;
  firstMailS: number;
  allMailsS: number;
  perSecond: number;
  steadyPerSecond: number;
  received: number;
  withQr: number;
  qrDecoded: number;
  duplicates: number;
  problems: string[];
};

const amqpUrl = () => process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export async function mailRun(backend: Backend, broker: Broker, n: number): Promise<MailRun> {
  const problems: string[] = [];
  const url = amqpUrl();
  if (broker === 'amqp') {
    if (!/^amqps?:\/\/([^@/]*@)?(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(`${url}/`))
      throw new Error('AMQP_URL must be a loopback address for the benchmark');
  }
  const smtp = await startSmtp();
  const accepted: number[] = [];
  const push = smtp.messages.push.bind(smtp.messages);
  smtp.messages.push = (...items) => {
    for (const _ of items) accepted.push(performance.now());
    return push(...items);
  };
  // A namespace of our own, so nothing else on this RabbitMQ takes our messages; removed afterwards.
  const namespace = `yeyak-bench-${randomBytes(4).toString('hex')}`;
  const t = await startApp(backend, {
    amqpUrl: broker === 'amqp' ? url : undefined,
    amqpNamespace: namespace,
    smtpUrl: smtp.url,
  });
  try {
    const { y } = t;
    const organizer = await y.auth.addUser({
      email: `org-${Date.now()}@bench.yeyak`,
      password: 'password-123',
      role: 'organizer',
    });
    const event = await y.tickets.createEvent(organizer, {
      code: `MAIL${Date.now().toString(36).toUpperCase()}`,
      title: '메일 벤치 공연',
      venue: '벤치홀',
      showtimes: [
        { startsAt: new Date(inHours(72)), ticketTypes: [{ name: 'R석', price: 55_000, quota: n }] },
      ],
    });
    const ticketTypeId = event.showtimes[0].ticketTypes[0].id;
    const buyers: Awaited<ReturnType<typeof y.auth.addUser>>[] = [];
    for (let i = 0; i < 8; i++)
      buyers.push(
        await y.auth.addUser({
          email: `buyer${i}-${Date.now()}@bench.yeyak`,
          password: 'password-123',
          role: 'user',
        }),
      );
    const ids: number[] = [];
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async (_, w) => {
        while (next < n) {
          next++;
          const r = await y.tickets.reserve(buyers[w % buyers.length], { ticketTypeId, quantity: 1 });
          ids.push(r.id);
        }
      }),
    );
    const reserveS = (performance.now() - t0) / 1000;
    const deadline = Date.now() + 300_000;
    while (smtp.messages.length < n && Date.now() < deadline) await sleep(10);
    // A short grace period to catch duplicate deliveries.
    await sleep(500);
    const times = accepted.slice(0, n).map((x) => (x - t0) / 1000);
    const received = smtp.messages.length;
    if (received < n) problems.push(`only ${received} of ${n} mails arrived in time`);
    const allMailsS = times.length ? times[times.length - 1] : Number.NaN;
    const sorted = [...times].sort((a, b) => a - b);
    const p10 = percentile(sorted, 10);
    const p90 = percentile(sorted, 90);
    const steadyPerSecond = p90 > p10 ? (0.8 * sorted.length) / (p90 - p10) : Number.NaN;

    // Every mail: an inline image/png part whose Content-ID the HTML references as cid:.
    let withQr = 0;
    let qrDecoded = 0;
    const seen = new Map<string, number>();
    for (const [i, m] of smtp.messages.entries()) {
      const parsed = await simpleParser(m.raw, { keepCidLinks: true });
      const png = parsed.attachments.find((a) => a.contentType === 'image/png' && a.cid);
      const html = typeof parsed.html === 'string' ? parsed.html : '';
      if (png?.cid && html.includes(`cid:${png.cid}`) && png.contentDisposition === 'inline') {
        withQr++;
        seen.set(png.cid, (seen.get(png.cid) ?? 0) + 1);
        if (i % 50 === 0) {
          const id = Number(/^qr-(\d+)@yeyak$/.exec(png.cid)?.[1]);
          if (decodeQr(png.content) === y.tickets.ticketCode(id)) qrDecoded++;
          else problems.push(`QR of mail ${i} does not decode to its ticket code`);
        }
      }
    }
    if (withQr < received)
      problems.push(`${received - withQr} mails without an inline QR referenced by cid:`);
    const duplicates = [...seen.values()].reduce((a, c) => a + c - 1, 0);
    const missing = ids.filter((id) => !seen.has(`qr-${id}@yeyak`)).length;
    if (missing) problems.push(`${missing} reservations without a mail`);
    return {
      backend,
      broker,
      mails: n,
      reserveS,
      firstMailS: sorted[0] ?? Number.NaN,
      allMailsS,
      perSecond: received >= n ? n / allMailsS : Number.NaN,
      steadyPerSecond,
      received,
      withQr,
      qrDecoded,
      duplicates,
      problems,
    };
  } finally {
    await t.stop();
    if (broker === 'amqp') {
      await deleteAmqpNamespace(
        url,
        namespace,
        t.y.consumers.map((c) => c.name),
      );
    }
    await smtp.close();
  }
}

export type Ceiling = { name: string; mails: number; seconds: number; perSecond: number; received: number };

/**
 * The ceiling: N mails composed beforehand (the same composer, template-like HTML and an inline
 * QR PNG), then sent by nodemailer to a fresh local SMTP sink of the same kind, all at once: through
 * a pool (yeyak's pool settings) and one connection per mail. Only the sending is timed.
 */
export async function mailCeiling(n: number, pooled: boolean): Promise<Ceiling> {
  const smtp = await startSmtp();
  const composer = new MailComposer();
  const transport = nodemailer.createTransport({ url: smtp.url, ...(pooled ? SMTP_POOL : {}) } as Parameters<
    typeof nodemailer.createTransport
  >[0]);
  try {
    const composed = [];
    for (let i = 0; i < n; i++) {
      composed.push(
        await composer.compose(
          {
            messageId: `<ceiling-${i}@bench.yeyak>`,
            from: 'yeyak <no-reply@bench.yeyak>',
            to: `buyer${i}@bench.yeyak`,
            subject: `[yeyak] 예매 확인 · 메일 벤치 공연 ${i}`,
            html: `<p>예매번호 ${i}</p><img src="cid:qr-${i}@yeyak" width="240" height="240">`,
            text: `예매번호 ${i}`,
            attachments: [
              {
                filename: 'ticket-qr.png',
                qr: { text: `BENCH-${i}`, scale: 8, margin: 2, errorCorrectionLevel: 'M' },
                contentType: 'image/png',
                cid: `qr-${i}@yeyak`,
              },
            ],
          },
          'windows',
        ),
      );
    }
    const t0 = performance.now();
    await Promise.all(composed.map((c) => transport.sendMail({ envelope: c.envelope, raw: c.raw })));
    const seconds = (performance.now() - t0) / 1000;
    return {
      name: pooled
        ? 'nodemailer pooled (5 connections), pre-composed'
        : 'nodemailer, a connection per mail, pre-composed',
      mails: n,
      seconds,
      perSecond: n / seconds,
      received: smtp.messages.length,
    };
  } finally {
    transport.close();
    await composer.close();
    await smtp.close();
  }
}

export async function runMail(): Promise<boolean> {
  header('ticket mails per second, broker → SMTP, QR inline');
  const n = numFlag('mails', 500);
  const localN = numFlag('local-mails', 100);
  const brokers = (strFlag('brokers') ?? 'amqp,in-process').split(',') as Broker[];
  console.log(
    `${n} reservations (${localN} with the in-process broker) through Tickets.reserve, 16 at a time; ` +
      'wait for as many mails at a local SMTP server (same process)',
  );
  const runs: MailRun[] = [];
  const ceilings: Ceiling[] = [];
  if (!boolFlag('no-ceiling')) {
    console.log('… ceiling: nodemailer pooled, pre-composed');
    ceilings.push(await mailCeiling(n, true));
  }
  for (const backend of selectedBackends()) {
    for (const broker of brokers) {
      console.log(`… ${backend}, ${broker}`);
      runs.push(await mailRun(backend, broker, broker === 'amqp' ? n : localN));
    }
  }
  console.log();
  console.log(
    table(
      [
        'backend',
        'broker',
        'mails',
        'reserved in s',
        'first mail s',
        'all mails s',
        'mails/s (end to end)',
        'mails/s (p10–p90)',
        'inline QR + cid',
        'QR decoded',
        'duplicates',
      ],
      runs.map((r) => [
        r.backend,
        r.broker,
        `${r.received}/${r.mails}`,
        fmt(r.reserveS, 2),
        fmt(r.firstMailS, 2),
        fmt(r.allMailsS, 2),
        fmt(r.perSecond, 1),
        fmt(r.steadyPerSecond, 1),
        `${r.withQr}/${r.received}`,
        `${r.qrDecoded} sampled`,
        r.duplicates,
      ]),
    ),
  );
  console.log('\nmails/s (end to end) = N ÷ time from the first reserve call to the N-th accepted mail.');
  if (!boolFlag('no-ceiling')) {
    console.log('… ceiling: nodemailer, a connection per mail, pre-composed');
    ceilings.push(await mailCeiling(n, false));
    const pooled = ceilings[0];
    console.log();
    console.log(
      table(
        ['ceiling (same SMTP sink kind, same machine, this run)', 'mails', 'send s', 'mails/s'],
        ceilings.map((c) => [c.name, `${c.received}/${c.mails}`, fmt(c.seconds, 2), fmt(c.perSecond, 1)]),
      ),
    );
    for (const r of runs)
      console.log(
        `${r.backend}/${r.broker}: ${fmt(r.perSecond, 1)} mails/s end to end = ${fmt((100 * r.perSecond) / pooled.perSecond, 1)} % ` +
          `of the pooled ceiling (steady p10–p90: ${fmt((100 * r.steadyPerSecond) / pooled.perSecond, 1)} %)`,
      );
    for (const c of ceilings)
      if (c.received < c.mails) {
        console.log(`FAIL ceiling ${c.name}: ${c.received} of ${c.mails} arrived`);
        return false;
      }
  }
  let ok = true;
  for (const r of runs) {
    if (r.problems.length) {
      ok = false;
      console.log(`\nFAIL ${r.backend}/${r.broker}: ${r.problems.join('; ')}`);
    }
  }
  if (ok) console.log('OK: every reservation got exactly one mail with its QR inline.');
  return ok;
}

if (isMain(import.meta.url)) {
  process.exitCode = (await runMail()) ? 0 : 1;
}
