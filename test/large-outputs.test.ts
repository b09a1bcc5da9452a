import { describe, expect, it } from '@jest/globals';
import { createProject, executionDetails, runProject, waitForStatus } from './support/executions';
import { usePlatform } from './support/usePlatform';
import { webSocketSubscriber } from './support/subscriptions';

/**
 * Large values (an output, inputs or details of hundreds of kB) are written to the record as JSON
 * text rather than handed to Prisma as objects (server/db/largeJson.ts): what is stored, read back
 * and sent to subscribers is the same value, and every change still has its own gap-free `seq`.
 */
const elements = 20_000;
const program = `
items = ExecPython -> (items: List[Number], label: String) {
  code: \`\`\`
return {"items": list(range(${elements})), "label": "x" * 40000}
  \`\`\`
}
total = ExecPython(numbers: List[Number]) -> (sum: Number) {
  code: \`\`\`
return {"sum": sum(numbers)}
  \`\`\`
}
total.numbers = items.items
`;

type Event = { executionEvents: { seq: number; nodeRun: { nodeId: string; status: string; inputs: any; output: any } | null } };

describe('large node values in the record', () => {
  const platform = usePlatform({ env: { LOG_LEVEL: 'info', LOG_SQL: 'on' } });

  it('stores, reads back and publishes a 150 kB output and 110 kB inputs whole, each change with its own seq', async () => {
    const { graphqlUrl } = platform.current;
    const list = Array.from({ length: elements }, (_, i) => i);
    const projectId = await createProject(graphqlUrl, 'large values', program);
    const executionId = await runProject(graphqlUrl, projectId);
    const execution = await waitForStatus(graphqlUrl, executionId, ['completed', 'failed'], 120_000);
    expect(execution.status).toBe('completed');
    expect(execution.node('items')!.output).toMatchObject({ items: list, label: 'x'.repeat(40_000) });
    expect(execution.node('total')!.inputs).toEqual({ numbers: list });
    expect(execution.node('total')!.output).toMatchObject({ sum: (elements * (elements - 1)) / 2 });

    // Replayed from storage, the events hold the same values, in one gap-free sequence.
    const subscriber = webSocketSubscriber(graphqlUrl);
    try {
      const feed = subscriber.subscribe<Event>(
        `subscription ($id: ID!) { executionEvents(executionId: $id, afterSeq: 0) { seq nodeRun { nodeId status inputs output } } }`,
        { id: executionId },
      );
      const events = (await feed.until((received) => received.length >= execution.lastSeq, 30_000)).map((event) => event.executionEvents);
      feed.stop();
      expect(events.map((event) => event.seq)).toEqual(Array.from({ length: execution.lastSeq }, (_, i) => i + 1));
      const changeOf = (nodeId: string, status: string) => events.filter((event) => event.nodeRun?.nodeId === nodeId && event.nodeRun.status === status);
      expect(changeOf('items', 'completed')).toHaveLength(1);
      expect(changeOf('items', 'completed')[0]!.nodeRun!.output).toMatchObject({ items: list, label: 'x'.repeat(40_000) });
      expect(changeOf('total', 'running')).toHaveLength(1);
      expect(changeOf('total', 'running')[0]!.nodeRun!.inputs).toEqual({ numbers: list });
      // The ending of a node whose inputs were large still carries them, read from its row.
      expect(changeOf('total', 'completed')[0]!.nodeRun).toMatchObject({ inputs: { numbers: list }, output: expect.objectContaining({ sum: (elements * (elements - 1)) / 2 }) });
    } finally {
      await subscriber.close();
    }
    // The large values went to the database as JSON text in statements of their own, the small ones through Prisma.
    const statements = [...platform.current.output().matchAll(/"sql":"((?:[^"\\]|\\.)*)"/g)].map((match) => JSON.parse(`"${match[1]}"`) as string);
    expect(statements.filter((sql) => /^UPDATE "NodeRun" SET "output" = \$1::jsonb/.test(sql))).toHaveLength(1);
    expect(statements.filter((sql) => /^UPDATE "NodeRun" SET "inputs" = \$1::jsonb/.test(sql))).toHaveLength(1);
    // Every event was written once: by an INSERT of its own (a change with a large value, the
    // execution's creation) or by the executor's record statements, which say how many they wrote.
    const written = [...platform.current.output().matchAll(/"msg":"sql record"[^\n]*?"sql":"SELECT weft_record_changes(?:[^"\\]|\\.)*","rows":\[\{"written":(\d+)/g)];
    expect(written.length).toBeGreaterThan(0);
    const insertedOnTheirOwn = statements.filter((sql) => sql.includes('INSERT INTO "ExecutionEvent"')).length;
    expect(insertedOnTheirOwn + written.reduce((sum, match) => sum + Number(match[1]), 0)).toBe(execution.lastSeq);
    // Read again through the API after the fact: nothing was lost or written twice.
    const again = await executionDetails(graphqlUrl, executionId);
    expect(again.runs.map((run) => `${run.nodeId}:${run.status}`).sort()).toEqual(['items:completed', 'total:completed']);
  }, 180_000);
});
