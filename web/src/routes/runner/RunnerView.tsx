import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery, useSubscription } from 'urql';
import { requestHeaders } from '../../graphql/client';
import type { LoomManifest } from '../../../../server/loom/manifest';
import { outputStates } from '../../../../server/loom/runOutputs';
import { CodeEditor, type CodeEditorHandle } from '../../editor/CodeEditor';
import { loomLanguage } from '../../editor/loomLanguage';
import { graphql } from '../../graphql/generated';
import type { RunnerPageFieldsFragment, RunnerProjectQuery as RunnerProjectData } from '../../graphql/generated/graphql';
import { RunStore, useExecutionEvents, useRunState } from '../../run/useExecutionRun';
import { StatusBadge } from '../../run/StatusBadge';
import { LoomPage } from './LoomPage';
import { bindingKey, type FieldValues, type OutputState, type WaitingForm } from './pageTypes';
import { ViewSwitch } from './ViewSwitch';

graphql(`
  fragment RunnerPageFields on RunnerPage {
    mode
    manifest
    ok
    diagnostics { severity code message line column }
    fields { nodeId fieldKey fieldType label options min max accept value sensitive }
    outputs { nodeId portName sourceNodeId sourcePort }
    live { nodeId label }
  }
`);

const RunnerProjectQuery = graphql(`
  query RunnerProject($id: ID!) {
    project(id: $id) {
      id
      name
      description
      loomCode
      publishedPages { id slug path state runsPerMinute views showLatestTriggerRun }
    }
  }
`);

const LiveData = graphql(`
  subscription RunnerLiveData($projectId: ID!) {
    runnerLiveData(projectId: $projectId) { nodeId nodeType state items { type label data } }
  }
`);

/** A file for a file field, into the platform's file store (POST /files): the field's value. */
async function uploadToStore(projectId: string, file: File): Promise<unknown> {
  const query = new URLSearchParams({ filename: file.name, projectId });
  const response = await fetch(`/files?${query}`, { method: 'POST', headers: { ...requestHeaders(), 'content-type': file.type || 'application/octet-stream' }, body: file });
  const body = (await response.json().catch(() => ({}))) as { id?: string; filename?: string; mimeType?: string; size?: number; url?: string; error?: string };
  if (!response.ok || !body.id) throw new Error(body.error ?? `The upload failed (HTTP ${response.status})`);
  return { url: body.url, filename: body.filename, mime_type: body.mimeType, size_bytes: body.size, file_id: body.id };
}

const CheckLoomQuery = graphql(`
  query CheckLoomPreview($projectId: ID!, $loomCode: String!, $mode: RunnerMode) {
    checkLoom(projectId: $projectId, loomCode: $loomCode, mode: $mode) { ...RunnerPageFields }
  }
`);

const SaveLoom = graphql(`
  mutation SaveLoomCode($projectId: ID!, $loomCode: String!) {
    saveLoomCode(projectId: $projectId, loomCode: $loomCode) { __typename ... on Project { id loomCode } ... on Problem { message } }
  }
`);

const RunRunnerPage = graphql(`
  mutation RunRunnerPage($projectId: ID!, $values: JSON) {
    runRunnerPage(projectId: $projectId, values: $values) { __typename ... on Execution { id status } ... on Problem { message } }
  }
`);

const SaveDefaults = graphql(`
  mutation SaveRunnerDefaults($projectId: ID!, $values: JSON!) {
    saveRunnerDefaults(projectId: $projectId, values: $values) { __typename ... on Project { id code } ... on Problem { message } }
  }
`);

const OpenForms = graphql(`
  query RunnerOpenForms($id: ID!) { execution(id: $id) { id openTasks { id nodeId title } } }
`);

const PublishPage = graphql(`
  mutation PublishRunnerPage($projectId: ID!, $slug: String!, $runsPerMinute: Int, $showLatestTriggerRun: Boolean) {
    publishPage(projectId: $projectId, slug: $slug, runsPerMinute: $runsPerMinute, showLatestTriggerRun: $showLatestTriggerRun) {
      __typename ... on PublishedPage { id slug path state runsPerMinute views showLatestTriggerRun } ... on Problem { message }
    }
  }
`);

const PausePage = graphql(`
  mutation PauseRunnerPage($slug: String!, $paused: Boolean) { pausePage(slug: $slug, paused: $paused) { __typename ... on PublishedPage { id state } ... on Problem { message } } }
`);

const UnpublishPage = graphql(`
  mutation UnpublishRunnerPage($slug: String!) { unpublishPage(slug: $slug) { __typename ... on PublishedPage { id slug } ... on Problem { message } } }
`);

const starterLoom = `hero title:"My project" subtitle:"What it does, in one line"
phase "Inputs" {
  # field <node id> <config field> as:textarea
}
# output <node id> <output port> as:markdown
cta label:"Run"
`;

const activeStatuses = new Set(['pending', 'running', 'waiting_for_input', 'paused']);

/** Debounces a value: what it was `delayMs` after it last changed. */
function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/** The runner of a project in the builder: its Loom page (admin, or as a visitor sees it), a Loom editor beside it, runs with the page's values. */
export function RunnerView({ projectId }: { projectId: string }) {
  const [{ data, error, fetching }, refetchProject] = useQuery({ query: RunnerProjectQuery, variables: { id: projectId } });
  const project = data?.project;
  if (error) return <main><p className="error">Could not load the project: {error.message}</p></main>;
  if (fetching && !data) return <main><p>Loading…</p></main>;
  if (!project) return <main><h1>Project not found</h1><p>There is no project {projectId}.</p></main>;
  return <Runner key={project.id} project={project} refetchProject={() => refetchProject({ requestPolicy: 'network-only' })} />;
}

type RunnerProject = NonNullable<RunnerProjectData['project']>;

function Runner({ project, refetchProject }: { project: RunnerProject; refetchProject: () => void }) {
  const [loomCode, setLoomCode] = useState(project.loomCode ?? '');
  const [savedLoom, setSavedLoom] = useState(project.loomCode ?? '');
  const [mode, setMode] = useState<'admin' | 'visitor'>('admin');
  const [editorOpen, setEditorOpen] = useState(true);
  const [values, setValues] = useState<FieldValues>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [searchParams, setSearchParams] = useSearchParams();
  const executionId = searchParams.get('executionId');
  const editor = useRef<CodeEditorHandle>(null);
  const language = useMemo(() => loomLanguage(), []);

  const previewText = useDebounced(loomCode, 300);
  const [{ data: preview }, reexecutePreview] = useQuery({
    query: CheckLoomQuery,
    variables: { projectId: project.id, loomCode: previewText, mode },
    pause: previewText.trim() === '',
  });
  const page: RunnerPageFieldsFragment | null = previewText.trim() === '' ? null : (preview?.checkLoom ?? null);

  const [saving, saveLoom] = useMutation(SaveLoom);
  const [starting, runPage] = useMutation(RunRunnerPage);
  const [savingDefaults, saveDefaults] = useMutation(SaveDefaults);
  const [notice, setNotice] = useState<string | null>(null);

  const runStore = useMemo(() => (executionId ? new RunStore() : null), [executionId]);
  useExecutionEvents(runStore, executionId);
  const runState = useRunState(runStore);
  const status = runState.execution?.status ?? (executionId ? 'pending' : null);
  const running = starting.fetching || (status !== null && activeStatuses.has(status));

  const outputs = useMemo(() => {
    const runs = [...runState.nodes.values()].flatMap((summary) => summary.lanes);
    const bindings = (page?.outputs ?? []).map((o) => ({
      nodeId: o.nodeId, portName: o.portName, source: o.sourceNodeId && o.sourcePort ? { nodeId: o.sourceNodeId, port: o.sourcePort } : null,
    }));
    const states = outputStates(bindings, runs.map((run) => ({ nodeId: run.nodeId, lane: run.lane, status: run.status, output: run.output, error: run.error })));
    return new Map<string, OutputState>(states.map((state) => [bindingKey(state.nodeId, state.portName), state]));
  }, [runState, page]);

  const [{ data: live }] = useSubscription({ query: LiveData, variables: { projectId: project.id } });
  const liveCards = useMemo(() => new Map((live?.runnerLiveData ?? []).map((card) => [card.nodeId, card])), [live]);

  const waitingCount = [...runState.nodes.values()].filter((summary) => summary.status === 'waiting_for_input').length;
  const [{ data: forms }, refetchForms] = useQuery({ query: OpenForms, variables: { id: executionId ?? '' }, pause: !executionId || waitingCount === 0, requestPolicy: 'network-only' });
  useEffect(() => {
    if (executionId && waitingCount > 0) refetchForms({ requestPolicy: 'network-only' });
  }, [executionId, waitingCount, refetchForms]);
  const waiting = useMemo(() => {
    const map = new Map<string, WaitingForm>();
    for (const task of forms?.execution?.openTasks ?? []) map.set(task.nodeId, { nodeId: task.nodeId, title: task.title, href: `/tasks/${task.id}` });
    // Output blocks are keyed by the node they show; a waiting form is shown on the blocks whose node waits.
    return map;
  }, [forms]);

  async function save() {
    const result = await saveLoom({ projectId: project.id, loomCode });
    const saved = result.data?.saveLoomCode;
    if (!saved || saved.__typename !== 'Project') return setProblem(`Could not save the page: ${saved && 'message' in saved ? saved.message : result.error?.message}`);
    setProblem(null);
    setSavedLoom(saved.loomCode ?? '');
  }

  async function run() {
    setProblem(null);
    if (loomCode !== savedLoom) await save();
    const result = await runPage({ projectId: project.id, values });
    const started = result.data?.runRunnerPage;
    if (!started || started.__typename !== 'Execution') return setProblem(`Could not run: ${started && 'message' in started ? started.message : result.error?.message}`);
    searchParams.set('executionId', started.id);
    setSearchParams(searchParams);
  }

  /** The explicit step that rewrites the code: the page's values become the nodes' defaults. */
  async function saveAsDefaults() {
    setProblem(null);
    const result = await saveDefaults({ projectId: project.id, values });
    const saved = result.data?.saveRunnerDefaults;
    if (!saved || saved.__typename !== 'Project') return setProblem(`Could not save the defaults: ${saved && 'message' in saved ? saved.message : result.error?.message}`);
    setValues({});
    setNotice('Saved as the defaults in the code.');
    reexecutePreview({ requestPolicy: 'network-only' });
  }

  const manifest = page?.manifest as LoomManifest | null | undefined;
  const edited = Object.values(values).some((byKey) => Object.keys(byKey ?? {}).length > 0);
  const errors = page?.diagnostics.filter((d) => d.severity === 'error').length ?? 0;

  return (
    <div className="runner">
      <div className="runner-toolbar">
        <h1>{project.name}</h1>
        <ViewSwitch projectId={project.id} />
        <div className="view-switch" role="group" aria-label="Show the page as">
          <a href="#admin" aria-current={mode === 'admin' ? 'page' : undefined} onClick={(e) => { e.preventDefault(); setMode('admin'); }}>Admin</a>
          <a href="#visitor" aria-current={mode === 'visitor' ? 'page' : undefined} onClick={(e) => { e.preventDefault(); setMode('visitor'); }}>Visitor preview</a>
        </div>
        <button type="button" onClick={() => setEditorOpen((open) => !open)} aria-pressed={editorOpen}>Loom editor</button>
        <button type="button" onClick={saveAsDefaults} disabled={!edited || savingDefaults.fetching} title="Write the values set on the page into the code as the nodes' defaults">
          Save as defaults
        </button>
        {notice && !edited && <span className="muted" role="status">{notice}</span>}
        {status && <StatusBadge status={status as never} />}
        {executionId && <a className="view-run" href={`/projects/${project.id}?executionId=${executionId}`}>Open the run in the builder</a>}
      </div>
      {problem && <p className="error editor-problem" role="alert">{problem}</p>}
      <div className={`runner-body${editorOpen ? '' : ' no-editor'}`}>
        <div className="runner-preview" aria-label="Runner page">
          {manifest ? (
            <LoomPage
              manifest={manifest}
              mode={mode}
              title={project.name}
              description={project.description}
              fields={page!.fields}
              values={values}
              onValueChange={(nodeId, fieldKey, value) => setValues((current) => ({ ...current, [nodeId]: { ...current[nodeId], [fieldKey]: value } }))}
              outputs={outputs}
              running={running}
              onRun={run}
              waiting={waiting}
              liveCards={liveCards}
              upload={(_nodeId, _fieldKey, file) => uploadToStore(project.id, file)}
            />
          ) : (
            <div className="runner-empty">
              <h2>{loomCode.trim() === '' ? 'This project has no runner page yet' : 'Nothing to show yet'}</h2>
              <p className="muted">A runner page is written in Loom: which fields a person may set, which outputs are shown, and the presentation around them.</p>
              {loomCode.trim() === '' && <button type="button" onClick={() => setLoomCode(starterLoom)}>Start from a template</button>}
            </div>
          )}
        </div>
        {editorOpen && (
          <aside className="runner-side" aria-label="Loom editor">
            <div className="runner-editor-head">
              <h2>Loom {errors > 0 && <span className="count">{errors}</span>}</h2>
              <span className="muted save-state">{saving.fetching ? 'Saving…' : loomCode !== savedLoom ? 'Unsaved changes' : 'Saved'}</span>{' '}
              <button type="button" onClick={save} disabled={loomCode === savedLoom || saving.fetching}>Save page</button>
            </div>
            <div className="runner-editor">
              <CodeEditor ref={editor} value={loomCode} onChange={setLoomCode} language={language} diagnostics={page?.diagnostics ?? []} onSave={save} ariaLabel="Loom code" />
            </div>
            {page && page.diagnostics.length > 0 && (
              <ul className="runner-diagnostics" aria-label="Loom problems">
                {page.diagnostics.map((d, index) => (
                  <li key={index}>
                    <button type="button" className={`severity-${d.severity}`} onClick={() => editor.current?.moveTo(d.line, d.column)}>
                      {d.line}: {d.message}
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <PublishPanel project={project} canPublish={savedLoom.trim() !== ''} onChanged={refetchProject} />
          </aside>
        )}
      </div>
    </div>
  );
}

function PublishPanel({ project, canPublish, onChanged }: { project: RunnerProject; canPublish: boolean; onChanged: () => void }) {
  const [slug, setSlug] = useState(project.publishedPages[0]?.slug ?? project.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63));
  const [message, setMessage] = useState<string | null>(null);
  const [showLatest, setShowLatest] = useState(project.publishedPages[0]?.showLatestTriggerRun ?? false);
  const [, publish] = useMutation(PublishPage);
  const [, pause] = useMutation(PausePage);
  const [, unpublish] = useMutation(UnpublishPage);
  const report = (result: { __typename: string; message?: string } | undefined, error?: { message: string }) => {
    setMessage(result && result.__typename !== 'PublishedPage' ? (result.message ?? 'Refused') : error ? error.message : null);
    onChanged();
  };
  return (
    <section className="runner-publish" aria-label="Publish">
      <h2>Publish</h2>
      <form onSubmit={async (e) => { e.preventDefault(); const r = await publish({ projectId: project.id, slug, showLatestTriggerRun: showLatest }); report(r.data?.publishPage as never, r.error); }}>
        <label>/p/<input value={slug} onChange={(e) => setSlug(e.target.value)} aria-label="Page slug" size={18} /></label>
        <button type="submit" disabled={!canPublish}>Publish</button>
        <label className="runner-publish-option">
          <input type="checkbox" checked={showLatest} onChange={(e) => setShowLatest(e.target.checked)} /> Show visitors the latest trigger-fired run
        </label>
      </form>
      {message && <p className="error" role="alert">{message}</p>}
      <ul>
        {project.publishedPages.map((page) => (
          <li key={page.id}>
            <a href={page.path} target="_blank" rel="noreferrer">{page.path}</a>
            <span className={`status status-${page.state === 'live' ? 'completed' : 'paused'}`}>{page.state}</span>
            <span className="muted">{page.views} views · {page.runsPerMinute} runs/min{page.showLatestTriggerRun ? ' · shows the latest trigger run' : ''}</span>
            <button type="button" onClick={async () => { const r = await pause({ slug: page.slug, paused: page.state === 'live' }); report(r.data?.pausePage as never, r.error); }}>
              {page.state === 'live' ? 'Pause' : 'Resume'}
            </button>
            <button type="button" onClick={async () => { const r = await unpublish({ slug: page.slug }); report(r.data?.unpublishPage as never, r.error); }}>Unpublish</button>
          </li>
        ))}
      </ul>
    </section>
  );
}
