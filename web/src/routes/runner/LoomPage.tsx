import { type CSSProperties, type ReactNode, useState } from 'react';
import type { Block, BrickBlock, LiveItem, LoomManifest, PhaseBlock, Theme } from '../../../../server/loom/manifest';
import { cssSize, spacing } from '../../../../server/loom/sizes';
import { FieldWidget } from './FieldWidget';
import { Markdown } from './Markdown';
import { OutputView } from './OutputView';
import { bindingKey, type FieldValues, type LiveCardView, type OutputState, type RunnerFieldView, type UploadFile, type WaitingForm } from './pageTypes';
import './runner.css';

export interface LoomPageProps {
  manifest: LoomManifest;
  mode: 'admin' | 'visitor';
  title: string;
  description: string;
  fields: readonly RunnerFieldView[];
  values: FieldValues;
  onValueChange: (nodeId: string, fieldKey: string, value: unknown) => void;
  outputs: ReadonlyMap<string, OutputState>;
  running: boolean;
  onRun: () => void;
  /** Open HumanQuery forms of the run, by node id. */
  waiting?: ReadonlyMap<string, WaitingForm>;
  /** The project's infrastructure live data by node id (the owner's runner; a published page has none). */
  liveCards?: ReadonlyMap<string, LiveCardView>;
  /** How a file field's file is uploaded. */
  upload?: UploadFile;
}

const darkSkins = new Set(['studio', 'terminal']);
const layoutWidths: Record<string, string> = { narrow: '42rem', centered: '48rem', wide: '64rem', ultrawide: '80rem', full: 'none' };

/** The theme's classes and CSS variables: skin, colours, surface, width, density, padding, radius, light or dark. */
export function themeOf(theme: Theme): { className: string; style: CSSProperties } {
  const dark = theme.mode === 'dark' || (theme.mode !== 'light' && darkSkins.has(theme.skin));
  const classes = ['loom-page', `skin-${theme.skin}`, `density-${theme.density ?? 'comfortable'}`, `padding-${theme.padding ?? 'md'}`];
  if (theme.surface) classes.push(`surface-${theme.surface}`);
  if (dark) classes.push('loom-dark');
  else if (theme.mode === 'light') classes.push('loom-light');
  if (theme.radius) classes.push('loom-radius');
  const style: Record<string, string> = { '--loom-width': theme.contentWidth ?? layoutWidths[theme.layout ?? 'centered']! };
  if (theme.primary) style['--loom-primary'] = theme.primary;
  if (theme.accent) style['--loom-accent'] = theme.accent;
  if (theme.background) style['--loom-background'] = theme.background;
  return { className: classes.join(' '), style: style as CSSProperties };
}

/** A Loom page: every directive, rendered from the parsed manifest with the bindings the API resolved. */
export function LoomPage(props: LoomPageProps) {
  const { manifest, title, description } = props;
  const { className, style } = themeOf(manifest.theme);
  const hasHeader = manifest.blocks.some((b) => b.kind === 'brick' && (b.brick === 'hero' || b.brick === 'navbar'));
  return (
    <div className={className} style={style} data-mode={props.mode}>
      <div className="loom-content">
        {!hasHeader && (
          <header className="loom-default-header">
            <h1>{title}</h1>
            {description && <Markdown text={description} />}
          </header>
        )}
        <Blocks blocks={manifest.blocks} page={props} />
      </div>
    </div>
  );
}

function Blocks({ blocks, page }: { blocks: readonly Block[]; page: LoomPageProps }) {
  return <>{blocks.map((block, index) => <BlockView key={`${block.line}-${index}`} block={block} page={page} />)}</>;
}

function BlockView({ block, page }: { block: Block; page: LoomPageProps }) {
  switch (block.kind) {
    case 'phase':
      return <PhaseView phase={block} page={page} />;
    case 'output':
      return (
        <OutputView
          block={block}
          state={page.outputs.get(bindingKey(block.nodeId, block.portName))}
          running={page.running}
          waiting={firstWaiting(page)}
        />
      );
    case 'live':
      return <LiveCard item={block} card={page.liveCards?.get(block.nodeId)} />;
    case 'brick':
      return <BrickView brick={block} page={page} />;
  }
}

const firstWaiting = (page: LoomPageProps) => (page.waiting ? [...page.waiting.values()][0] : undefined);

function PhaseView({ phase, page }: { phase: PhaseBlock; page: LoomPageProps }) {
  if (phase.items.length + phase.liveItems.length + phase.children.length === 0) return null;
  return (
    <section className={`loom-phase${phase.title === undefined ? ' headerless' : ''}`}>
      {phase.title !== undefined && <h2 className="loom-phase-title">{phase.title}</h2>}
      {phase.description && <div className="loom-phase-description"><Markdown text={phase.description} /></div>}
      {phase.items.length > 0 && (
        <div className="loom-items">
          {phase.items.map((item, index) => {
            const binding = page.fields.find((f) => f.nodeId === item.nodeId && f.fieldKey === item.fieldKey);
            const value = page.values[item.nodeId]?.[item.fieldKey] ?? binding?.value;
            return <FieldWidget key={`${item.line}-${index}`} item={item} binding={binding} value={value} onChange={(v) => page.onValueChange(item.nodeId, item.fieldKey, v)} upload={page.upload} />;
          })}
        </div>
      )}
      {phase.liveItems.map((item, index) => <LiveCard key={`live-${index}`} item={item} card={page.liveCards?.get(item.nodeId)} />)}
      <Blocks blocks={phase.children} page={page} />
    </section>
  );
}

/** A `live` card: what the infrastructure node reports, pushed as it changes (LOOM.md 6). */
function LiveCard({ item, card }: { item: LiveItem; card: LiveCardView | undefined }) {
  const running = card?.state === 'running';
  return (
    <section className={`loom-live state-${card?.state ?? 'unknown'}`} aria-label={item.label ?? item.nodeId} data-live={item.nodeId}>
      <h3>{item.label ?? item.nodeId}{card && <span className={`loom-live-state status status-${running ? 'completed' : 'paused'}`}>{card.state.replace('_', ' ')}</span>}</h3>
      {item.description && <Markdown text={item.description} />}
      {card && running && card.items.length > 0 ? (
        <dl className="loom-live-items">
          {card.items.map((entry, index) => (
            <div key={index} className={`loom-live-item type-${entry.type}`}>
              <dt>{entry.label}</dt>
              <dd>
                {entry.type === 'image' && typeof entry.data === 'string' ? <img src={entry.data} alt={entry.label} /> :
                  entry.type === 'progress' && typeof entry.data === 'number' ? <progress value={entry.data} max={1} /> :
                  entry.type === 'time' && typeof entry.data === 'string' ? <code><time dateTime={entry.data}>{new Date(entry.data).toLocaleString()}</time></code> :
                  <code>{String(entry.data)}</code>}
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="muted">{running ? 'Waiting for data...' : 'Start infrastructure to see live data'}</p>
      )}
    </section>
  );
}

const prop = (brick: BrickBlock, key: string) => brick.props[key];

function BrickView({ brick, page }: { brick: BrickBlock; page: LoomPageProps }): ReactNode {
  const children = brick.children ?? [];
  const text = brick.content ?? prop(brick, 'text') ?? '';
  switch (brick.brick) {
    case 'hero': {
      const background = prop(brick, 'background') ?? 'gradient';
      const style: CSSProperties = {};
      if (background.startsWith('image:')) style.backgroundImage = `url("${background.slice(6).replaceAll('"', '')}")`;
      if (background.startsWith('solid:')) style.background = background.slice(6);
      return (
        <header className={`loom-hero size-${prop(brick, 'size') ?? 'md'} align-${prop(brick, 'align') ?? 'center'} bg-${background.split(':')[0]}`} style={style}>
          {prop(brick, 'eyebrow') && <p className="loom-eyebrow">{prop(brick, 'eyebrow')}</p>}
          {prop(brick, 'title') && <h1>{prop(brick, 'title')}</h1>}
          {prop(brick, 'subtitle') && <div className="loom-subtitle"><Markdown text={prop(brick, 'subtitle')!} /></div>}
          {prop(brick, 'image') && <img src={prop(brick, 'image')} alt="" className="loom-hero-image" />}
        </header>
      );
    }
    case 'navbar':
      return (
        <nav className={`loom-navbar${prop(brick, 'sticky') === 'true' ? ' sticky' : ''}`}>
          {prop(brick, 'title') && <strong>{prop(brick, 'title')}</strong>}
          <Blocks blocks={children} page={page} />
        </nav>
      );
    case 'navlink':
      return <a className="loom-navlink" href={prop(brick, 'href') ?? '#'}>{prop(brick, 'label') ?? text}</a>;
    case 'logo':
      return prop(brick, 'src') ? <img className="loom-logo" src={prop(brick, 'src')} alt={prop(brick, 'alt') ?? ''} /> : (
        <span className="loom-logo-name"><span className="loom-logo-tile" aria-hidden="true" />{prop(brick, 'name') ?? text}</span>
      );
    case 'banner':
      return <div className={`loom-banner variant-${prop(brick, 'variant') ?? 'info'}`} role="note"><Markdown text={text} /></div>;
    case 'text':
      return <div className="loom-text"><Markdown text={text} /></div>;
    case 'heading': {
      const level = Math.min(Math.max(Number(prop(brick, 'level') ?? 2) || 2, 1), 4);
      const Tag = `h${level}` as 'h1';
      return <Tag className="loom-heading">{text}</Tag>;
    }
    case 'divider':
      return <hr className="loom-divider" />;
    case 'image':
      return <img className="loom-image" src={prop(brick, 'src')} alt={prop(brick, 'alt') ?? ''} style={{ objectFit: (prop(brick, 'fit') ?? 'cover') as CSSProperties['objectFit'], height: cssSize(prop(brick, 'height')) }} />;
    case 'video':
      return <video className="loom-image" src={prop(brick, 'src')} controls style={{ height: cssSize(prop(brick, 'height')) }} />;
    case 'embed':
      return <iframe className="loom-embed" src={prop(brick, 'url')} title={prop(brick, 'title') ?? 'Embedded page'} sandbox="allow-scripts allow-same-origin allow-popups" style={{ height: cssSize(prop(brick, 'height')) ?? '480px' }} />;
    case 'quote':
      return <blockquote className="loom-quote"><Markdown text={text} />{prop(brick, 'author') && <footer>— {prop(brick, 'author')}</footer>}</blockquote>;
    case 'stat':
      return <div className="loom-stat"><strong>{prop(brick, 'value')}</strong><span>{prop(brick, 'label')}</span></div>;
    case 'stats':
      return <div className="loom-stats"><Blocks blocks={children} page={page} /></div>;
    case 'feature':
      return <div className="loom-feature">{prop(brick, 'icon') && <span className="loom-feature-dot" aria-hidden="true" />}<h3>{prop(brick, 'title')}</h3><Markdown text={text} /></div>;
    case 'feature-grid':
      return <div className="loom-feature-grid"><Blocks blocks={children} page={page} /></div>;
    case 'faq':
      return <div className="loom-faq"><Blocks blocks={children} page={page} /></div>;
    case 'qa':
      return <details className="loom-qa"><summary>{prop(brick, 'q')}</summary><Markdown text={prop(brick, 'a') ?? ''} /></details>;
    case 'testimonial':
      return (
        <figure className="loom-testimonial">
          <blockquote><Markdown text={text} /></blockquote>
          <figcaption>{prop(brick, 'avatar') && <img src={prop(brick, 'avatar')} alt="" />}<strong>{prop(brick, 'author')}</strong>{prop(brick, 'role') && <span>{prop(brick, 'role')}</span>}</figcaption>
        </figure>
      );
    case 'badge':
      return <span className={`loom-badge variant-${prop(brick, 'variant') ?? 'default'}`}>{text}</span>;
    case 'spacer':
      return <div className="loom-spacer" style={{ height: spacing(prop(brick, 'size') ?? 'md') ?? '1rem' }} aria-hidden="true" />;
    case 'section':
      return (
        <section className={`loom-section bg-${prop(brick, 'background') ?? 'none'}`} style={{ padding: spacing(prop(brick, 'padding')), gap: spacing(prop(brick, 'gap')), borderRadius: spacing(prop(brick, 'radius')), background: ['card', 'primary', 'subtle', undefined].includes(prop(brick, 'background')) ? undefined : prop(brick, 'background') }}>
          {prop(brick, 'title') && <h2>{prop(brick, 'title')}</h2>}
          <Blocks blocks={children} page={page} />
        </section>
      );
    case 'columns':
      return <Columns brick={brick} page={page} />;
    case 'card':
      return (
        <section className={`loom-card border-${prop(brick, 'border') ?? 'subtle'}${prop(brick, 'elevated') === 'true' ? ' elevated' : ''}${prop(brick, 'glass') === 'true' ? ' glass' : ''} shadow-${prop(brick, 'shadow') ?? 'none'}`}
          style={{ padding: spacing(prop(brick, 'padding')), borderRadius: spacing(prop(brick, 'radius')), height: cssSize(prop(brick, 'height')), backdropFilter: prop(brick, 'blur') ? `blur(${cssSize(prop(brick, 'blur')) ?? '8px'})` : undefined }}>
          {prop(brick, 'title') && <h3 className="loom-card-title">{prop(brick, 'title')}</h3>}
          <Blocks blocks={children} page={page} />
        </section>
      );
    case 'tabs':
      return <Tabs brick={brick} page={page} />;
    case 'tab':
      return null; // rendered by its tabs
    case 'cta': {
      const action = prop(brick, 'action') ?? 'run';
      const size = prop(brick, 'size') ?? 'md';
      const align = prop(brick, 'align') ?? 'center';
      if (action.startsWith('link:')) {
        return <div className={`loom-cta align-${align}`}><a className={`loom-cta-button size-${size}`} href={action.slice(5)}>{prop(brick, 'label') ?? 'Learn more'}</a></div>;
      }
      return (
        <div className={`loom-cta align-${align}`}>
          <button type="button" className={`loom-cta-button size-${size}`} onClick={page.onRun} disabled={page.running}>
            {page.running ? <><span className="loom-spinner" aria-hidden="true" /> Running…</> : (prop(brick, 'label') ?? 'Run')}
          </button>
        </div>
      );
    }
    case 'footer':
      return <footer className="loom-footer">{prop(brick, 'note') && <Markdown text={prop(brick, 'note')!} />}<p className="muted">Runs on Weftworks</p></footer>;
  }
}

/** `ratio` as grid columns: "2:1", "60/40", "1fr 2fr". */
function gridColumns(cols: number, ratio: string | undefined): string {
  if (ratio) {
    if (/fr/.test(ratio)) return ratio;
    const parts = ratio.split(/[:/]/).map(Number).filter((n) => Number.isFinite(n) && n > 0);
    if (parts.length > 1) return parts.map((n) => `minmax(0, ${n}fr)`).join(' ');
  }
  return `repeat(${cols}, minmax(0, 1fr))`;
}

function Columns({ brick, page }: { brick: BrickBlock; page: LoomPageProps }) {
  const cols = Math.min(Math.max(Number(brick.props.cols ?? 2) || 2, 1), 6);
  const style = { '--loom-columns': gridColumns(cols, brick.props.ratio), gap: spacing(brick.props.gap) ?? '1.25rem', alignItems: brick.props.align ?? 'start' } as CSSProperties;
  return (
    <div className={`loom-columns${brick.props.responsive === 'keep' ? ' keep' : ''}`} style={style}>
      {(brick.children ?? []).map((child, index) => <div className="loom-column" key={index}><BlockView block={child} page={page} /></div>)}
    </div>
  );
}

/** Tabs by position (two tabs with the same label are two tabs here; Weft's reference opens both). */
function Tabs({ brick, page }: { brick: BrickBlock; page: LoomPageProps }) {
  const tabs = (brick.children ?? []).filter((c): c is BrickBlock => c.kind === 'brick' && c.brick === 'tab');
  const [active, setActive] = useState(0);
  if (tabs.length === 0) return null;
  const current = Math.min(active, tabs.length - 1);
  return (
    <div className="loom-tabs">
      <div role="tablist" className="loom-tablist">
        {tabs.map((tab, index) => (
          <button key={index} type="button" role="tab" aria-selected={index === current} className={index === current ? 'active' : ''} onClick={() => setActive(index)}>
            {tab.props.label ?? `Tab ${index + 1}`}
          </button>
        ))}
      </div>
      <div role="tabpanel" className="loom-tabpanel">
        <Blocks blocks={tabs[current]!.children ?? []} page={page} />
      </div>
    </div>
  );
}
