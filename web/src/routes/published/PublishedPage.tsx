import { createClient as createSseClient } from 'graphql-sse';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { LoomManifest } from '../../../../server/loom/manifest';
import { LoomPage } from '../runner/LoomPage';
import { bindingKey, type FieldValues, type OutputState, type RunnerFieldView } from '../runner/pageTypes';
import '../runner/runner.css';

/**
 * `/p/:slug`: a published runner page for anyone. It talks to the API as an anonymous
 * visitor on purpose (no stored token is sent, no WebSocket is opened): the page, its run
 * and the run's outputs over Server-Sent Events, which need no connection-level sign-in.
 */

interface PublicRunner {
  manifest: LoomManifest | null;
  fields: RunnerFieldView[];
}

interface PublicPage {
  slug: string;
  name: string;
  description: string;
  available: boolean;
  showsLatestTriggerRun: boolean;
  runner: PublicRunner | null;
}

const graphqlPath = '/graphql';

async function post<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(graphqlPath, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!body.data) throw new Error(body.errors?.[0]?.message ?? `HTTP ${response.status}`);
  return body.data;
}

const pageQuery = `query PublishedPage($slug: String!) {
  publishedPage(slug: $slug) { slug name description available showsLatestTriggerRun runner { manifest fields { nodeId fieldKey fieldType label options min max accept value sensitive } } }
}`;

const runMutation = `mutation RunPublishedPage($slug: String!, $values: JSON) {
  runPublishedPage(slug: $slug, values: $values) {
    __typename ... on PageRun { runId runToken status } ... on Problem { message }
  }
}`;

const runSubscription = `subscription PublishedPageRun($runToken: String!) {
  publishedPageRun(runToken: $runToken) { runId status outputs { nodeId portName status value error } }
}`;

const latestRunSubscription = `subscription PublishedPageLatestRun($slug: String!) {
  publishedPageLatestRun(slug: $slug) { runId status outputs { nodeId portName status value error } }
}`;

/** A file for one of the page's file fields, through the page's own upload (counted by its rate limit). */
async function uploadToPage(slug: string, nodeId: string, fieldKey: string, file: File): Promise<unknown> {
  const query = new URLSearchParams({ node: nodeId, field: fieldKey, filename: file.name });
  const response = await fetch(`/page-files/${encodeURIComponent(slug)}?${query}`, {
    method: 'POST',
    headers: { 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });
  const body = (await response.json().catch(() => ({}))) as { value?: unknown; error?: string };
  if (!response.ok || !body.value) throw new Error(body.error ?? `The upload failed (HTTP ${response.status})`);
  return body.value;
}

type Load = { state: 'loading' } | { state: 'missing' } | { state: 'failed'; message: string } | { state: 'ready'; page: PublicPage };

export default function PublishedPage({ slug }: { slug: string }) {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  useEffect(() => {
    post<{ publishedPage: PublicPage | null }>(pageQuery, { slug }).then(
      (data) => setLoad(data.publishedPage ? { state: 'ready', page: data.publishedPage } : { state: 'missing' }),
      (error: Error) => setLoad({ state: 'failed', message: error.message }),
    );
  }, [slug]);
  useEffect(() => {
    if (load.state === 'ready') document.title = load.page.name;
    else if (load.state === 'missing') document.title = 'Page not found';
  }, [load]);
  if (load.state === 'loading') return <div className="published-message"><p>Loading…</p></div>;
  if (load.state === 'missing') return <div className="published-message"><h1>Page not found</h1><p>There is no page at this address.</p></div>;
  if (load.state === 'failed') return <div className="published-message"><h1>Could not load the page</h1><p className="error">{load.message}</p></div>;
  const { page } = load;
  if (!page.available || !page.runner?.manifest) return <div className="published-message"><h1>{page.name}</h1><p>Temporarily unavailable.</p></div>;
  return <VisitorPage slug={slug} page={page} manifest={page.runner.manifest} fields={page.runner.fields} />;
}

function VisitorPage({ slug, page, manifest, fields }: { slug: string; page: PublicPage; manifest: LoomManifest; fields: RunnerFieldView[] }) {
  const [values, setValues] = useState<FieldValues>({});
  const [outputs, setOutputs] = useState<ReadonlyMap<string, OutputState>>(new Map());
  const [runToken, setRunToken] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [toast, setToast] = useState<string | null>(null);
  const client = useMemo(() => createSseClient({ url: graphqlPath, singleConnection: false }), []);
  useEffect(() => () => client.dispose(), [client]);
  const ownRunActive = useRef(false);
  ownRunActive.current = running;

  // LOOM.md's trigger broadcast, pushed: the latest trigger-fired run's visible outputs replace the shown ones (not while the visitor's own run is going).
  useEffect(() => {
    if (!page.showsLatestTriggerRun) return;
    return client.subscribe<{ publishedPageLatestRun: { status: string; outputs: OutputState[] } }>(
      { query: latestRunSubscription, variables: { slug } },
      {
        next: (result) => {
          const update = result.data?.publishedPageLatestRun;
          if (update && !ownRunActive.current) setOutputs(new Map(update.outputs.map((o) => [bindingKey(o.nodeId, o.portName), o])));
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
  }, [client, slug, page.showsLatestTriggerRun]);

  useEffect(() => {
    if (!runToken) return;
    return client.subscribe<{ publishedPageRun: { status: string; outputs: OutputState[] } }>(
      { query: runSubscription, variables: { runToken } },
      {
        next: (result) => {
          const update = result.data?.publishedPageRun;
          if (!update) return;
          setOutputs(new Map(update.outputs.map((o) => [bindingKey(o.nodeId, o.portName), o])));
          const ended = ['completed', 'failed', 'cancelled'].includes(update.status);
          setRunning(!ended);
          if (update.status === 'failed') setToast('Run failed');
        },
        error: () => {
          setRunning(false);
          setToast('Lost the connection to the run');
        },
        complete: () => setRunning(false),
      },
    );
  }, [client, runToken]);

  async function run() {
    setToast(null);
    setRunning(true);
    try {
      const data = await post<{ runPublishedPage: { __typename: string; runToken?: string; message?: string } }>(runMutation, { slug, values });
      const started = data.runPublishedPage;
      if (started.__typename !== 'PageRun' || !started.runToken) throw new Error(started.message ?? 'The run could not start');
      setOutputs(new Map());
      setRunToken(started.runToken);
    } catch (error) {
      setRunning(false);
      setToast((error as Error).message);
    }
  }

  return (
    <div className="published-shell">
      <LoomPage
        manifest={manifest}
        mode="visitor"
        title={page.name}
        description={page.description}
        fields={fields}
        values={values}
        onValueChange={(nodeId, fieldKey, value) => setValues((current) => ({ ...current, [nodeId]: { ...current[nodeId], [fieldKey]: value } }))}
        outputs={outputs}
        running={running}
        onRun={run}
        upload={(nodeId, fieldKey, file) => uploadToPage(slug, nodeId, fieldKey, file)}
      />
      {toast && (
        <div className="published-toast" role="alert">
          <span>{toast}</span>
          <button type="button" onClick={() => setToast(null)} aria-label="Dismiss">×</button>
        </div>
      )}
    </div>
  );
}
