/**
 * Where push messages leave for (variables read in platform/config.ts). With neither FCM nor VAPID
 * configured, a demo (or PUSH_SIM_URL) sends everything to the push stand-in (sims/push).
 */
export type PushConfig = {
  fcm: {
    /** the Firebase project: `POST {apiUrl}/v1/projects/{projectId}/messages:send` */
    projectId?: string;
    /** a service-account JSON key; its OAuth token (scope firebase.messaging) signs each call */
    serviceAccountFile?: string;
    apiUrl: string;
    /**
     * A fixed bearer token instead of the service account (tests and the stand-in, the way
     * BigQuery's adapter gives its emulator a preset token). Never read from the environment.
     */
    accessToken?: string;
  };
  /** VAPID key pair (base64url, as `web-push generate-vapid-keys` prints it) and subject. */
  vapid?: { publicKey: string; privateKey: string; subject?: string };
  /** The push stand-in's base URL (`yeyak sim push`); demo mode uses `${selfUrl}/sim/push`. */
  simUrl?: string;
  /** Sends in flight at once, over all jobs of this process. */
  concurrency: number;
};
