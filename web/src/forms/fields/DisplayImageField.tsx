import { MediaView } from '../../media/MediaView';
import { asMedia, type Media } from '../../media/mediaValue';
import type { FieldProps } from './fieldProps';

/** The image a `display_image` field shows: a media value, or a URL (or data: URL) given as text. */
function imageOf(value: unknown): Media | null {
  if (typeof value === 'string' && value !== '') return { kind: 'image', url: value, mimeType: 'image/*', filename: '' };
  const media = asMedia(value);
  if (media) return media;
  // A bare { url } (or { src }) without a MIME type: taken as an image, since the field says so.
  if (typeof value === 'object' && value !== null) {
    const { url, src } = value as { url?: unknown; src?: unknown };
    const link = typeof url === 'string' && url !== '' ? url : typeof src === 'string' && src !== '' ? src : null;
    if (link) return { kind: 'image', url: link, mimeType: 'image/*', filename: '' };
  }
  return null;
}

/** `display_image`: an image from the run, shown read-only (a fresh link when the store's has expired). */
export function DisplayImageField({ field }: FieldProps) {
  const image = imageOf(field.value);
  return (
    <figure className="form-field" data-field-type={field.fieldType} data-field-key={field.key}>
      {image ? (
        <MediaView media={image} alt={field.label} caption={false} />
      ) : (
        <p className="muted">(no image)</p>
      )}
      <figcaption className="form-label">{field.label}</figcaption>
    </figure>
  );
}
