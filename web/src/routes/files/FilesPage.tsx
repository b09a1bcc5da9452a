import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../graphql/generated';
import './files.css';

const FilesQuery = graphql(`
  query FilesPage {
    files(first: 100) {
      id
      filename
      mimeType
      size
      executionId
      nodeId
      createdAt
      url
      project {
        id
        name
      }
    }
  }
`);

const DeleteFile = graphql(`
  mutation DeleteFile($id: ID!) {
    deleteFile(id: $id)
  }
`);

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** An image, audio, video or PDF shown in the page; anything else is a download link. */
function Preview({ url, mimeType, filename }: { url: string; mimeType: string; filename: string }) {
  if (mimeType.startsWith('image/')) return <img className="file-preview" src={url} alt={filename} />;
  if (mimeType.startsWith('audio/')) return <audio className="file-preview" src={url} controls aria-label={filename} />;
  if (mimeType.startsWith('video/')) return <video className="file-preview" src={url} controls aria-label={filename} />;
  if (mimeType === 'application/pdf') return <iframe className="file-preview file-pdf" src={url} title={filename} />;
  return <a href={url} download={filename}>Download {filename}</a>;
}

/** Every stored file: size, type, project, execution, created; a preview of the one chosen; delete. */
export default function FilesPage() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: FilesQuery, requestPolicy: 'cache-and-network' });
  const [deleting, deleteFile] = useMutation(DeleteFile);
  const [selected, setSelected] = useState<string | null>(null);
  const files = data?.files ?? [];
  const chosen = files.find((file) => file.id === selected) ?? null;

  useEffect(() => {
    document.title = 'Files · Weftworks';
  }, []);

  async function remove(id: string) {
    await deleteFile({ id });
    if (selected === id) setSelected(null);
    refetch({ requestPolicy: 'network-only' });
  }

  return (
    <main className="files-page">
      <h1>Files</h1>
      {error && <p className="error" role="alert">{error.message}</p>}
      {!fetching && files.length === 0 && <p className="empty" data-testid="no-files">No files yet: upload one with POST /files, or run a project that makes some.</p>}
      <div className="files-layout">
        {files.length > 0 && (
          <table className="files-table">
            <thead>
              <tr><th>Name</th><th>Size</th><th>Type</th><th>Project</th><th>Execution</th><th>Created</th><th /></tr>
            </thead>
            <tbody>
              {files.map((file) => (
                <tr key={file.id} data-file-id={file.id} className={file.id === selected ? 'selected' : undefined}>
                  <td><button type="button" className="link" onClick={() => setSelected(file.id)}>{file.filename}</button></td>
                  <td className="num">{formatSize(file.size)}</td>
                  <td className="mono">{file.mimeType}</td>
                  <td>{file.project ? <Link to={`/projects/${file.project.id}`}>{file.project.name}</Link> : <span className="muted">—</span>}</td>
                  <td>
                    {file.executionId && file.project ? (
                      <Link to={`/projects/${file.project.id}?executionId=${file.executionId}`} className="mono">{file.executionId.slice(0, 8)}{file.nodeId ? ` · ${file.nodeId}` : ''}</Link>
                    ) : (
                      <span className="muted">uploaded</span>
                    )}
                  </td>
                  <td><time dateTime={String(file.createdAt)}>{new Date(String(file.createdAt)).toLocaleString()}</time></td>
                  <td><button type="button" disabled={deleting.fetching} onClick={() => remove(file.id)} aria-label={`Delete ${file.filename}`}>Delete</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {chosen && (
          <section className="file-viewer" aria-label={`Preview of ${chosen.filename}`}>
            <h2>{chosen.filename}</h2>
            <Preview url={chosen.url} mimeType={chosen.mimeType} filename={chosen.filename} />
          </section>
        )}
      </div>
    </main>
  );
}
