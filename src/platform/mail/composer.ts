import { Worker } from 'node:worker_threads';

/** A QR code drawn as a PNG where the mail is composed, off the main thread. */
export type QrImage = {
  text: string;
  scale: number;
  margin: number;
  errorCorrectionLevel: 'L' | 'M' | 'Q' | 'H';
};

export type ComposeAttachment = { filename: string; contentType: string; cid?: string } & (
  | { content: Buffer; qr?: undefined }
  | { qr: QrImage; content?: undefined }
);

export type ComposeInput = {
  messageId?: string;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  attachments?: ComposeAttachment[];
};

export type Composed = {
  raw: Buffer;
  messageId: string;
  envelope: { from: string; to: string[] };
};

type Reply =
  | { id: number; raw: Uint8Array; messageId: string; envelope: Composed['envelope'] }
  | { id: number; error: string };

/**
 * Composes mails in one worker thread (started on first use, restarted if it dies). One thread
 * is enough: the point is to keep the request path's event loop free, not to use more cores
 * than the database and the broker leave.
 */
export class MailComposer {
  private worker: Worker | undefined;
  private next = 1;
  private readonly pending = new Map<
    number,
    { resolve: (c: Composed) => void; reject: (e: Error) => void }
  >();

  compose(mail: ComposeInput, newline: 'unix' | 'windows'): Promise<Composed> {
    const worker = this.start();
    const id = this.next++;
    return new Promise<Composed>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, newline, mail });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./compose-worker.mjs', import.meta.url));
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if ('error' in reply) waiter.reject(new Error(`composing the mail failed: ${reply.error}`));
      else
        waiter.resolve({
          raw: Buffer.from(reply.raw.buffer, reply.raw.byteOffset, reply.raw.byteLength),
          messageId: reply.messageId,
          envelope: reply.envelope,
        });
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const w of this.pending.values()) w.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the mail composer stopped (exit ${code})`)));
    this.worker = worker;
    return worker;
  }

  async close() {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}
