import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Auth } from '../../../platform/auth/service.ts';
import type { Context } from '../../../platform/context.ts';
import { safeEqual } from '../../../platform/crypto.ts';
import { type App, ok } from '../../../platform/http/app.ts';
import { text } from './answers.ts';
import { skillPayload } from './parse.ts';
import type { KakaoSkill } from './skill.ts';

/** The skill endpoint Kakao calls, and the link code the web asks for. */
export function kakaoRoutes(app: App, ctx: Context, auth: Auth, skill: KakaoSkill) {
  // Kakao shows the user only a SkillResponse: every answer of this route is one, refusals too
  // (the key, a body Kakao should never send), never yeyak's own envelope.
  const refuse = (reply: FastifyReply, status: number, ko: string) =>
    reply.code(status).type('application/json').send(text(ko));
  app.post(
    '/api/kakao/skill',
    {
      schema: {
        tags: ['rail'],
        summary: 'Kakao i Open Builder skill (SkillPayload in, SkillResponse v2.0 out)',
        querystring: z.object({ key: z.string().max(200).optional() }).passthrough(),
        body: skillPayload,
      },
      errorHandler: (err, _req, reply) => {
        // Fastify's own errors carry statusCode; the schema check's AppError carries status.
        const e = err as { statusCode?: number; status?: number };
        const status = e.statusCode ?? e.status ?? 500;
        if (status >= 500) ctx.log.error({ err }, 'kakao skill failed');
        else ctx.log.warn({ status, err: err.message }, 'kakao skill: unreadable request');
        // 200: Kakao shows the user what went wrong instead of its own failure notice.
        return refuse(
          reply,
          200,
          status >= 500
            ? '잠시 후 다시 시도해 주세요.'
            : '요청을 읽지 못했습니다. "도움말"을 보내 사용법을 확인해 주세요.',
        );
      },
    },
    async (req, reply) => {
      const want = ctx.config.rail.kakao.skillKey;
      if (want && !safeEqual(req.query.key ?? '', want))
        return refuse(reply, 401, '이 챗봇의 스킬 설정이 맞지 않습니다 (스킬 키). 관리자에게 알려 주세요.');
      // Without a key anyone could speak for any KakaoTalk user: only the demo and sandbox stay open.
      if (!want && !ctx.config.demo && !ctx.config.rail.sandbox)
        return refuse(
          reply,
          403,
          '이 서버의 카카오 스킬이 꺼져 있습니다: KAKAO_SKILL_KEY를 설정하고 스킬 URL에 ?key=…를 붙여 주세요.',
        );
      reply.code(200);
      return skill.handle(req.body);
    },
  );

  app.post(
    '/api/rail/kakao/code',
    {
      onRequest: auth.guard(),
      schema: { tags: ['rail'], summary: 'A one-time code to link KakaoTalk ("연결 K7QM-2XPA")' },
    },
    async (req, reply) => ok(reply, await skill.linkCode(await auth.require(req))),
  );
}
