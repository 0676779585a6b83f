// Runs in a worker thread: turns a mail into its raw RFC 5322 bytes (MIME parts, base64, QR codes
// drawn as PNG). That work is pure CPU (≈ 2 ms a ticket mail, mostly the PNG filters and deflate);
// done on the main thread it stalls every HTTP request queued behind a batch of mails.
// Plain JavaScript so it loads the same way under `node --import tsx`, vitest and a built server.
import { parentPort } from 'node:worker_threads';
import nodemailer from 'nodemailer';
import QRCode from 'qrcode';

const transports = {
  unix: nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }),
  windows: nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }),
};

async function attachment(a) {
  const content = a.qr
    ? await QRCode.toBuffer(a.qr.text, {
        type: 'png',
        scale: a.qr.scale,
        margin: a.qr.margin,
        errorCorrectionLevel: a.qr.errorCorrectionLevel,
      })
    : Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength);
  return {
    filename: a.filename,
    content,
    contentType: a.contentType,
    cid: a.cid,
    contentDisposition: a.cid ? 'inline' : 'attachment',
  };
}

parentPort.on('message', async ({ id, newline, mail }) => {
  try {
    const info = await transports[newline].sendMail({
      ...mail,
      attachments: await Promise.all((mail.attachments ?? []).map(attachment)),
    });
    const raw = info.message;
    const reply = { id, raw, messageId: info.messageId, envelope: info.envelope };
    // Hand the bytes over without a copy when the buffer is not a slice of a shared pool.
    parentPort.postMessage(reply, raw.byteLength === raw.buffer.byteLength ? [raw.buffer] : []);
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
