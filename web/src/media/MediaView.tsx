import type { Media } from './mediaValue';
import { useMediaUrl } from './useMediaUrl';
import './media.css';

const kindWord = { image: 'Image', audio: 'Audio', video: 'Video', document: 'Document' } as const;

/**
 * A media value shown as what it is: an image, an audio or video player, or a link to the document
 * (a PDF opens in a new tab). `compact` is the canvas's thumbnail size; its players opt out of
 * React Flow's dragging so that they can be used.
 */
export function MediaView({ media, compact = false, alt, caption = !compact }: { media: Media; compact?: boolean; alt?: string; caption?: boolean }) {
  const { url, gone, renew } = useMediaUrl(media.url);
  const name = media.filename || kindWord[media.kind];
  const className = `media-view media-${media.kind}${compact ? ' media-compact nodrag' : ''}`;
  if (gone) {
    return <div className={`${className} media-gone`} data-media-kind={media.kind}>{name}: the file has been deleted</div>;
  }
  switch (media.kind) {
    case 'image':
      return (
        <figure className={className} data-media-kind="image">
          <img src={url} alt={alt ?? name} onError={renew} />
          {caption && <figcaption className="media-caption">{name} <span className="muted mono">{media.mimeType}</span></figcaption>}
        </figure>
      );
    case 'audio':
      return (
        <figure className={className} data-media-kind="audio">
          <audio src={url} controls preload="metadata" aria-label={alt ?? name} onError={renew} />
          {caption && <figcaption className="media-caption">{name} <span className="muted mono">{media.mimeType}</span></figcaption>}
        </figure>
      );
    case 'video':
      return (
        <figure className={className} data-media-kind="video">
          <video src={url} controls preload="metadata" muted={compact} aria-label={alt ?? name} onError={renew} />
          {caption && <figcaption className="media-caption">{name} <span className="muted mono">{media.mimeType}</span></figcaption>}
        </figure>
      );
    default:
      return (
        <div className={className} data-media-kind="document">
          <span className="media-doc-icon" aria-hidden="true">{media.mimeType === 'application/pdf' ? 'PDF' : 'DOC'}</span>
          <a href={url} target="_blank" rel="noreferrer" className="media-doc-link" title={name}>{name}</a>
          {caption && <span className="muted mono media-doc-type">{media.mimeType}</span>}
        </div>
      );
  }
}

/** A list of media values as a strip of compact views (the first `max`). */
export function MediaStrip({ items, max = 12 }: { items: Media[]; max?: number }) {
  return (
    <div className="media-strip">
      {items.slice(0, max).map((media, index) => <MediaView key={index} media={media} compact />)}
      {items.length > max && <span className="muted">+{items.length - max} more</span>}
    </div>
  );
}
