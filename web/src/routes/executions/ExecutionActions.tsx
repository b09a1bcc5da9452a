import { Link } from 'react-router';
import type { ExecutionStatus } from '../../graphql/generated/graphql';
import { CopyButton } from '../../inspector/CopyButton';
import { useRunControls } from '../../run/useRunControls';

/** View in editor, Cancel, Pause or Resume, Re-run and Copy as JSON; a refusal is shown as the server put it. */
export function ExecutionActions({ execution, projectId, copyAsJson }: {
  execution: { id: string; status: ExecutionStatus };
  projectId: string;
  copyAsJson: () => string;
}) {
  const { controls, notice } = useRunControls({
    executionId: execution.id,
    status: execution.status,
    rerun: 'always',
    onRerun: (started) => `Started a new run, ${started.slice(-8)}; it is at the top of the list.`,
  });
  return (
    <div className="execution-actions">
      <Link className="button" to={`/projects/${projectId}?executionId=${execution.id}`}>View in editor</Link>
      {controls}
      <CopyButton text={copyAsJson} label="Copy as JSON" className="" />
      {notice}
    </div>
  );
}
