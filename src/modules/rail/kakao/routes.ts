import { z } from 'zod';
import type { Auth } from '../../../platform/auth/service.ts';
import type { Context } from '../../../platform/context.ts';
import { safeEqual } from '../../../platform/crypto.ts';
import { type App, envelope, ok } from '../../../platform/http/app.ts';
import { skillPayload } from './parse.ts';
import type { KakaoSkill } from './skill.ts';

/** The skill endpoint Kakao calls, and the link code the web asks for. */
export function kakaoRoutes(app: App, ctx: Context, auth: Auth, skill: KakaoSkill) {
  app.post(
    '/api/kakao/skill',
    {
      schema: {
        tags: ['rail'],
        summary: 'Kakao i Open Builder skill (SkillPayload in, SkillResponse v2.0 out)',
        querystring: z.object({ key: z.string().max(200).optional() }).passthrough(),
        body: skillPayload,
      },
    },
    async (req, reply) => {
      const want = ctx.config.rail.kakao.skillKey;
      if (want && !safeEqual(req.query.key ?? '', want))
        return envelope(reply, 401, 'wrong or missing skill key');
      // Without a key anyone could speak for any KakaoTalk user: only the demo and sandbox stay open.
      if (!want && !ctx.config.demo && !ctx.config.rail.sandbox)
        return envelope(
          reply,
          403,
          'the Kakao skill is off: set KAKAO_SKILL_KEY and add ?key=… to the skill URL',
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
