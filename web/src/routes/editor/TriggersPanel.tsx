import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../graphql/generated';
import type { GraphFieldsFragment } from '../../graphql/generated/graphql';
import { CopyButton } from '../../inspector/CopyButton';
import { errorText } from '../../run/errorText';
import { formatRelative } from '../../time/format';
import './runTools.css';

const ProjectTriggers = graphql(`
  query ProjectTriggers($id: ID!) {
    project(id: $id) {
      id
      triggers {
        id
        nodeId
        kind
        state
        error
        config
        cron
        timezone
        webhookPath
        activatedAt
        executions(first: 1) {
          totalCount
        }
      }
    }
  }
`);

const ActivateTriggers = graphql(`
  mutation PanelActivateTriggers($projectId: ID!) {
    activateTriggers(projectId: $projectId) {
      __typename
      ... on Project { id }
      ... on Problem { message }
    }
  }
`);
const DeactivateTriggers = graphql(`
  mutation PanelDeactivateTriggers($projectId: ID!) {
    deactivateTriggers(projectId: $projectId) {
      __typename
      ... on Project { id }
      ... on Problem { message }
    }
  }
`);
const ActivateTrigger = graphql(`
  mutation PanelActivateTrigger($id: ID!) {
    activateTrigger(id: $id) {
      __typename
      ... on Trigger { id state }
      ... on Problem { message }
    }
  }
`);
const DeactivateTrigger = graphql(`
  mutation PanelDeactivateTrigger($id: ID!) {
    deactivateTrigger(id: $id) {
      __typename
      ... on Trigger { id state }
      ... on Problem { message }
    }
  }
`);

const stateLabels: Record<string, string> = { active: 'Active', inactive: 'Inactive', error: 'Error' };

interface TriggersPanelProps {
  projectId: string;
  /** The saved code's graph: its trigger nodes, activated or not. */
  graph: GraphFieldsFragment | null;
  /** Changes when the saved code does. */
  codeVersion: string;
}

/**
 * The project's triggers (Cron, ApiPost, HumanTrigger, Rss): each one's state, its webhook URL or
 * schedule, how many runs it started, with activate and deactivate — one or all. Shown only when
 * the code has a trigger or one was activated before.
 */
export function TriggersPanel({ projectId, graph, codeVersion }: TriggersPanelProps) {
  const [{ data }, refetch] = useQuery({ query: ProjectTriggers, variables: { id: projectId }, requestPolicy: 'cache-and-network' });
  const [activatingAll, activateAll] = useMutation(ActivateTriggers);
  const [deactivatingAll, deactivateAll] = useMutation(DeactivateTriggers);
  const [activatingOne, activateOne] = useMutation(ActivateTrigger);
  const [deactivatingOne, deactivateOne] = useMutation(DeactivateTrigger);
  const [problem, setProblem] = useState<string | null>(null);
  const [open, setOpen] = useState(true);

  useEffect(() => {
    refetch({ requestPolicy: 'network-only' });
  }, [codeVersion, refetch]);

  const stored = data?.project?.triggers ?? [];
  const inCode = (graph?.nodes ?? []).filter((node) => node.isTrigger);
  const neverActivated = inCode.filter((node) => !stored.some((trigger) => trigger.nodeId === node.id));
  if (stored.length === 0 && inCode.length === 0) return null;
  const busy = activatingAll.fetching || deactivatingAll.fetching || activatingOne.fetching || deactivatingOne.fetching;
  const activeCount = stored.filter((trigger) => trigger.state === 'active').length;

  type Outcome = { __typename: string; message?: string };
  async function act(work: () => Promise<{ data?: object; error?: Parameters<typeof errorText>[0] }>, accepted: string) {
    setProblem(null);
    const result = await work();
    const outcome = Object.values(result.data ?? {})[0] as Outcome | undefined;
    if (result.error) setProblem(errorText(result.error));
    else if (outcome && outcome.__typename !== accepted) setProblem(outcome.message ?? 'Refused');
    refetch({ requestPolicy: 'network-only' });
  }

  const now = Date.now();
  return (
    <section className="triggers-panel" aria-label="Triggers" data-active={activeCount}>
      <div className="triggers-head">
        <button type="button" className="triggers-toggle" aria-expanded={open} onClick={() => setOpen((shown) => !shown)}>
          <h2>Triggers</h2>
        </button>
        <span className="muted">{activeCount > 0 ? `${activeCount} active` : 'none active: they start no runs'}</span>
        <span className="triggers-actions">
          <button type="button" disabled={busy} onClick={() => act(() => activateAll({ projectId }), 'Project')}
            title="Take the trigger nodes of the saved code and turn them on">
            {activeCount > 0 ? 'Re-activate all' : 'Activate all'}
          </button>
          {activeCount > 0 && <button type="button" disabled={busy} onClick={() => act(() => deactivateAll({ projectId }), 'Project')}>Deactivate all</button>}
        </span>
      </div>
      {problem && <p className="error" role="alert">{problem}</p>}
      {open && (
        <ul>
          {stored.map((trigger) => {
            const url = trigger.webhookPath ? `${window.location.origin}${trigger.webhookPath}` : null;
            const config = (trigger.config ?? {}) as Record<string, unknown>;
            const codeNode = inCode.find((node) => node.id === trigger.nodeId);
            const stillInCode = codeNode !== undefined;
            return (
              <li key={trigger.id} className={`trigger-row trigger-${trigger.state}`} data-node-id={trigger.nodeId} data-state={trigger.state}>
                <span className="trigger-name">{codeNode?.label ?? trigger.nodeId}</span>
                {codeNode?.label && <span className="mono muted">{trigger.nodeId}</span>}
                <span className="muted">{trigger.kind}</span>
                <span className="trigger-state">{stateLabels[trigger.state] ?? trigger.state}</span>
                {!stillInCode && <span className="muted">(no longer in the code)</span>}
                {trigger.cron && <span className="mono muted">{trigger.cron}{trigger.timezone ? ` (${trigger.timezone})` : ''}</span>}
                {url && (
                  <span className="trigger-webhook">
                    POST <code className="trigger-url">{url}</code>
                    <CopyButton text={url} label="Copy URL" />
                    {config.apiKey === '(set)' && <span className="muted">with header x-api-key</span>}
                  </span>
                )}
                <span className="muted">
                  {trigger.executions.totalCount} run{trigger.executions.totalCount === 1 ? '' : 's'}
                  {trigger.activatedAt && trigger.state === 'active' && <> · since {formatRelative(Math.min(Date.parse(trigger.activatedAt), now), now)}</>}
                </span>
                {trigger.error && <span className="trigger-error" role="alert">{trigger.error}</span>}
                <span className="trigger-actions">
                  {trigger.state === 'active' ? (
                    <button type="button" disabled={busy} onClick={() => act(() => deactivateOne({ id: trigger.id }), 'Trigger')}>Deactivate</button>
                  ) : (
                    stillInCode && <button type="button" disabled={busy} onClick={() => act(() => activateOne({ id: trigger.id }), 'Trigger')}>Activate</button>
                  )}
                </span>
              </li>
            );
          })}
          {neverActivated.map((node) => (
            <li key={node.id} className="trigger-row trigger-inactive" data-node-id={node.id} data-state="never">
              <span className="trigger-name">{node.label ?? node.id}</span>
              {node.label && <span className="mono muted">{node.id}</span>}
              <span className="muted">{node.type}</span>
              <span className="trigger-state">Never activated</span>
              <span className="muted">Activate all to turn it on.</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
