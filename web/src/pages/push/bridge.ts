/**
 * The page's side of the Flutter app's push contract (the README's "Flutter app" section). The app
 * adds a JavaScript channel named `YeyakPush`; the page posts `{"type":"ready"}` to it once a user
 * is logged in, and the app answers — then again on every token refresh — by running
 * `window.yeyakPushToken({token, platform})`. The page registers the token with
 * `POST /api/push/devices {kind:'fcm', token, label: platform}`. On logout the page posts
 * `{"type":"logout"}` (the server has already removed the devices of that login).
 */
import { post } from '../../api.ts';

type AppChannel = { postMessage(message: string): void };
type TokenMessage = { token?: unknown; platform?: unknown };

declare global {
  interface Window {
    YeyakPush?: AppChannel;
    yeyakPushToken?: (m: TokenMessage) => void;
  }
}

/** In the app: asks for the token and registers what comes back. Outside it: nothing. */
export function startAppBridge(): () => void {
  const channel = window.YeyakPush;
  if (!channel) return () => {};
  window.yeyakPushToken = (m) => {
    if (typeof m?.token !== 'string') return;
    const label = typeof m.platform === 'string' ? m.platform.slice(0, 80) : 'app';
    // A refused token is the app's problem to fix; the page has nothing to show for it.
    void post('/api/push/devices', { kind: 'fcm', token: m.token, label }).catch(() => {});
  };
  channel.postMessage(JSON.stringify({ type: 'ready' }));
  return () => {
    window.yeyakPushToken = undefined;
  };
}

export function tellAppLoggedOut() {
  window.YeyakPush?.postMessage(JSON.stringify({ type: 'logout' }));
}
