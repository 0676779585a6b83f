import { SIM_CLIENT_ID, SIM_PAYMENT_KEY, SIM_SEARCH_KEY } from '../../../sims/payletter/index.ts';
import { standInPath } from '../../../sims/standins.ts';
import type { PlatformConfig } from '../config.ts';
import type { PaymentGateway } from './gateway.ts';
import { PayletterGateway } from './payletter.ts';

/**
 * The gateway configuration asks for, read on each use (settings read at start stay put; tests move
 * the URL after listening): Payletter at PAYLETTER_URL with its keys; in demo mode without a URL,
 * the stand-in inside this server with the stand-in's own keys; otherwise none.
 */
export function gatewayFromConfig(
  config: PlatformConfig,
  selfUrl: () => string,
): () => PaymentGateway | undefined {
  let made: { key: string; gateway: PayletterGateway } | undefined;
  return () => {
    const p = config.payments.payletter;
    const demo = !p.url && config.demo;
    if (!p.url && !demo) return undefined;
    const url = p.url ?? `${selfUrl()}${standInPath('payletter')}`;
    const key = `${url} ${p.clientId} ${p.pgcode} ${p.serviceName}`;
    if (made?.key !== key) {
      made = {
        key,
        gateway: new PayletterGateway({
          url: () => url,
          clientId: demo ? SIM_CLIENT_ID : (p.clientId as string),
          paymentKey: demo ? SIM_PAYMENT_KEY : (p.paymentKey as string),
          searchKey: demo ? SIM_SEARCH_KEY : (p.searchKey as string),
          pgcode: p.pgcode,
          serviceName: p.serviceName,
          // The stand-in answers page URLs on the address yeyak called it by (127.0.0.1); the buyer's
          // browser must stay on the address it uses (PUBLIC_URL), or the page's form post back to
          // the return URL leaves the page's origin and the CSP (form-action 'self') stops it.
          browserUrl: demo
            ? (u) =>
                u.startsWith(url)
                  ? `${config.publicUrl.replace(/\/+$/, '')}${standInPath('payletter')}${u.slice(url.length)}`
                  : u
            : undefined,
        }),
      };
    }
    return made.gateway;
  };
}
