import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { GraphCanvas } from '../../graph/GraphCanvas';
import { placeNode, type Placement } from '../../graph/layoutText';
import { graphql } from '../../graphql/generated';
import type { DiagnosticFieldsFragment, ProjectEditorFieldsFragment } from '../../graphql/generated/graphql';
import { NodeInspector } from '../../inspector/NodeInspector';
import { RunHeader } from '../../run/RunHeader';
import { RunStore, useExecutionEvents, useRunState } from '../../run/useExecutionRun';
import { nodeAtLine } from '../../editor/weftAssist';
import { CodePanel, type CodePanelHandle } from './CodePanel';
import { DiagnosticsList } from './DiagnosticsList';
import { useDraft, useRestoredDraft } from './useDraft';
import { useCatalog, useLiveCheck } from './useLiveCheck';
import { UnsavedChangesDialog } from './UnsavedChangesDialog';
import { errorText } from '../../run/errorText';
import { formatRelative } from '../../time/format';
import { HistoryPanel } from './HistoryPanel';
import { HistoryVersionView } from './HistoryVersionView';
import { InfrastructurePanel } from './InfrastructurePanel';
import { RunLauncher, type RunOptions } from './RunLauncher';
import { TriggersPanel } from './TriggersPanel';
import { runRefusal, type RunRefusal } from './runRefusal';
import './editor.css';
import { RunnerView } from '../runner/RunnerView';
import { useRunnerView, useRunsView, ViewSwitch } from '../runner/ViewSwitch';
import { ProjectRunsView } from '../projects/ProjectRunsView';

graphql(`
  fragment DiagnosticFields on Diagnostic {
    severity
    code
    message
    line
    column
    endLine
    endColumn
    inLayout
  }
`);

graphql(`
  fragment ProjectEditorFields on Project {
    id
    name
    description
    code
    layout
    updatedAt
    diagnostics {
      ...DiagnosticFields
    }
    graph {
      ...GraphFields
    }
  }
`);

const ProjectEditorQuery = graphql(`
  query ProjectEditor($id: ID!) {
    project(id: $id) {
      ...ProjectEditorFields
    }
  }
`);

const SaveProject = graphql(`
  mutation SaveProject($id: ID!, $code: String, $layout: String) {
    updateProject(id: $id, code: $code, layout: $layout) {
      __typename
      ... on Project {
        ...ProjectEditorFields
      }
      ... on Problem {
        message
      }
    }
  }
`);

const RunProject = graphql(`
  mutation RunProject($projectId: ID!, $inputs: JSON, $testConfigId: ID) {
    runProject(projectId: $projectId, inputs: $inputs, testConfigId: $testConfigId) {
      __typename
      ... on Execution {
        id
        status
      }
      ... on Problem {
        message
      }
      ... on ProgramHasErrors {
        diagnostics {
          ...DiagnosticFields
        }
      }
    }
  }
`);

const RunContextQuery = graphql(`
  query EditorRunContext($id: ID!) {
    execution(id: $id) {
      id
      status
      project {
        id
        name
      }
      version {
        id
        label
        createdAt
        code
        graph {
          ...GraphFields
        }
      }
      openTasks {
        id
        nodeId
      }
      testConfig {
        id
        name
      }
    }
  }
`);

/** `/projects/:projectId`: the builder, or with `?view=runner` the project's runner page (routes/runner). */
export default function ProjectEditorPage() {
  const { projectId = '' } = useParams();
  const runsView = useRunsView();
  const runnerView = useRunnerView();
  if (runsView) return <ProjectRunsView projectId={projectId} />;
  return runnerView ? <RunnerView projectId={projectId} /> : <BuilderPage />;
}

/** The code and its graph side by side; `?executionId=` layers a run on the graph. */
function BuilderPage() {
  const { projectId = '' } = useParams();
  const [{ data, error, fetching }] = useQuery({ query: ProjectEditorQuery, variables: { id: projectId } });
  const loaded = data?.project;
  if (error) return <main><p className="error">Could not load the project: {errorText(error)}</p></main>;
  if (fetching && !data) return <main><p>Loading…</p></main>;
  if (!loaded) return <main><h1>Project not found</h1><p>There is no project {projectId}.</p></main>;
  return <ProjectEditor key={loaded.id} initial={loaded} />;
}

function ProjectEditor({ initial }: { initial: ProjectEditorFieldsFragment }) {
  const [saved, setSaved] = useState(initial);
  const [restoredDraft, dismissRestored] = useRestoredDraft(initial.id, initial.code);
  const [code, setCode] = useState(() => restoredDraft?.code ?? initial.code);
  const [problem, setProblem] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<RunRefusal | null>(null);
  const [selectedNodeId, setSelectedNodeId] = useState<string | null>(null);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [viewedVersionId, setViewedVersionId] = useState<string | null>(null);
  const [showCurrentCode, setShowCurrentCode] = useState(false);
  // At phone width the editor shows one pane at a time: the graph or the code.
  const [phonePane, setPhonePane] = useState<'graph' | 'code'>('graph');
  usePhonePaneFollowsWork(setPhonePane);
  // The inspector floats over the canvas's right side; the canvas keeps the selected node beside it.
  const graphSection = useRef<HTMLElement>(null);
  const [inspectorWidth, setInspectorWidth] = useState(0);
  const [saving, saveProject] = useMutation(SaveProject);
  const [running, runProject] = useMutation(RunProject);
  const [searchParams, setSearchParams] = useSearchParams();
  const executionId = searchParams.get('executionId');
  const codePanel = useRef<CodePanelHandle>(null);
  // Drags save one after another; each builds on the layout the previous one wrote.
  const layout = useRef(initial.layout);
  const { dirty, blocker } = useDraft(saved.id, code, saved.code);
  const catalog = useCatalog();
  const liveCheck = useLiveCheck(code, saved.layout, dirty);

  // The run shown: which project and which version of the code it ran.
  const runContextVariables = useMemo(() => ({ id: executionId ?? '' }), [executionId]);
  const [runContext, refetchRunContext] = useQuery({ query: RunContextQuery, variables: runContextVariables, pause: !executionId });
  const shownExecution = executionId && runContext.data?.execution?.id === executionId ? runContext.data.execution : null;
  const otherProject = shownExecution && shownExecution.project.id !== saved.id ? shownExecution.project : null;
  const runVersion = shownExecution?.version ?? null;
  const ranOtherCode = !!runVersion && runVersion.code !== saved.code;
  const onRunVersion = ranOtherCode && !showCurrentCode && !otherProject;

  const runStore = useMemo(() => (executionId ? new RunStore() : null), [executionId]);
  useExecutionEvents(otherProject ? null : runStore, executionId);
  useEffect(() => setShowCurrentCode(false), [executionId]);
  // A run that starts waiting for input has new forms to link to.
  const runStatus = useRunStatus(runStore);
  useEffect(() => {
    if (runStatus === 'waiting_for_input') refetchRunContext({ requestPolicy: 'network-only' });
  }, [runStatus, refetchRunContext]);

  const save = useCallback(async (): Promise<boolean> => {
    const result = await saveProject({ id: saved.id, code });
    if (result.error || !result.data) {
      setProblem(`Could not save: ${result.error ? errorText(result.error) : 'no answer from the server'}`);
      return false;
    }
    const updated = result.data.updateProject;
    if (updated.__typename !== 'Project') {
      setProblem(`Could not save: ${updated.message}`);
      return false;
    }
    setProblem(null);
    // What the run refused is now told by the saved code's problems (none, once fixed).
    setRefusal(null);
    dismissRestored();
    setSaved(updated);
    layout.current = updated.layout;
    return true;
  }, [saveProject, saved.id, code, dismissRestored]);

  const placeAndSave = useCallback(
    async (nodeId: string, placement: Placement) => {
      layout.current = placeNode(layout.current, nodeId, placement);
      const result = await saveProject({ id: saved.id, layout: layout.current });
      const updated = result.data?.updateProject;
      if (!updated || updated.__typename !== 'Project') {
        return setProblem(`Could not save the layout: ${updated?.message ?? (result.error ? errorText(result.error) : 'no answer')}`);
      }
      // Keep the code being typed; take the layout, the graph and what the compiler says of the saved code.
      setSaved(updated);
    },
    [saveProject, saved.id],
  );

  async function run(options: RunOptions = {}): Promise<boolean> {
    setRefusal(null);
    if (dirty && !(await save())) return false;
    const result = await runProject({ projectId: saved.id, ...options });
    const started = result.data?.runProject;
    if (!started || started.__typename !== 'Execution') {
      setRefusal(runRefusal(started, result.error));
      return false;
    }
    setSelectedNodeId(null);
    setSearchParams({ executionId: started.id });
    return true;
  }

  const saveIfChanged = useCallback(async () => (dirty ? save() : true), [dirty, save]);

  function discardDraft() {
    setCode(saved.code);
    dismissRestored();
  }

  /** A version was restored: its code and layout are now the project's. */
  const showRestored = useCallback((project: ProjectEditorFieldsFragment) => {
    setSaved(project);
    setCode(project.code);
    layout.current = project.layout;
    setViewedVersionId(null);
  }, []);

  function toggleHistory() {
    setHistoryOpen((open) => !open);
    setViewedVersionId(null);
  }

  function goTo(diagnostic: DiagnosticFieldsFragment) {
    codePanel.current?.moveTo(diagnostic.line, diagnostic.column);
  }

  useEffect(() => {
    document.title = `${saved.name} · Weftworks`;
  }, [saved.name]);

  // What is drawn and written: the run's version (read-only) or the project's code.
  const graph = onRunVersion ? runVersion.graph : saved.graph;
  const shownCode = onRunVersion ? runVersion.code : code;
  const currentDiagnostics = dirty ? (liveCheck?.code === code ? liveCheck.diagnostics : null) : saved.diagnostics;
  const listedDiagnostics = currentDiagnostics ?? saved.diagnostics;
  const programNodes = onRunVersion ? (runVersion.graph?.nodes ?? []) : ((dirty && liveCheck?.graph?.nodes) || saved.graph?.nodes || []);
  const selectedNode = graph?.nodes.find((node) => node.id === selectedNodeId) ?? null;
  const inspectorShown = selectedNode !== null && !viewedVersionId;
  useLayoutEffect(() => {
    setInspectorWidth(inspectorShown ? (graphSection.current?.querySelector<HTMLElement>(':scope > .inspector')?.offsetWidth ?? 0) : 0);
  }, [inspectorShown]);
  const errorCount = listedDiagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
  const layeredStore = otherProject ? null : runStore;

  const selectNode = useCallback(
    (nodeId: string | null) => {
      setSelectedNodeId(nodeId);
      const node = nodeId ? graph?.nodes.find((candidate) => candidate.id === nodeId) : null;
      if (node) codePanel.current?.moveTo(node.code.line, node.code.column);
    },
    [graph],
  );
  const selectNodeAtLine = useCallback(
    (line: number) => {
      const node = nodeAtLine(programNodes, line);
      if (node && graph?.nodes.some((candidate) => candidate.id === node.id)) setSelectedNodeId(node.id);
    },
    [programNodes, graph],
  );

  return (
    <div className="editor">
      <div className="editor-toolbar">
        <h1 className="editor-title">{saved.name}</h1>
        <ViewSwitch projectId={saved.id} />
        <span className="muted save-state">{saving.fetching ? 'Saving…' : dirty ? 'Unsaved changes' : 'Saved'}</span>
        <button type="button" onClick={save} disabled={!dirty || saving.fetching}>Save</button>
        <button type="button" onClick={toggleHistory} aria-pressed={historyOpen}>History</button>
        <PaneSwitch pane={phonePane} onChange={setPhonePane} />
        <RunLauncher projectId={saved.id} graph={saved.graph} busy={running.fetching || saving.fetching} starting={running.fetching} onRun={run} />
      </div>
      {otherProject && (
        <p className="error editor-problem run-other-project" role="alert">
          This run belongs to another project, {otherProject.name}, so it is not drawn here.{' '}
          <Link to={`/projects/${otherProject.id}?executionId=${executionId}`}>Open it in {otherProject.name}</Link> · <Link to={{ search: '' }}>Hide it</Link>
        </p>
      )}
      {runStore && executionId && !otherProject && (
        <RunHeader
          runStore={runStore}
          executionId={executionId}
          openTasks={shownExecution?.openTasks ?? []}
          onRerun={(id) => setSearchParams({ executionId: id })}
          nodeName={(nodeId) => graph?.nodes.find((node) => node.id === nodeId)?.label ?? nodeId}
        />
      )}
      {ranOtherCode && !otherProject && (
        <div className="run-version" role="status" data-showing={onRunVersion ? 'run-version' : 'current'}>
          {onRunVersion ? (
            <>
              <span>
                This run used an earlier version of the code{runVersion.label ? ` (“${runVersion.label}”)` : ''}, saved {formatRelative(Date.parse(runVersion.createdAt), Date.now())}.
                It is drawn on that version, read-only.
              </span>
              <button type="button" onClick={() => setShowCurrentCode(true)}>Show current code</button>
            </>
          ) : (
            <>
              <span>Showing the current code; the run is drawn where its nodes still exist.</span>
              <button type="button" onClick={() => setShowCurrentCode(false)}>Show the run’s version</button>
            </>
          )}
        </div>
      )}
      {restoredDraft && dirty && (
        <div className="draft-restored" role="status">
          <span>Unsaved changes from {formatRelative(restoredDraft.savedAt, Date.now())} were kept in this browser and are restored.</span>
          <button type="button" onClick={save}>Save them</button>
          <button type="button" onClick={discardDraft}>Discard them</button>
        </div>
      )}
      {shownExecution?.testConfig && !otherProject && (
        <p className="run-with-test-config" role="status">Made with the test config “{shownExecution.testConfig.name}”: its mocked nodes did not run.</p>
      )}
      <InfrastructurePanel projectId={saved.id} codeVersion={String(saved.updatedAt)} />
      <TriggersPanel projectId={saved.id} graph={saved.graph} codeVersion={String(saved.updatedAt)} />
      {problem && <p className="error editor-problem" role="alert">{problem}</p>}
      {refusal && (
        <div className="run-refusal" role="alert">
          <p>{refusal.message}</p>
          {refusal.diagnostics.length > 0 && <DiagnosticsList diagnostics={refusal.diagnostics} onSelect={goTo} />}
        </div>
      )}
      <div className={`editor-body${historyOpen ? ' with-history' : ''}`} data-phone-pane={phonePane}>
        {viewedVersionId ? (
          <HistoryVersionView
            key={viewedVersionId}
            versionId={viewedVersionId}
            currentCode={code}
            dirty={dirty}
            onRestored={showRestored}
            onClose={() => setViewedVersionId(null)}
          />
        ) : (
          <>
            <section className="editor-code" aria-label="Code">
              <CodePanel
                key={onRunVersion ? `version-${runVersion.id}` : 'current'}
                ref={codePanel}
                code={shownCode}
                diagnostics={onRunVersion ? noDiagnostics : (currentDiagnostics ?? noDiagnostics)}
                onChange={onRunVersion ? ignoreChange : setCode}
                onSave={save}
                catalog={catalog}
                nodes={programNodes}
                onCursorLine={selectNodeAtLine}
                readOnly={onRunVersion}
                ariaLabel={onRunVersion ? 'Weft code of the run’s version' : 'Weft code'}
              />
              {!onRunVersion && (
                <div className="editor-diagnostics">
                  <h2>
                    Problems {errorCount > 0 && <span className="count">{errorCount}</span>}
                    {dirty && !currentDiagnostics && <span className="muted"> (checking…)</span>}
                  </h2>
                  <DiagnosticsList diagnostics={listedDiagnostics} onSelect={goTo} />
                </div>
              )}
            </section>
            <section className="editor-graph" aria-label="Graph" ref={graphSection}>
              {graph ? (
                <GraphCanvas
                  key={onRunVersion ? `version-${runVersion.id}` : 'current'}
                  graph={graph}
                  runStore={layeredStore}
                  onSelectNode={selectNode}
                  onPlaceNode={placeAndSave}
                  readOnly={onRunVersion}
                  selectedNodeId={selectedNodeId}
                  panelsKey={`${historyOpen}`}
                  coveredRight={inspectorWidth}
                />
              ) : (
                <p className="empty graph-empty">The code cannot be read as Weft yet, so there is no graph to draw.</p>
              )}
              {selectedNode && (
                <NodeInspector
                  key={selectedNode.id}
                  node={selectedNode}
                  runStore={layeredStore}
                  source={shownCode}
                  onGoToLine={(line) => codePanel.current?.moveTo(line, 1)}
                  onClose={() => setSelectedNodeId(null)}
                  nodeLabel={(nodeId) => graph?.nodes.find((node) => node.id === nodeId)?.label}
                />
              )}
            </section>
          </>
        )}
        {historyOpen && <HistoryPanel projectId={saved.id} saveCode={saveIfChanged} viewedVersionId={viewedVersionId} onView={setViewedVersionId} />}
      </div>
      {blocker.state === 'blocked' && (
        <UnsavedChangesDialog
          onSaveAndLeave={async () => ((await save()) ? blocker.proceed() : blocker.reset())}
          onLeave={() => blocker.proceed()}
          onStay={() => blocker.reset()}
        />
      )}
    </div>
  );
}

const ignoreChange = () => undefined;

/**
 * A window narrowed to phone width while the user works in the code (typing, a completion open)
 * keeps showing the code rather than switching them to the graph. Where they work is where they
 * last pointed, typed or edited: not where the focus is, which a click on a node moves into the
 * code (to its line). The width matches editor.css.
 */
function usePhonePaneFollowsWork(setPhonePane: (pane: 'graph' | 'code') => void) {
  useEffect(() => {
    let workingIn: 'graph' | 'code' = 'graph';
    const onInput = (event: Event) => {
      const target = event.target instanceof Element ? event.target : null;
      if (target?.closest('.editor-code')) workingIn = 'code';
      else if (target?.closest('.editor-graph')) workingIn = 'graph';
    };
    const phone = window.matchMedia('(max-width: 800px)');
    const narrowed = () => {
      if (phone.matches && workingIn === 'code') setPhonePane('code');
    };
    const inputs = ['pointerdown', 'keydown', 'input'] as const;
    for (const type of inputs) document.addEventListener(type, onInput, true);
    phone.addEventListener('change', narrowed);
    return () => {
      for (const type of inputs) document.removeEventListener(type, onInput, true);
      phone.removeEventListener('change', narrowed);
    };
  }, [setPhonePane]);
}

/** Graph or code, shown at phone width only (CSS): the two side by side would each be too narrow to use. */
function PaneSwitch({ pane, onChange }: { pane: 'graph' | 'code'; onChange: (pane: 'graph' | 'code') => void }) {
  return (
    <div className="pane-switch" role="group" aria-label="Show">
      <button type="button" aria-pressed={pane === 'graph'} onClick={() => onChange('graph')}>Graph</button>
      <button type="button" aria-pressed={pane === 'code'} onClick={() => onChange('code')}>Code</button>
    </div>
  );
}
// One empty list, so that the code panel does not re-mark its diagnostics on every keystroke.
const noDiagnostics: DiagnosticFieldsFragment[] = [];

function useRunStatus(store: RunStore | null) {
  return useRunState(store).execution?.status ?? null;
}
