import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { GraphCanvas } from '../../graph/GraphCanvas';
import { placeNode, type Placement } from '../../graph/layoutText';
import { graphql } from '../../graphql/generated';
import type { DiagnosticFieldsFragment, ProjectEditorFieldsFragment } from '../../graphql/generated/graphql';
import { NodeInspector } from '../../inspector/NodeInspector';
import { RunHeader } from '../../run/RunHeader';
import { RunStore, useExecutionEvents } from '../../run/useExecutionRun';
import { CodePanel, type CodePanelHandle } from './CodePanel';
import { DiagnosticsList } from './DiagnosticsList';
import { HistoryPanel } from './HistoryPanel';
import { HistoryVersionView } from './HistoryVersionView';
import { InfrastructurePanel } from './InfrastructurePanel';
import { runRefusal, type RunRefusal } from './runRefusal';
import './editor.css';
import { RunnerView } from '../runner/RunnerView';
import { useRunnerView, ViewSwitch } from '../runner/ViewSwitch';

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
  mutation RunProject($projectId: ID!) {
    runProject(projectId: $projectId) {
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

/** `/projects/:projectId`: the builder, or with `?view=runner` the project's runner page (routes/runner). */
export default function ProjectEditorPage() {
  const { projectId = '' } = useParams();
  return useRunnerView() ? <RunnerView projectId={projectId} /> : <BuilderPage />;
}

/** The code and its graph side by side; `?executionId=` layers a run on the graph. */
function BuilderPage() {
  const { projectId = '' } = useParams();
  const [{ data, error, fetching }] = useQuery({ query: ProjectEditorQuery, variables: { id: projectId } });
  const loaded = data?.project;
  if (error) return <main><p className="error">Could not load the project: {error.message}</p></main>;
  if (fetching && !data) return <main><p>Loading…</p></main>;
  if (!loaded) return <main><h1>Project not found</h1><p>There is no project {projectId}.</p></main>;
  return <ProjectEditor key={loaded.id} initial={loaded} />;
}

function ProjectEditor({ initial }: { initial: ProjectEditorFieldsFragment }) {
  const [saved, setSaved] = useState(initial);
  const [code, setCode] = useState(initial.code);
  const [problem, setProblem] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<RunRefusal | null>(null);
  const [selectedNodeId, setSelectedNodeId] = useState<string | null>(null);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [viewedVersionId, setViewedVersionId] = useState<string | null>(null);
  const [saving, saveProject] = useMutation(SaveProject);
  const [running, runProject] = useMutation(RunProject);
  const [searchParams, setSearchParams] = useSearchParams();
  const executionId = searchParams.get('executionId');
  const codePanel = useRef<CodePanelHandle>(null);
  // Drags save one after another; each builds on the layout the previous one wrote.
  const layout = useRef(initial.layout);

  const runStore = useMemo(() => (executionId ? new RunStore() : null), [executionId]);
  useExecutionEvents(runStore, executionId);

  const dirty = code !== saved.code;

  const save = useCallback(async (): Promise<boolean> => {
    const result = await saveProject({ id: saved.id, code });
    if (result.error || !result.data) {
      setProblem(`Could not save: ${result.error?.message}`);
      return false;
    }
    const updated = result.data.updateProject;
    if (updated.__typename !== 'Project') {
      setProblem(`Could not save: ${updated.message}`);
      return false;
    }
    setProblem(null);
    setSaved(updated);
    layout.current = updated.layout;
    return true;
  }, [saveProject, saved.id, code]);

  const placeAndSave = useCallback(
    async (nodeId: string, placement: Placement) => {
      layout.current = placeNode(layout.current, nodeId, placement);
      const result = await saveProject({ id: saved.id, layout: layout.current });
      const updated = result.data?.updateProject;
      if (!updated || updated.__typename !== 'Project') {
        return setProblem(`Could not save the layout: ${updated?.message ?? result.error?.message}`);
      }
      // Keep the code being typed; take the layout, the graph and what the compiler says of the saved code.
      setSaved(updated);
    },
    [saveProject, saved.id],
  );

  async function run() {
    setRefusal(null);
    if (dirty && !(await save())) return;
    const result = await runProject({ projectId: saved.id });
    const started = result.data?.runProject;
    if (!started || started.__typename !== 'Execution') return setRefusal(runRefusal(started, result.error));
    setSelectedNodeId(null);
    setSearchParams({ executionId: started.id });
  }

  const saveIfChanged = useCallback(async () => (dirty ? save() : true), [dirty, save]);

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

  const selectedNode = saved.graph?.nodes.find((node) => node.id === selectedNodeId) ?? null;
  const errorCount = saved.diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;

  return (
    <div className="editor">
      <div className="editor-toolbar">
        <h1 className="editor-title">{saved.name}</h1>
        <ViewSwitch projectId={saved.id} />
        <span className="muted save-state">{saving.fetching ? 'Saving…' : dirty ? 'Unsaved changes' : 'Saved'}</span>
        <button type="button" onClick={save} disabled={!dirty || saving.fetching}>Save</button>
        <button type="button" onClick={toggleHistory} aria-pressed={historyOpen}>History</button>
        <button type="button" className="primary" onClick={run} disabled={running.fetching || saving.fetching}>
          {running.fetching ? 'Starting…' : 'Run'}
        </button>
      </div>
      {runStore && executionId && <RunHeader runStore={runStore} executionId={executionId} />}
      <InfrastructurePanel projectId={saved.id} codeVersion={String(saved.updatedAt)} />
      {problem && <p className="error editor-problem" role="alert">{problem}</p>}
      {refusal && (
        <div className="run-refusal" role="alert">
          <p>{refusal.message}</p>
          {refusal.diagnostics.length > 0 && <DiagnosticsList diagnostics={refusal.diagnostics} onSelect={goTo} />}
        </div>
      )}
      <div className={`editor-body${historyOpen ? ' with-history' : ''}`}>
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
              <CodePanel ref={codePanel} code={code} diagnostics={dirty ? [] : saved.diagnostics} onChange={setCode} onSave={save} />
              <div className="editor-diagnostics">
                <h2>
                  Problems {errorCount > 0 && <span className="count">{errorCount}</span>}
                  {dirty && <span className="muted"> (of the saved code)</span>}
                </h2>
                <DiagnosticsList diagnostics={saved.diagnostics} onSelect={goTo} />
              </div>
            </section>
            <section className="editor-graph" aria-label="Graph">
              {saved.graph ? (
                <GraphCanvas graph={saved.graph} runStore={runStore} onSelectNode={setSelectedNodeId} onPlaceNode={placeAndSave} />
              ) : (
                <p className="empty graph-empty">The code cannot be read as Weft yet, so there is no graph to draw.</p>
              )}
              {selectedNode && (
                <NodeInspector key={selectedNode.id} node={selectedNode} runStore={runStore} onClose={() => setSelectedNodeId(null)} />
              )}
            </section>
          </>
        )}
        {historyOpen && <HistoryPanel projectId={saved.id} saveCode={saveIfChanged} viewedVersionId={viewedVersionId} onView={setViewedVersionId} />}
      </div>
    </div>
  );
}
