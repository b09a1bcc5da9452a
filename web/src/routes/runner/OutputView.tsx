import type { OutputBlock } from '../../../../server/loom/manifest';
import { cssSize } from '../../../../server/loom/sizes';
import { CopyButton } from '../../inspector/CopyButton';
import { Markdown } from './Markdown';
import type { OutputState, WaitingForm } from './pageTypes';

const asJson = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

/** A media value's link: a string (URL or data URI), or the `url` of a Weft media value `{url, mimeType, filename}`. */
function mediaUrl(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const url = value && typeof value === 'object' ? (value as { url?: unknown }).url : undefined;
  return typeof url === 'string' ? url : undefined;
}

function Content({ variant, value }: { variant: string | undefined; value: unknown }) {
  const media = mediaUrl(value);
  switch (variant) {
    case 'image':
      if (media) return <img className="loom-media" src={media} alt={(value as { filename?: string })?.filename ?? ''} />;
      break;
    case 'audio':
      if (media) return <audio className="loom-media" src={media} controls />;
      break;
    case 'video':
      if (media) return <video className="loom-media" src={media} controls />;
      break;
    case 'download':
      if (media) return <a className="loom-download" href={media} download>↓ Download result</a>;
      break;
    case 'code':
    case 'json':
      return <pre className="loom-pre mono">{asJson(value)}</pre>;
    case 'progress':
      if (typeof value === 'number' && value >= 0 && value <= 1) {
        return <div className="loom-progress" role="progressbar" aria-valuenow={Math.round(value * 100)} aria-valuemin={0} aria-valuemax={100}><span style={{ width: `${value * 100}%` }} /></div>;
      }
      break;
    default:
      break;
  }
  return <Markdown text={typeof value === 'string' ? value : '```json\n' + JSON.stringify(value, null, 2) + '\n```'} />;
}

/** An `output` block: its node's value as the run commits it, a skeleton while it runs, its error if it failed. */
export function OutputView({ block, state, running, waiting }: { block: OutputBlock; state: OutputState | undefined; running: boolean; waiting: WaitingForm | undefined }) {
  const value = state?.value;
  const empty = value === null || value === undefined || (Array.isArray(value) && value.every((v) => v === null));
  const height = cssSize(block.height);
  const style = {
    height,
    minHeight: cssSize(block.minHeight) ?? (height ? undefined : '180px'),
    maxHeight: cssSize(block.maxHeight),
    width: cssSize(block.width),
  };
  const copyable = typeof value === 'string' && ['markdown', 'code', 'json', undefined].includes(block.variant);
  return (
    <section className={`loom-output chrome-${block.chrome ?? 'card'}`} data-output={`${block.nodeId}.${block.portName}`} data-status={state?.status ?? 'pending'} aria-label={block.label ?? block.portName}>
      <header className="loom-output-head">
        <h3><Markdown text={block.label ?? block.portName} inline /></h3>
        {copyable && <CopyButton text={value as string} />}
      </header>
      {block.description && <div className="loom-output-help"><Markdown text={block.description} /></div>}
      <div className="loom-output-body" style={style}>
        {state?.status === 'failed' ? (
          <div className="loom-output-error" role="alert"><strong>Failed</strong><pre className="mono">{state.error ?? 'The node failed.'}</pre></div>
        ) : waiting && empty && state?.status !== 'skipped' ? (
          <p className="loom-waiting">Waiting for an answer: <a href={waiting.href}>{waiting.title}</a></p>
        ) : !empty ? (
          <Content variant={block.variant} value={value} />
        ) : running && state?.status !== 'skipped' ? (
          <div className="loom-skeleton" aria-busy="true"><span>Running…</span></div>
        ) : (
          <p className="loom-placeholder">{state?.status === 'skipped' ? 'Not produced in this run (skipped).' : (block.placeholder ?? 'Your result will appear here after running.')}</p>
        )}
      </div>
    </section>
  );
}
