import { type ChangeEvent, useId, useRef, useState } from 'react';
import type { FileView } from '../../src/platform/uploads/index.ts';
import { tokenStore } from './api.ts';
import { type Lang, useI18n } from './i18n.tsx';

export type { FileView };
export type UploadPurpose = FileView['purpose'];

/** What the uploader says, by the server's answer: its limits are 10 MB and 40 MP (src/platform/uploads). */
const words = {
  ko: {
    choose: '이미지 올리기',
    change: '다른 이미지로 바꾸기',
    uploading: (pct: number) => `올리는 중… ${pct}%`,
    hint: 'JPEG, PNG, WebP, AVIF, GIF · 10MB 이하',
    413: '파일이 너무 큽니다. 10MB 이하로 올려 주세요.',
    415: '이 형식은 올릴 수 없습니다. JPEG, PNG, WebP, AVIF, GIF 이미지를 골라 주세요.',
    422: '이미지가 너무 큽니다(4천만 화소 초과). 크기를 줄여 주세요.',
    429: '잠시 후 다시 올려 주세요. 올리기 횟수가 너무 많습니다.',
    401: '로그인이 필요합니다.',
    failed: '올리지 못했습니다. 다시 시도해 주세요.',
  },
  en: {
    choose: 'Upload an image',
    change: 'Choose another image',
    uploading: (pct: number) => `Uploading… ${pct}%`,
    hint: 'JPEG, PNG, WebP, AVIF or GIF · up to 10 MB',
    413: 'That file is too large: up to 10 MB, please.',
    415: 'That type cannot be uploaded: choose a JPEG, PNG, WebP, AVIF or GIF image.',
    422: 'That image has too many pixels (over 40 MP): make it smaller.',
    429: 'Too many uploads: please try again in a little while.',
    401: 'Please log in first.',
    failed: 'The upload failed. Please try again.',
  },
} satisfies Record<Lang, unknown>;

type UploadError = 413 | 415 | 422 | 429 | 401 | 'failed';

/** POSTs one file as multipart with the bearer token, reporting upload progress (fetch cannot). */
function send(file: File, purpose: UploadPurpose, onProgress: (pct: number) => void): Promise<FileView> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/files');
    const token = tokenStore.get();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onload = () => {
      if (xhr.status === 201) {
        try {
          resolve((JSON.parse(xhr.responseText) as { data: { file: FileView } }).data.file);
        } catch {
          reject('failed');
        }
        return;
      }
      const known = [413, 415, 422, 429, 401] as const;
      reject(known.find((s) => s === xhr.status) ?? 'failed');
    };
    xhr.onerror = () => reject('failed');
    const form = new FormData();
    form.append('purpose', purpose);
    form.append('file', file);
    xhr.send(form);
  });
}

/**
 * Picks an image and uploads it (`POST /api/files`): a button, the upload's progress, and the
 * server's refusal in the user's words. `onUploaded` gets the stored file (its variants' URLs).
 */
export function ImageUpload({
  purpose,
  onUploaded,
  hasImage = false,
}: {
  purpose: UploadPurpose;
  onUploaded: (file: FileView) => void;
  hasImage?: boolean;
}) {
  const { lang } = useI18n();
  const w = words[lang === 'ko' ? 'ko' : 'en'];
  const input = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const [progress, setProgress] = useState<number>();
  const [error, setError] = useState<UploadError>();
  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setError(undefined);
    setProgress(0);
    try {
      onUploaded(await send(file, purpose, setProgress));
    } catch (err) {
      setError(err as UploadError);
    } finally {
      setProgress(undefined);
    }
  };
  return (
    <div className="image-upload" data-testid="image-upload">
      <input
        ref={input}
        type="file"
        accept="image/jpeg,image/png,image/webp,image/avif,image/gif"
        onChange={pick}
        hidden
        aria-describedby={hintId}
        data-testid="image-upload-input"
      />
      <button
        type="button"
        className="btn btn-small btn-ghost"
        disabled={progress !== undefined}
        onClick={() => input.current?.click()}
      >
        {progress !== undefined ? w.uploading(progress) : hasImage ? w.change : w.choose}
      </button>
      <span id={hintId} className="muted small">
        {w.hint}
      </span>
      {error !== undefined && (
        <div className="field-error" role="alert" data-testid="image-upload-error">
          {w[error]}
        </div>
      )}
    </div>
  );
}

/** The variant widths the server makes (src/platform/uploads VARIANTS). */
const WIDTHS = { '128': 128, '512': 512, '1280': 1280 } as const;

/**
 * An uploaded image at the size the screen needs: the browser picks among the variants by `sizes`
 * (CSS width it will be shown at), loading lazily.
 */
export function Picture({
  file,
  alt,
  sizes = '(max-width: 760px) 100vw, 512px',
  className,
}: {
  file: Pick<FileView, 'variants' | 'width' | 'height'>;
  alt: string;
  sizes?: string;
  className?: string;
}) {
  const srcSet = (Object.keys(WIDTHS) as (keyof typeof WIDTHS)[])
    .map((v) => `${file.variants[v]} ${WIDTHS[v]}w`)
    .join(', ');
  return (
    <img
      src={file.variants['512']}
      srcSet={srcSet}
      sizes={sizes}
      alt={alt}
      width={file.width}
      height={file.height}
      loading="lazy"
      decoding="async"
      className={className}
    />
  );
}
