import type { Auth } from '../auth/service.ts';
import type { Context } from '../context.ts';
import type { App } from '../http/app.ts';
import { OAuthLinks } from './link.ts';
import { oauthRoutes } from './routes.ts';
import { OAuth } from './service.ts';

export { PROVIDERS, type Provider } from './config.ts';
export { forgetUnprovenIdentities, identitiesOf } from './service.ts';

/**
 * Social sign-in (Kakao, Naver, Apple) for the composition root: the service, its link-code mail
 * consumer and its routes. `check()` reads the Apple key at start, so a bad setting fails
 * then, not at someone's first sign-in.
 */
export function socialLogin(ctx: Context, auth: Auth, opts: { now?: () => number } = {}) {
  const oauth = new OAuth(ctx, auth, opts);
  const links = new OAuthLinks(ctx, auth, oauth);
  return {
    oauth,
    links,
    consumer: links.consumer(),
    check: () => oauth.clients.check(),
    routes: (app: App) => oauthRoutes(app, ctx, oauth, links),
  };
}
