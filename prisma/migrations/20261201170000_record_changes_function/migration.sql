-- The executor's hot path (issue 15): a batch of changes of one execution — node runs and the
-- execution's own status — recorded by ONE statement instead of an interactive transaction of
-- eight. As the transaction it replaces: the execution row is locked first (FOR UPDATE), so
-- changes of one execution take `seq` numbers one after another without gaps; a change that is
-- already recorded (a node run that has that status, an execution that has that status when
-- `unlessSame` is set) writes nothing and takes no `seq`, which makes a replayed step harmless;
-- nothing is written once the execution has ended. Each change stores its event row and sends a
-- NOTIFY, which PostgreSQL delivers only after the commit: with the whole event when it is
-- small (the hub then reads nothing back), with the event's id when it is not (the NOTIFY
-- payload limit is 8,000 bytes).

CREATE OR REPLACE FUNCTION weft_iso_time(value timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(value AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- The same fields as executionSnapshot() in server/events/record.ts.
CREATE OR REPLACE FUNCTION weft_execution_snapshot(e "Execution") RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', e.id, 'projectId', e."projectId", 'versionId', e."versionId", 'testConfigId', e."testConfigId",
    'trigger', e.trigger, 'triggerId', e."triggerId", 'triggeredBy', e."triggeredBy", 'status', e.status,
    'error', e.error, 'costUsd', trim_scale(e."costUsd")::text, 'startedAt', weft_iso_time(e."startedAt"),
    'completedAt', weft_iso_time(e."completedAt"), 'lastSeq', e."lastSeq")
$$;

-- The same fields as nodeRunSnapshot() in server/events/record.ts.
CREATE OR REPLACE FUNCTION weft_node_run_snapshot(r "NodeRun") RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'id', r.id, 'executionId', r."executionId", 'nodeId', r."nodeId", 'nodeType', r."nodeType",
    'lane', to_jsonb(COALESCE(r.lane, ARRAY[]::integer[])), 'status', r.status, 'inputs', r.inputs, 'output', r.output,
    'error', r.error, 'details', r.details, 'costUsd', trim_scale(r."costUsd")::text,
    'startedAt', weft_iso_time(r."startedAt"), 'completedAt', weft_iso_time(r."completedAt"), 'seq', r.seq)
$$;

-- p_changes: a JSON array of
--   { "kind": "nodeRun", "id": uuid for a new row, "nodeId", "nodeType", "lane": [int], "laneKey",
--     "status", and any of "inputs", "output", "error", "details", "costUsd", "startedAt", "completedAt" }
--     (a key left out keeps the row's value; "costUsd" is also added to the execution's cost)
--   { "kind": "execution", "status", "unlessSame": bool, and any of "error", "completedAt" }
-- Returns the number of changes written.
CREATE OR REPLACE FUNCTION weft_record_changes(p_execution uuid, p_changes jsonb) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v_change jsonb;
  v_execution "Execution"%ROWTYPE;
  v_run "NodeRun"%ROWTYPE;
  v_payload jsonb;
  v_event_id bigint;
  v_event_created timestamptz;
  v_event text;
  v_written integer := 0;
BEGIN
  SELECT * INTO v_execution FROM "Execution" WHERE id = p_execution FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'Execution % does not exist', p_execution;
  END IF;
  FOR v_change IN SELECT value FROM jsonb_array_elements(p_changes) LOOP
    EXIT WHEN v_execution.status IN ('completed', 'failed', 'cancelled');
    IF v_change->>'kind' = 'execution' THEN
      CONTINUE WHEN COALESCE((v_change->>'unlessSame')::boolean, false) AND v_execution.status::text = v_change->>'status';
      UPDATE "Execution" SET
        status = (v_change->>'status')::"ExecutionStatus",
        error = CASE WHEN v_change ? 'error' THEN v_change->>'error' ELSE error END,
        "completedAt" = CASE WHEN v_change ? 'completedAt' THEN (v_change->>'completedAt')::timestamptz ELSE "completedAt" END,
        "lastSeq" = "lastSeq" + 1
      WHERE id = p_execution
      RETURNING * INTO v_execution;
      v_payload := jsonb_build_object('kind', 'execution', 'execution', weft_execution_snapshot(v_execution));
    ELSE
      CONTINUE WHEN EXISTS (
        SELECT 1 FROM "NodeRun"
        WHERE "executionId" = p_execution AND "nodeId" = v_change->>'nodeId' AND "laneKey" = v_change->>'laneKey'
          AND status::text = v_change->>'status');
      UPDATE "Execution" SET
        "costUsd" = "costUsd" + COALESCE((v_change->>'costUsd')::numeric, 0),
        "lastSeq" = "lastSeq" + 1
      WHERE id = p_execution
      RETURNING * INTO v_execution;
      INSERT INTO "NodeRun" AS r
        (id, "executionId", "nodeId", "nodeType", lane, "laneKey", status, inputs, output, error, details, "costUsd", "startedAt", "completedAt", seq)
      VALUES (
        (v_change->>'id')::uuid, p_execution, v_change->>'nodeId', v_change->>'nodeType',
        ARRAY(SELECT jsonb_array_elements_text(COALESCE(v_change->'lane', '[]'::jsonb))::integer),
        v_change->>'laneKey', (v_change->>'status')::"NodeRunStatus",
        v_change->'inputs', v_change->'output', v_change->>'error', v_change->'details',
        COALESCE((v_change->>'costUsd')::numeric, 0),
        (v_change->>'startedAt')::timestamptz, (v_change->>'completedAt')::timestamptz, v_execution."lastSeq")
      ON CONFLICT ("executionId", "nodeId", "laneKey") DO UPDATE SET
        status = EXCLUDED.status,
        inputs = CASE WHEN v_change ? 'inputs' THEN EXCLUDED.inputs ELSE r.inputs END,
        output = CASE WHEN v_change ? 'output' THEN EXCLUDED.output ELSE r.output END,
        error = CASE WHEN v_change ? 'error' THEN EXCLUDED.error ELSE r.error END,
        details = CASE WHEN v_change ? 'details' THEN EXCLUDED.details ELSE r.details END,
        "costUsd" = CASE WHEN v_change ? 'costUsd' THEN EXCLUDED."costUsd" ELSE r."costUsd" END,
        "startedAt" = CASE WHEN v_change ? 'startedAt' THEN EXCLUDED."startedAt" ELSE r."startedAt" END,
        "completedAt" = CASE WHEN v_change ? 'completedAt' THEN EXCLUDED."completedAt" ELSE r."completedAt" END,
        seq = EXCLUDED.seq
      RETURNING * INTO v_run;
      v_payload := jsonb_build_object('kind', 'nodeRun', 'execution', weft_execution_snapshot(v_execution), 'nodeRun', weft_node_run_snapshot(v_run));
    END IF;
    INSERT INTO "ExecutionEvent" ("executionId", seq, kind, payload)
    VALUES (p_execution, v_execution."lastSeq", v_payload->>'kind', v_payload)
    RETURNING id, "createdAt" INTO v_event_id, v_event_created;
    v_event := (v_payload || jsonb_build_object('id', v_event_id::text, 'executionId', p_execution, 'seq', v_execution."lastSeq",
      'createdAt', weft_iso_time(v_event_created)))::text;
    -- The channel of eventsChannel in server/events/types.ts.
    PERFORM pg_notify('weft_execution_events', CASE WHEN octet_length(v_event) < 7000 THEN v_event ELSE v_event_id::text END);
    v_written := v_written + 1;
  END LOOP;
  RETURN v_written;
END $$;
