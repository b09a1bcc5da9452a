import { useConnection } from '../graphql/connection';

const labels = { connecting: 'Connecting…', connected: 'Live', reconnecting: 'Reconnecting…' } as const;

/** Says whether live updates are flowing: "Live", or "Reconnecting…" while the socket is down. */
export function ConnectionIndicator() {
  const { state } = useConnection();
  return (
    <span className={`connection connection-${state}`} role="status" data-state={state}
      title={state === 'reconnecting' ? 'The connection to the server was lost; trying again. What you see may be out of date.' : undefined}>
      <span className="connection-dot" aria-hidden="true" />
      {labels[state]}
    </span>
  );
}
