import type { FieldProps } from './fieldProps';

/** Where an image value points: a URL or data: URL as text, or a media object with `url` (or `src`). */
function imageSource(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'object' && value !== null) {
    const { url, src } = value as { url?: unknown; src?: unknown };
    if (typeof url === 'string') return url;
    if (typeof src === 'string') return src;
  }
  return null;
}

/** `display_image`: an image from the run, shown read-only. */
export function DisplayImageField({ field }: FieldProps) {
  const source = imageSource(field.value);
  return (
    <figure className="form-field" data-field-type={field.fieldType} data-field-key={field.key}>
      {source ? <img className="form-image" src={source} alt={field.label} /> : <p className="muted">(no image)</p>}
      <figcaption className="form-label">{field.label}</figcaption>
    </figure>
  );
}
