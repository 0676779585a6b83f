import type { NetFunnelSim } from './netfunnel.ts';
import type { RailWorld } from './world.ts';

export type Ctx = {
  world: RailWorld;
  nf: NetFunnelSim;
  fields: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  sessionId: string | undefined;
  /** Sets (id) or clears (null) the session cookie on the answer. */
  setSession: (id: string | null) => void;
};

export type Answer = { status: number; body: string; type: string; headers?: Record<string, string> };

export const json = (v: unknown, status = 200, headers?: Record<string, string>): Answer => ({
  status,
  body: JSON.stringify(v),
  type: 'application/json;charset=UTF-8',
  headers,
});
export const text = (body: string, status = 200): Answer => ({
  status,
  body,
  type: 'text/plain;charset=UTF-8',
});

export const pad = (n: number | string, width: number) => String(n).padStart(width, '0');
