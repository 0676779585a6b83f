/**
 * Where notifications leave for. The variables (read in platform/config.ts) keep the names rail
 * used before the channels moved to the platform, so existing deployments work unchanged.
 */
export type NotifyConfig = {
  /**
   * Master key of the sealed channel settings (webhook URLs); the server secret when unset. It is
   * RAIL_SECRET because the settings were sealed under rail's key before they moved here.
   */
  secret?: string;
  /** A user's Discord or Slack webhook must start with this (no requests to arbitrary hosts). */
  discordBase: string;
  slackBase: string;
  telegramApi: string;
  telegramToken?: string;
  /** Kakao i Open Builder Event API (bot-initiated messages). */
  kakao: { apiUrl: string; botId?: string; restApiKey?: string; eventName: string };
};
