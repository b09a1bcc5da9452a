import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import type { GraphNode } from '../../graph/toFlow';
import type { TestConfigFieldsFragment } from '../../graphql/generated/graphql';
import { errorText } from '../../run/errorText';
import { formatRelative } from '../../time/format';
import { readPortValue, textOfValue } from './portValue';
import { PortValueInput } from './PortValueInput';
import { useEscape } from './useEscape';
import { CreateTestConfig, DeleteTestConfig, ProjectTestConfigs, UpdateTestConfig } from './testConfigOperations';

interface TestConfigsDialogProps {
  projectId: string;
  /** The nodes of the saved code: the ones that can be mocked. */
  nodes: readonly GraphNode[];
  onClose: () => void;
  /** Run the project with this config. */
  onRunWith: (config: TestConfigFieldsFragment) => void;
}

type Mocks = Record<string, Record<string, unknown>>;
const asMocks = (value: unknown): Mocks => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Mocks) : {});
const nodeName = (node: GraphNode | undefined, id: string) => (node?.label ? `${node.label} (${id})` : id);

/**
 * The project's test configs: named sets of mocked node outputs. A run made with one does not run
 * the mocked nodes; they give these values instead. Each config lists the runs made with it.
 */
export function TestConfigsDialog({ projectId, nodes, onClose, onRunWith }: TestConfigsDialogProps) {
  const [{ data, error }, refetch] = useQuery({ query: ProjectTestConfigs, variables: { id: projectId }, requestPolicy: 'cache-and-network' });
  const [editing, setEditing] = useState<TestConfigFieldsFragment | 'new' | null>(null);
  const [, deleteConfig] = useMutation(DeleteTestConfig);
  const [problem, setProblem] = useState<string | null>(null);
  const configs = data?.project?.testConfigs ?? [];
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  useEscape(() => (editing ? setEditing(null) : onClose()));

  async function remove(config: TestConfigFieldsFragment) {
    const result = await deleteConfig({ id: config.id });
    if (result.error) setProblem(`Could not delete: ${errorText(result.error)}`);
    refetch({ requestPolicy: 'network-only' });
  }

  return (
    <div className="dialog-backdrop" onMouseDown={(event) => event.target === event.currentTarget && !editing && onClose()}>
      <div className="dialog test-configs-dialog" role="dialog" aria-modal="true" aria-labelledby="test-configs-title"
>
        <h2 id="test-configs-title">Test configs</h2>
        {editing ? (
          <TestConfigEditor
            projectId={projectId}
            nodes={nodes}
            config={editing === 'new' ? null : editing}
            onDone={() => {
              setEditing(null);
              refetch({ requestPolicy: 'network-only' });
            }}
          />
        ) : (
          <>
            <p className="muted">A test config mocks chosen nodes: in a run made with it they do not run and give the outputs written here.</p>
            {error && <p className="error" role="alert">Could not load them: {errorText(error)}</p>}
            {problem && <p className="error" role="alert">{problem}</p>}
            {configs.length === 0 ? (
              <p className="empty">No test configs yet.</p>
            ) : (
              <ul className="test-config-list">
                {configs.map((config) => (
                  <TestConfigItem key={config.id} config={config} nodes={nodes} onEdit={() => setEditing(config)} onDelete={() => void remove(config)} onRun={() => onRunWith(config)} onOpenRun={onClose} />
                ))}
              </ul>
            )}
            <div className="dialog-buttons">
              <button type="button" ref={close} onClick={onClose}>Close</button>
              <button type="button" className="primary" onClick={() => setEditing('new')}>New test config</button>
            </div>
          </>
        )}
      </div>
    </div>
  );
}

function TestConfigItem({ config, nodes, onEdit, onDelete, onRun, onOpenRun }: { config: TestConfigFieldsFragment; nodes: readonly GraphNode[]; onEdit: () => void; onDelete: () => void; onRun: () => void; onOpenRun: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const mocked = Object.keys(asMocks(config.mocks));
  const now = Date.now();
  return (
    <li className="test-config" data-test-config={config.name}>
      <div className="test-config-head">
        <strong>{config.name}</strong>
        <span className="test-config-actions">
          <button type="button" onClick={onRun}>Run with it</button>
          <button type="button" onClick={onEdit}>Edit</button>
          {confirming ? (
            <span role="alertdialog" aria-label={`Delete ${config.name}?`} className="test-config-confirm">
              Delete it? <button type="button" className="danger" onClick={onDelete}>Delete</button>
              <button type="button" onClick={() => setConfirming(false)}>Keep</button>
            </span>
          ) : (
            <button type="button" onClick={() => setConfirming(true)}>Delete…</button>
          )}
        </span>
      </div>
      <p className="muted test-config-mocked">
        Mocks {mocked.length === 0 ? 'no node' : mocked.map((id) => nodeName(nodes.find((node) => node.id === id), id)).join(', ')}
      </p>
      <p className="test-config-runs">
        {config.executionCount === 0 ? (
          <span className="muted">Not used by any run yet.</span>
        ) : (
          <>
            Used by {config.executionCount} run{config.executionCount === 1 ? '' : 's'}:{' '}
            {config.executions.map((run, index) => (
              <span key={run.id}>
                {index > 0 && ', '}
                <Link to={{ search: `?executionId=${run.id}` }} className="test-config-run" data-status={run.status} title={run.id} onClick={onOpenRun}>
                  <span className="mono">{run.id.slice(-8)}</span> {run.status.replace(/_/g, ' ')}, {formatRelative(Math.min(Date.parse(run.startedAt), now), now)}
                </Link>
              </span>
            ))}
          </>
        )}
      </p>
    </li>
  );
}

/** Text typed per node and port, read against each port's type as it is typed. */
type Texts = Record<string, Record<string, string>>;

function textsOf(mocks: Mocks, nodes: readonly GraphNode[]): Texts {
  const texts: Texts = {};
  for (const [nodeId, outputs] of Object.entries(mocks)) {
    const node = nodes.find((candidate) => candidate.id === nodeId);
    texts[nodeId] = Object.fromEntries(Object.entries(outputs ?? {}).map(([port, value]) => {
      const type = node?.outputs.find((output) => output.name === port)?.type ?? 'JsonDict';
      return [port, textOfValue(value, type)];
    }));
  }
  return texts;
}

function TestConfigEditor({ projectId, nodes, config, onDone }: { projectId: string; nodes: readonly GraphNode[]; config: TestConfigFieldsFragment | null; onDone: () => void }) {
  const idPrefix = useId();
  const [name, setName] = useState(config?.name ?? '');
  const [texts, setTexts] = useState<Texts>(() => textsOf(asMocks(config?.mocks), nodes));
  const [refusal, setRefusal] = useState<string | null>(null);
  const [creating, create] = useMutation(CreateTestConfig);
  const [updating, update] = useMutation(UpdateTestConfig);
  const nameInput = useRef<HTMLInputElement>(null);
  useEffect(() => nameInput.current?.focus(), []);
  const mockable = nodes.filter((node) => node.outputs.length > 0);
  const picked = Object.keys(texts);
  const unpicked = mockable.filter((node) => !picked.includes(node.id));

  const problems: string[] = [];
  const mocks: Mocks = {};
  for (const nodeId of picked) {
    const node = nodes.find((candidate) => candidate.id === nodeId);
    mocks[nodeId] = {};
    for (const [port, text] of Object.entries(texts[nodeId] ?? {})) {
      const type = node?.outputs.find((output) => output.name === port)?.type;
      // A port no longer in the code is sent as it is: the server says what is wrong with it.
      const read = type ? readPortValue(text, type) : { state: 'ok' as const, value: text };
      if (read.state === 'invalid') problems.push(`${nodeId}.${port}`);
      if (read.state === 'ok') mocks[nodeId][port] = read.value;
    }
  }

  function pick(nodeId: string) {
    const node = nodes.find((candidate) => candidate.id === nodeId);
    if (!node) return;
    setTexts((current) => ({ ...current, [nodeId]: Object.fromEntries(node.outputs.map((port) => [port.name, ''])) }));
  }

  function unpick(nodeId: string) {
    setTexts(({ [nodeId]: _removed, ...rest }) => rest);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (name.trim() === '') return setRefusal('Give it a name.');
    if (problems.length > 0) return setRefusal(`Fix ${problems.join(', ')} first.`);
    setRefusal(null);
    const result = config
      ? await update({ id: config.id, name: name.trim(), mocks })
      : await create({ projectId, name: name.trim(), mocks });
    const saved = result.data ? Object.values(result.data)[0] as { __typename: string; message?: string } : undefined;
    if (!saved) return setRefusal(`Could not save: ${result.error ? errorText(result.error) : 'no answer from the server'}`);
    if (saved.__typename !== 'TestConfig') return setRefusal(saved.message ?? 'The server refused it.');
    onDone();
  }

  return (
    <form className="test-config-editor" onSubmit={save} noValidate aria-label={config ? `Edit ${config.name}` : 'New test config'}>
      <div className="form-field">
        <label className="form-label" htmlFor={`${idPrefix}-name`}>Name</label>
        <input id={`${idPrefix}-name`} ref={nameInput} className="form-text" value={name} onChange={(event) => setName(event.target.value)} />
      </div>
      <h3>Mocked nodes</h3>
      {picked.length === 0 && <p className="muted">No node is mocked yet: add one below.</p>}
      {picked.map((nodeId) => {
        const node = nodes.find((candidate) => candidate.id === nodeId);
        const ports = node ? node.outputs : Object.keys(texts[nodeId] ?? {}).map((port) => ({ name: port, type: 'JsonDict', optional: true }));
        return (
          <fieldset key={nodeId} className="mocked-node" data-node-id={nodeId}>
            <legend>
              {nodeName(node, nodeId)} <span className="muted">{node?.type ?? '(no longer in the code)'}</span>
            </legend>
            {ports.map((port) => (
              <PortValueInput
                key={port.name}
                id={`${idPrefix}-${nodeId}-${port.name}`}
                name={port.name}
                type={port.type}
                text={texts[nodeId]?.[port.name] ?? ''}
                onChange={(text) => setTexts((current) => ({ ...current, [nodeId]: { ...current[nodeId], [port.name]: text } }))}
              />
            ))}
            <button type="button" className="mocked-node-remove" onClick={() => unpick(nodeId)}>Stop mocking {node?.label ?? nodeId}</button>
          </fieldset>
        );
      })}
      {unpicked.length > 0 && (
        <div className="form-field">
          <label className="form-label" htmlFor={`${idPrefix}-add`}>Mock a node</label>
          <select id={`${idPrefix}-add`} value="" onChange={(event) => pick(event.target.value)}>
            <option value="">Choose a node…</option>
            {unpicked.map((node) => <option key={node.id} value={node.id}>{nodeName(node, node.id)} · {node.type}</option>)}
          </select>
        </div>
      )}
      {refusal && <p className="form-refusal" role="alert">{refusal}</p>}
      <div className="dialog-buttons">
        <button type="button" onClick={onDone}>Cancel</button>
        <button type="submit" className="primary" disabled={creating.fetching || updating.fetching}>{config ? 'Save changes' : 'Create'}</button>
      </div>
    </form>
  );
}
