import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../graphql/generated';
import './infrastructure.css';

const ProjectInfrastructure = graphql(`
  query ProjectInfrastructure($id: ID!) {
    project(id: $id) {
      id
      infrastructure {
        nodeId
        nodeType
        state
        inCode
        instanceId
        endpointUrl
        startedAt
        stoppedAt
      }
    }
  }
`);

const StartInfrastructure = graphql(`
  mutation StartInfrastructure($projectId: ID!, $nodeId: String) {
    startInfrastructure(projectId: $projectId, nodeId: $nodeId) {
      __typename
      ... on Project { id }
      ... on Problem { message }
    }
  }
`);
const StopInfrastructure = graphql(`
  mutation StopInfrastructure($projectId: ID!, $nodeId: String) {
    stopInfrastructure(projectId: $projectId, nodeId: $nodeId) {
      __typename
      ... on Project { id }
      ... on Problem { message }
    }
  }
`);
const TerminateInfrastructure = graphql(`
  mutation TerminateInfrastructure($projectId: ID!, $nodeId: String) {
    terminateInfrastructure(projectId: $projectId, nodeId: $nodeId) {
      __typename
      ... on Project { id }
      ... on Problem { message }
    }
  }
`);

const stateLabels: Record<string, string> = { not_started: 'Not started', running: 'Running', stopped: 'Stopped (data kept)' };

/**
 * The project's infrastructure nodes (PostgresDatabase): their state and outputs, with start, stop and
 * terminate (which drops the data, so it asks first). Shown only when the project has any.
 * `codeVersion` changes when the saved code does, so a newly declared node shows up.
 */
export function InfrastructurePanel({ projectId, codeVersion }: { projectId: string; codeVersion: string }) {
  const [{ data }, refetch] = useQuery({ query: ProjectInfrastructure, variables: { id: projectId }, requestPolicy: 'cache-and-network' });
  const [start, startInfrastructure] = useMutation(StartInfrastructure);
  const [stop, stopInfrastructure] = useMutation(StopInfrastructure);
  const [terminate, terminateInfrastructure] = useMutation(TerminateInfrastructure);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    refetch({ requestPolicy: 'network-only' });
  }, [codeVersion, refetch]);

  const nodes = data?.project?.infrastructure ?? [];
  if (nodes.length === 0) return null;
  const busy = start.fetching || stop.fetching || terminate.fetching;

  type Outcome = { __typename: string; message?: string };
  type Action = (variables: { projectId: string; nodeId: string }) => Promise<{ data?: object; error?: { message: string } }>;
  async function act(action: Action, nodeId: string) {
    setProblem(null);
    setConfirming(null);
    const result = await action({ projectId, nodeId });
    const outcome = Object.values(result.data ?? {})[0] as Outcome | undefined;
    if (result.error) setProblem(result.error.message);
    else if (outcome && outcome.__typename !== 'Project') setProblem(outcome.message ?? 'Refused');
    refetch({ requestPolicy: 'network-only' });
  }

  return (
    <section className="infrastructure" aria-label="Infrastructure">
      <h2>Infrastructure</h2>
      {problem && <p className="error" role="alert">{problem}</p>}
      <ul>
        {nodes.map((node) => (
          <li key={node.nodeId} className={`infra-node infra-${node.state}`} data-node-id={node.nodeId}>
            <span className="mono infra-name">{node.nodeId}</span>
            <span className="muted">{node.nodeType}</span>
            <span className="infra-state" data-state={node.state}>{stateLabels[node.state] ?? node.state}</span>
            {!node.inCode && <span className="muted">(no longer in the code)</span>}
            {node.instanceId && <span className="mono muted" title={node.endpointUrl ?? ''}>{node.instanceId}</span>}
            <span className="infra-actions">
              {node.state !== 'running' && node.inCode && (
                <button type="button" disabled={busy} onClick={() => act(startInfrastructure, node.nodeId)}>Start</button>
              )}
              {node.state === 'running' && (
                <button type="button" disabled={busy} onClick={() => act(stopInfrastructure, node.nodeId)}>Stop</button>
              )}
              {node.state !== 'not_started' &&
                (confirming === node.nodeId ? (
                  <span className="infra-confirm" role="alertdialog" aria-label={`Terminate ${node.nodeId}?`}>
                    Drop {node.nodeId} and all its data?
                    <button type="button" className="danger" disabled={busy} onClick={() => act(terminateInfrastructure, node.nodeId)}>
                      Terminate
                    </button>
                    <button type="button" onClick={() => setConfirming(null)}>Cancel</button>
                  </span>
                ) : (
                  <button type="button" disabled={busy} onClick={() => setConfirming(node.nodeId)}>Terminate…</button>
                ))}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
