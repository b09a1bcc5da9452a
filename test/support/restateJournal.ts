/*
 * Restate's own record of what it journaled, read through its SQL introspection API
 * (`POST <admin>/query`, tables sys_invocation and sys_journal): what the durability tests
 * check "a finished step is never run again" against, rather than inferring it from timing.
 */

export interface JournaledStep {
  /** How many `Command: Run` entries carry this name (a replay never adds one). */
  commands: number;
  /** Whether its completion (`Notification: Run`) is in the journal: after a crash it replays instead of running. */
  done: boolean;
  /** The journaled result (the step's return value, parsed), when done. */
  result?: unknown;
}

interface JournalRow {
  execution_id: string;
  entry_type: string;
  entry_json: string;
}

/** Runs one SQL query on Restate's admin API and returns its rows. */
export async function restateQuery<Row>(adminUrl: string, query: string): Promise<Row[]> {
  const response = await fetch(`${adminUrl}/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query }),
  });
  if (!response.ok) throw new Error(`Restate's SQL query failed (${response.status}): ${await response.text()}`);
  return ((await response.json()) as { rows: Row[] }).rows;
}

/** The type of each entry of one execution's journal, in order (`Command: Run`, `Command: GetPromise`, …). */
export async function journalEntryTypes(adminUrl: string, executionId: string): Promise<string[]> {
  const rows = await restateQuery<{ entry_type: string }>(adminUrl, `
    SELECT j.entry_type FROM sys_journal j JOIN sys_invocation i ON j.id = i.id
    WHERE i.target_service_name = 'Execution' AND i.target_service_key = '${executionId}'
    ORDER BY j.index`);
  return rows.map((row) => row.entry_type);
}

/** The ctx.run steps of every Execution/run invocation, by execution id and step name (`run a[]`, `plan`, …). */
export async function journaledSteps(adminUrl: string): Promise<Map<string, Map<string, JournaledStep>>> {
  const rows = await restateQuery<JournalRow>(adminUrl, `
    SELECT i.target_service_key AS execution_id, j.entry_type, j.entry_json
    FROM sys_journal j JOIN sys_invocation i ON j.id = i.id
    WHERE i.target_service_name = 'Execution' AND i.target_handler_name = 'run'
      AND j.entry_type IN ('Command: Run', 'Notification: Run')
    ORDER BY j.id, j.index`);
  const byExecution = new Map<string, Map<string, JournaledStep>>();
  const names = new Map<string, string>(); // `${execution}/${completion id}` → step name
  for (const row of rows) {
    const steps = byExecution.get(row.execution_id) ?? new Map<string, JournaledStep>();
    byExecution.set(row.execution_id, steps);
    const entry = JSON.parse(row.entry_json);
    if (row.entry_type === 'Command: Run') {
      const { completion_id: id, name } = entry.Command.Run as { completion_id: number; name: string };
      names.set(`${row.execution_id}/${id}`, name);
      const step = steps.get(name) ?? { commands: 0, done: false };
      step.commands += 1;
      steps.set(name, step);
    } else {
      const { completion_id: id, result } = entry.Notification.Completion.Run as { completion_id: number; result: { Success?: number[]; Failure?: unknown } };
      const name = names.get(`${row.execution_id}/${id}`);
      const step = name === undefined ? undefined : steps.get(name);
      if (!step) throw new Error(`A run completion without its command: ${row.entry_json}`);
      step.done = true;
      if (result.Success) {
        const text = Buffer.from(result.Success).toString('utf8');
        step.result = text === '' ? null : JSON.parse(text);
      } else {
        step.result = { failure: result.Failure };
      }
    }
  }
  return byExecution;
}
