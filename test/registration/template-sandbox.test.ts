import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SUBJECT,
  DEFAULT_TEMPLATE,
  etaToLiquid,
  mailTemplatesOf,
  renderMailTemplate,
  SAMPLE_MAIL_DATA,
  TemplateError,
} from '../../src/modules/registration/mail-template.ts';
import { backends, createEvent, eventually, login, startApp, startSmtp, type TestApp } from '../helpers.ts';

/** A file only a template that runs code could create. */
const marker = join(tmpdir(), `yeyak-template-ran-${process.pid}`);
const touch = `process.getBuiltinModule('fs').writeFileSync('${marker}', 'ran')`;
const ETA_PAYLOADS = [
  `<%= ${touch} %>`,
  `<% ${touch} %>`,
  `<%~ ${touch} %>`,
  "<%= process.mainModule.require('child_process').execSync('id') %>",
  `<%= process.getBuiltinModule('child_process').execSync('touch ${marker}') %>`,
];
const LIQUID_ESCAPES = [
  '{{ constructor }}',
  '{{ name.constructor.constructor }}',
  '{{ name.constructor.constructor("return process")() }}',
  '{{ process }}',
  '{{ global }}',
  '{{ globalThis }}',
  '{{ require }}',
  '{{ __proto__ }}',
  '{{ name.__proto__.constructor }}',
  '{{ name["__proto__"] }}',
  '{{ name.prototype }}',
  '{{ eventName.constructor.prototype }}',
  "{% include '/etc/passwd' %}",
  '{% render "/etc/passwd" %}',
  '{% layout "/etc/passwd" %}',
  '{% for i in (1..100000000) %}x{% endfor %}',
  '{% tablerow i in (1..1000000) %}x{% endtablerow %}',
  '{% assign x = "y" %}',
  '{% liquid echo name %}',
  '{{ name | json }}',
  '{{ "x" | date: "%s" }}',
];

describe('welcome-mail templates are data, never code', () => {
  it('refuses every known escape route with its line and column, and runs nothing', () => {
    rmSync(marker, { force: true });
    for (const source of LIQUID_ESCAPES) {
      for (const kind of ['html', 'text'] as const) {
        expect(() => renderMailTemplate(source, SAMPLE_MAIL_DATA, kind), source).toThrow(TemplateError);
        try {
          renderMailTemplate(`<p>Hi</p>\n  ${source}`, SAMPLE_MAIL_DATA, kind);
        } catch (err) {
          expect((err as Error).message, source).toMatch(/^line 2, column \d+: /);
        }
      }
    }
    expect(() => renderMailTemplate('a\nb\n  {{ x }}', SAMPLE_MAIL_DATA, 'html')).toThrow(
      "line 3, column 6: unknown variable 'x'",
    );
    // Eta is plain text to Liquid: rendered verbatim, never evaluated.
    for (const source of ETA_PAYLOADS)
      expect(renderMailTemplate(source, SAMPLE_MAIL_DATA, 'text')).toBe(source);
    expect(existsSync(marker)).toBe(false);
  });

  it('renders the allowed variables and filters, escaping values in HTML', () => {
    const data = { ...SAMPLE_MAIL_DATA, name: '<script>x</script>', date: '' };
    expect(
      renderMailTemplate(
        '{{ name }}|{{ eventName | upcase }}|{% if date %}D{% else %}no date{% endif %}|{{ quantity }}',
        data,
        'html',
      ),
    ).toBe('&lt;script&gt;x&lt;/script&gt;|EVENT|no date|1');
    expect(renderMailTemplate('{{ name }}', data, 'text')).toBe('<script>x</script>');
    const welcome = renderMailTemplate(DEFAULT_TEMPLATE, { ...SAMPLE_MAIL_DATA, venueLink: '' }, 'html');
    expect(welcome).toContain('<p>Hello Name,</p>');
    expect(welcome).toContain('Date: 2026-01-01 10:00');
    expect(welcome).not.toContain('online venue');
    expect(renderMailTemplate(DEFAULT_SUBJECT, SAMPLE_MAIL_DATA, 'text')).toBe('[Event] Welcome, Name');
  });

  it('converts Eta that only shows variables, and flags Eta with code instead of running it', () => {
    expect(etaToLiquid('<p>Hi <%= it.name %>, <%~ it.ticketName %></p>')).toBe(
      '<p>Hi {{ name }}, {{ ticketName }}</p>',
    );
    expect(etaToLiquid('<% if (it.date) { %>on <%= it.date %><% } else { %>soon<% } %>')).toBe(
      '{% if date %}on {{ date }}{% else %}soon{% endif %}',
    );
    // Braces in the old text stay text.
    expect(
      renderMailTemplate(etaToLiquid('{{ x }} <%= it.name %>') as string, SAMPLE_MAIL_DATA, 'html'),
    ).toBe('{{ x }} Name');
    for (const source of ETA_PAYLOADS) {
      expect(etaToLiquid(source)).toBeNull();
      const t = mailTemplatesOf({ enabled: true, template: source });
      expect(t.needsAttention).toMatch(/no longer run/);
      expect(t.template).toBe(source);
    }
    expect(etaToLiquid('<%= it.constructor %>')).toBeNull();
    expect(existsSync(marker)).toBe(false);
  });
});

describe.each(backends)('the registration API with hostile templates on %s', (backend) => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let org: Awaited<ReturnType<typeof login>>;
  let ticketsEventId: string;
  let typeId: string;
  const secretValue = 'template-test-secret-0123456789abcdefghij';

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startApp(backend, { secret: secretValue, smtpUrl: smtp.url });
    org = await login(t, 'organizer');
    const tev = await createEvent(org.api, { ticketTypes: [{ name: 'R석', price: 10_000, quota: 50 }] });
    ticketsEventId = tev.id;
    typeId = tev.showtimes[0].ticketTypes[0].id;
  }, 240_000);
  afterAll(async () => {
    await t?.stop();
    await smtp?.close();
    rmSync(marker, { force: true });
  });

  let n = 0;
  const body = (mail: { subject?: string; template?: string }) => ({
    slug: `tpl-${backend}-${++n}`,
    name: 'Template test',
    source: 'tickets',
    ticketsEventId,
    mail: { enabled: true, ...mail },
  });

  it('answers 400 naming the field, runs nothing and echoes no value', async () => {
    rmSync(marker, { force: true });
    const leak = '<%= (() => { throw new Error(process.env.HOME + String(process.getBuiltinModule)) })() %>';
    for (const source of [...ETA_PAYLOADS, leak, ...LIQUID_ESCAPES]) {
      for (const field of ['template', 'subject'] as const) {
        const res = await org.api.post('/api/registration/events', body({ [field]: source }));
        expect(res.status, `${field}: ${source}`).toBe(400);
        const errors = (res.body.data as { errors: { path: string; message: string }[] }).errors;
        expect(errors[0].path).toBe(`body.mail.${field}`);
        expect(errors[0].message).toMatch(/^line \d+, column \d+: /);
        expect(JSON.stringify(res.body)).not.toContain(String(process.env.HOME));
        expect(JSON.stringify(res.body)).not.toContain('native code');
      }
    }
    expect(existsSync(marker)).toBe(false);
    const list = await org.api.get<{ events: unknown[] }>('/api/registration/events');
    expect(list.body.data!.events).toHaveLength(0);
  });

  it('saves Liquid, and variable-only Eta converted to Liquid', async () => {
    const res = await org.api.post<{ event: { id: string; settings: { mail: Record<string, unknown> } } }>(
      '/api/registration/events',
      body({ subject: 'Hello <%= it.name %>', template: '<p>{{ name }} · {{ ticketName | upcase }}</p>' }),
    );
    expect(res.status).toBe(201);
    expect(res.body.data!.event.settings.mail).toMatchObject({
      subject: 'Hello {{ name }}',
      template: '<p>{{ name }} · {{ ticketName | upcase }}</p>',
    });
    const patched = await org.api.put(`/api/registration/events/${res.body.data!.event.id}`, {
      ...body({ template: '{% include "x" %}' }),
      slug: `tpl-${backend}-${n - 1}`,
    });
    expect(patched.status).toBe(400);
    expect(JSON.stringify(patched.body.data)).toContain('body.mail.template');
  });

  it('a saved Eta template with code is flagged, not run: the mail action fails with the reason', async () => {
    rmSync(marker, { force: true });
    const res = await org.api.post<{ event: { id: string } }>('/api/registration/events', body({}));
    expect(res.status).toBe(201);
    const id = res.body.data!.event.id;
    // As an event saved before Liquid would hold it (no engine mark).
    await t.y.ctx.database.raw(
      `update registration_events set settings = jsonb_set(settings, '{mail}', $2::jsonb) where id = $1`,
      [id, JSON.stringify({ enabled: true, subject: 'Hi <%= it.name %>', template: ETA_PAYLOADS[0] })],
    );
    const view = await org.api.get<{ event: { settings: { mail: Record<string, unknown> } } }>(
      `/api/registration/events/${id}`,
    );
    expect(view.body.data!.event.settings.mail).toMatchObject({
      subject: 'Hi {{ name }}',
      template: ETA_PAYLOADS[0],
      needsAttention: expect.stringMatching(/no longer run/),
    });
    const buyer = await login(t);
    const r = await buyer.api.post('/api/reservations', { ticketTypeId: typeId, quantity: 1 });
    expect(r.status).toBe(201);
    type Att = { actions: { action: string; status: string; lastError: string | null }[] };
    const mail = await eventually(async () => {
      const l = await org.api.get<{ attendees: Att[] }>(`/api/registration/events/${id}/attendees`);
      const m = l.body.data!.attendees[0]?.actions.find((a) => a.action === 'mail');
      return m?.status === 'failed' ? m : undefined;
    }, 90_000);
    expect(mail.lastError).toMatch(/no longer run/);
    expect(existsSync(marker)).toBe(false);
    // Only the ticket module's own mail reached the buyer: no welcome mail, no template text.
    const toBuyer = smtp.messages.filter((m) => JSON.stringify(m.parsed.to).includes(buyer.email));
    expect(toBuyer.filter((m) => /^Hi /.test(m.parsed.subject ?? ''))).toHaveLength(0);
    for (const m of toBuyer) expect(String(m.parsed.html)).not.toContain('<%');
    // The event saved with Liquid above follows the same sales: its welcome mail did go out.
    await eventually(
      async () =>
        smtp.messages.some(
          (m) => JSON.stringify(m.parsed.to).includes(buyer.email) && /^Hello /.test(m.parsed.subject ?? ''),
        ),
      90_000,
    );
    // The app still works: the queue goes on.
    expect((await org.api.get('/api/registration/events')).status).toBe(200);
  }, 240_000);
});
