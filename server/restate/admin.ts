const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The invocation id of a workflow's `run`, asked of Restate's admin API (its SQL over the
 * invocation table), or undefined when Restate has no such invocation. For the rare calls that
 * need it (a cancel), so that starting a run need not store it.
 */
export async function workflowInvocationId(adminUrl: string, workflow: string, key: string): Promise<string | undefined> {
  // The query API takes no parameters: only a uuid key (every execution id) is put in the text.
  if (!uuidPattern.test(key) || !/^\w+$/.test(workflow)) throw new Error(`Not a workflow key this platform makes: ${workflow}/${key}`);
  const response = await fetch(`${adminUrl}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      query: `SELECT id FROM sys_invocation WHERE target_service_name = '${workflow}' AND target_service_key = '${key}' AND target_handler_name = 'run'`,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`Restate's admin API did not answer which invocation runs ${workflow}/${key}: HTTP ${response.status} ${body}`);
  const [row] = (JSON.parse(body) as { rows: { id: string }[] }).rows;
  return row?.id;
}
