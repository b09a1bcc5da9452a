import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { GraphNode } from '../../graph/toFlow';
import { HumanForm, type SubmitOutcome } from '../../forms/HumanForm';
import { readPortValue, textOfValue } from './portValue';
import { PortValueInput } from './PortValueInput';
import { humanTriggerForm, outputsOfAnswer } from './runInputs';
import { useEscape } from './useEscape';

export type RunInputs = Record<string, Record<string, unknown>>;

interface RunInputsDialogProps {
  triggers: readonly GraphNode[];
  /** Starts the run with these trigger outputs (or none); resolves false when it was refused. */
  onRun: (inputs: RunInputs | undefined) => Promise<boolean>;
  onClose: () => void;
  /** The test config the run is made with, to say so. */
  testConfigName?: string | null;
}

const nodeName = (node: GraphNode) => node.label ?? node.id;

/**
 * Asked before a manual run of a project whose trigger gives values (ApiPost's fields, a HumanTrigger's
 * form, …): without them every node downstream of the trigger would skip. A HumanTrigger shows its own
 * form; any other trigger one input per output port, type-checked as it is typed.
 */
export function RunInputsDialog({ triggers, onRun, onClose, testConfigName }: RunInputsDialogProps) {
  const [triggerId, setTriggerId] = useState(triggers[0]?.id ?? '');
  const trigger = triggers.find((node) => node.id === triggerId) ?? triggers[0];
  const selectId = useId();
  const first = useRef<HTMLDivElement>(null);
  useEffect(() => first.current?.querySelector<HTMLElement>('input, textarea, select, button')?.focus(), [triggerId]);
  useEscape(onClose);
  if (!trigger) return null;

  async function start(inputs: RunInputs | undefined): Promise<SubmitOutcome> {
    const started = await onRun(inputs);
    return started ? { ok: true } : { ok: false, message: 'The run did not start: see why above the editor.' };
  }

  return (
    <div className="dialog-backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div
        className="dialog run-inputs-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="run-inputs-title"
      >
        <h2 id="run-inputs-title">Run with inputs</h2>
        <p className="muted">
          The run starts at {triggers.length > 1 ? 'a trigger' : <strong>{nodeName(trigger)}</strong>} with what you give here.
          {testConfigName && <> Test config: <strong>{testConfigName}</strong>.</>}
        </p>
        {triggers.length > 1 && (
          <p>
            <label htmlFor={selectId}>Start from </label>
            <select id={selectId} value={trigger.id} onChange={(event) => setTriggerId(event.target.value)}>
              {triggers.map((node) => <option key={node.id} value={node.id}>{nodeName(node)} ({node.type})</option>)}
            </select>
          </p>
        )}
        <div ref={first} key={trigger.id} data-trigger-node={trigger.id}>
          {trigger.type === 'HumanTrigger' ? (
            <HumanTriggerInputs node={trigger} onStart={start} />
          ) : (
            <PortInputs node={trigger} onStart={start} />
          )}
        </div>
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="button" onClick={() => void start(undefined)} title="Every node fed by the trigger skips">Run without inputs</button>
        </div>
      </div>
    </div>
  );
}

function HumanTriggerInputs({ node, onStart }: { node: GraphNode; onStart: (inputs: RunInputs) => Promise<SubmitOutcome> }) {
  const form = useMemo(() => humanTriggerForm(node), [node]);
  return (
    <>
      <h3 className="run-inputs-form-title">{form.title}</h3>
      <HumanForm form={form} submitLabel="Start run" onSubmit={(answer) => onStart({ [node.id]: outputsOfAnswer(form, answer) })} />
    </>
  );
}

/** The receipt time an ApiPost gives: now, as the webhook would. */
const startingText = (node: GraphNode, port: string) => (node.type === 'ApiPost' && port === 'receivedAt' ? textOfValue(new Date().toISOString(), 'String') : '');

function PortInputs({ node, onStart }: { node: GraphNode; onStart: (inputs: RunInputs) => Promise<SubmitOutcome> }) {
  const idPrefix = useId();
  const [texts, setTexts] = useState<Record<string, string>>(() => Object.fromEntries(node.outputs.map((port) => [port.name, startingText(node, port.name)])));
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const read = node.outputs.map((port) => ({ port, value: readPortValue(texts[port.name] ?? '', port.type) }));
  const invalid = read.filter((entry) => entry.value.state === 'invalid');

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (invalid.length > 0) return setProblem(`Fix ${invalid.map((entry) => entry.port.name).join(', ')} first.`);
    const outputs: Record<string, unknown> = {};
    for (const { port, value } of read) if (value.state === 'ok') outputs[port.name] = value.value;
    setProblem(null);
    setSending(true);
    const outcome = await onStart({ [node.id]: outputs });
    setSending(false);
    if (!outcome.ok) setProblem(outcome.message);
  }

  return (
    <form className="port-inputs" onSubmit={submit} noValidate aria-label={`Inputs of ${nodeName(node)}`}>
      <p className="muted">{node.type === 'ApiPost' ? 'The fields of the request body, as a POST to its webhook would give them.' : `The outputs of ${node.type}.`}</p>
      {node.outputs.map((port) => (
        <PortValueInput
          key={port.name}
          id={`${idPrefix}-${port.name}`}
          name={port.name}
          type={port.type}
          optional={port.optional}
          text={texts[port.name] ?? ''}
          onChange={(text) => setTexts((current) => ({ ...current, [port.name]: text }))}
        />
      ))}
      {problem && <p className="form-refusal" role="alert">{problem}</p>}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={sending || invalid.length > 0}>{sending ? 'Starting…' : 'Start run'}</button>
      </div>
    </form>
  );
}
