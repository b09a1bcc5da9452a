import ReactMarkdown from 'react-markdown';

/** Loom's Markdown (labels, descriptions, text bricks, outputs): no raw HTML, links open beside the page. */
export function Markdown({ text, inline = false }: { text: string; inline?: boolean }) {
  return (
    <div className={inline ? 'loom-md loom-md-inline' : 'loom-md'}>
      <ReactMarkdown skipHtml components={{ a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noreferrer noopener" /> }}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
