// Runs in a worker thread: turns a mail into its raw RFC 5322 bytes (MIME parts, base64, QR codes
// drawn as PNG). That work is pure CPU; done on the main thread it stalls every HTTP request queued
// behind a batch of mails.
// Plain JavaScript so it loads the same way under `node --import tsx`, vitest and a built server.
import { parentPort } from 'node:worker_threads';
import { crc32, deflateSync } from 'node:zlib';
import nodemailer from 'nodemailer';
import QRCode from 'qrcode';

const transports = {
  unix: nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }),
  windows: nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' }),
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * The QR code as a black-and-white PNG of 1 bit per pixel, `scale` pixels per module and `margin`
 * light modules around. qrcode's own PNG (8-bit RGBA through pngjs, every row tried with all five
 * filters) took ≈ 6× the CPU and ≈ 5× the bytes; this one is the same picture.
 */
function qrPng({ text, scale, margin, errorCorrectionLevel }) {
  const { modules } = QRCode.create(text, { errorCorrectionLevel });
  const n = modules.size;
  const side = (n + 2 * margin) * scale;
  const stride = 1 + Math.ceil(side / 8); // filter byte (0: none), then the row's bits
  const rows = Buffer.alloc(stride * side);
  for (let y = 0; y < side; y++) {
    const at = y * stride;
    rows.fill(0xff, at + 1, at + stride); // 1 = light
    const my = Math.floor(y / scale) - margin;
    if (my < 0 || my >= n) continue;
    for (let mx = 0; mx < n; mx++) {
      if (!modules.get(my, mx)) continue;
      for (let x = (mx + margin) * scale, end = x + scale; x < end; x++)
        rows[at + 1 + (x >> 3)] &= ~(0x80 >> (x & 7));
    }
  }
  const header = Buffer.alloc(13); // width, height, bit depth 1, colour type 0 (grey), defaults
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 1;
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function attachment(a) {
  const content = a.qr
    ? qrPng(a.qr)
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
      attachments: (mail.attachments ?? []).map(attachment),
    });
    const raw = info.message;
    const reply = { id, raw, messageId: info.messageId, envelope: info.envelope };
    // Hand the bytes over without a copy when the buffer is not a slice of a shared pool.
    parentPort.postMessage(reply, raw.byteLength === raw.buffer.byteLength ? [raw.buffer] : []);
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
