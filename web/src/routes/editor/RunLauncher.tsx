import { useId, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import type { GraphFieldsFragment, TestConfigFieldsFragment } from '../../graphql/generated/graphql';
import { RunInputsDialog, type RunInputs } from './RunInputsDialog';
import { triggersTakingInputs } from './runInputs';
import { TestConfigsDialog } from './TestConfigsDialog';
import { ProjectTestConfigs } from './testConfigOperations';
import './runTools.css';

export interface RunOptions {
  inputs?: RunInputs;
  testConfigId?: string;
}

interface RunLauncherProps {
  projectId: string;
  /** The saved code's graph: its triggers decide whether Run asks for inputs. */
  graph: GraphFieldsFragment | null;
  busy: boolean;
  starting: boolean;
  /** Starts a run; resolves false when it was refused (the editor shows why). */
  onRun: (options: RunOptions) => Promise<boolean>;
}

/**
 * The editor's Run button with what a run is made with: the test config to mock nodes with (and the
 * dialog to write them), and, for a project whose trigger gives values, a form for them first.
 */
export function RunLauncher({ projectId, graph, busy, starting, onRun }: RunLauncherProps) {
  const [{ data }, refetch] = useQuery({ query: ProjectTestConfigs, variables: { id: projectId }, requestPolicy: 'cache-and-network' });
  const configs = data?.project?.testConfigs ?? [];
  const [testConfigId, setTestConfigId] = useState('');
  const [asking, setAsking] = useState<{ testConfigId: string } | null>(null);
  const [managing, setManaging] = useState(false);
  const selectId = useId();
  const nodes = graph?.nodes ?? [];
  const triggers = useMemo(() => triggersTakingInputs(graph?.nodes ?? []), [graph]);
  // A config deleted meanwhile is no longer offered.
  const chosen = configs.some((config) => config.id === testConfigId) ? testConfigId : '';

  async function run(options: RunOptions): Promise<boolean> {
    const started = await onRun(options);
    if (started) {
      setAsking(null);
      // The list of runs made with the config grows.
      if (options.testConfigId) refetch({ requestPolicy: 'network-only' });
    }
    return started;
  }

  function start(configId: string) {
    if (triggers.length > 0) setAsking({ testConfigId: configId });
    else void run({ testConfigId: configId || undefined });
  }

  function runWith(config: TestConfigFieldsFragment) {
    setManaging(false);
    setTestConfigId(config.id);
    start(config.id);
  }

  const askingConfig = asking ? configs.find((config) => config.id === asking.testConfigId) : undefined;
  return (
    <span className="run-launcher">
      <label htmlFor={selectId} className="visually-hidden">Test config</label>
      <select id={selectId} className="run-test-config" value={chosen} onChange={(event) => setTestConfigId(event.target.value)} title="Run with a test config: its mocked nodes give its values instead of running">
        <option value="">No mocks</option>
        {configs.map((config) => <option key={config.id} value={config.id}>Mocks: {config.name}</option>)}
      </select>
      <button type="button" onClick={() => setManaging(true)}>Test configs</button>
      <button type="button" className="primary" onClick={() => start(chosen)} disabled={busy}>
        {starting ? 'Starting…' : triggers.length > 0 ? 'Run…' : 'Run'}
      </button>
      {asking && (
        <RunInputsDialog
          triggers={triggers}
          testConfigName={askingConfig?.name ?? null}
          onRun={(inputs) => run({ inputs, testConfigId: asking.testConfigId || undefined })}
          onClose={() => setAsking(null)}
        />
      )}
      {managing && (
        <TestConfigsDialog
          projectId={projectId}
          nodes={nodes}
          onRunWith={runWith}
          onClose={() => {
            setManaging(false);
            refetch({ requestPolicy: 'network-only' });
          }}
        />
      )}
    </span>
  );
}
