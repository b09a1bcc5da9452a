-- weft_record_changes (20261201170000_record_changes_function) in one pass over its changes,
-- for batches of many changes (pure nodes run in the workflow hand the next step a change each):
-- the execution row is locked once and written once, at the end, with the seq, cost and status
-- the changes reached (it was updated once per change); a node run's "already recorded" check is
-- the upsert's own condition (it was a query of its own); the events are inserted together, their
-- ids and time taken as each change is written, so that each NOTIFY still carries its whole event
-- in order; the execution's snapshot is built again only when a change alters more than its
-- lastSeq. What it writes, the seq it allocates, what it skips and the events' payloads are unchanged.
-- One more condition on a change of the execution's own status: "onlyFrom", the status the execution
-- must have for the change to be written (else it is skipped, as a change recorded already). A run
-- marks itself running only from pending, with the first records it writes: a pause or a form
-- recorded first, by a step running at the same time, stays as it is.

CREATE OR REPLACE FUNCTION weft_record_changes(p_execution uuid, p_changes jsonb) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v_change jsonb;
  v_execution "Execution"%ROWTYPE;
  v_run "NodeRun"%ROWTYPE;
  v_payload jsonb;
  v_event_id bigint;
  -- The time every event of this statement gets, as the createdAt column stores it (milliseconds).
  v_event_created timestamptz := CURRENT_TIMESTAMP::timestamp(3) with time zone;
  v_event text;
  v_written integer := 0;
  v_event_ids bigint[] := ARRAY[]::bigint[];
  v_event_seqs integer[] := ARRAY[]::integer[];
  v_event_kinds text[] := ARRAY[]::text[];
  v_event_payloads jsonb[] := ARRAY[]::jsonb[];
  -- The execution's snapshot as of the last status or cost change (its lastSeq is set per event).
  v_snapshot jsonb;
  v_event_sequence text := pg_get_serial_sequence('"ExecutionEvent"', 'id');
BEGIN
  SELECT * INTO v_execution FROM "Execution" WHERE id = p_execution FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'Execution % does not exist', p_execution;
  END IF;
  FOR v_change IN SELECT value FROM jsonb_array_elements(p_changes) LOOP
    EXIT WHEN v_execution.status IN ('completed', 'failed', 'cancelled');
    IF v_change->>'kind' = 'execution' THEN
      CONTINUE WHEN COALESCE((v_change->>'unlessSame')::boolean, false) AND v_execution.status::text = v_change->>'status';
      CONTINUE WHEN v_change ? 'onlyFrom' AND v_execution.status::text <> v_change->>'onlyFrom';
      v_execution.status := (v_change->>'status')::"ExecutionStatus";
      IF v_change ? 'error' THEN v_execution.error := v_change->>'error'; END IF;
      IF v_change ? 'completedAt' THEN v_execution."completedAt" := (v_change->>'completedAt')::timestamptz; END IF;
      v_execution."lastSeq" := v_execution."lastSeq" + 1;
      v_snapshot := weft_execution_snapshot(v_execution);
      v_payload := jsonb_build_object('kind', 'execution', 'execution', v_snapshot);
    ELSE
      INSERT INTO "NodeRun" AS r
        (id, "executionId", "nodeId", "nodeType", lane, "laneKey", status, inputs, output, error, details, "costUsd", "startedAt", "completedAt", seq)
      VALUES (
        (v_change->>'id')::uuid, p_execution, v_change->>'nodeId', v_change->>'nodeType',
        ARRAY(SELECT jsonb_array_elements_text(COALESCE(v_change->'lane', '[]'::jsonb))::integer),
        v_change->>'laneKey', (v_change->>'status')::"NodeRunStatus",
        v_change->'inputs', v_change->'output', v_change->>'error', v_change->'details',
        COALESCE((v_change->>'costUsd')::numeric, 0),
        (v_change->>'startedAt')::timestamptz, (v_change->>'completedAt')::timestamptz, v_execution."lastSeq" + 1)
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
      -- Recorded already with this status (a replayed step): nothing written, no seq taken.
      WHERE r.status IS DISTINCT FROM EXCLUDED.status
      RETURNING * INTO v_run;
      CONTINUE WHEN NOT FOUND;
      IF COALESCE((v_change->>'costUsd')::numeric, 0) <> 0 THEN
        v_execution."costUsd" := v_execution."costUsd" + (v_change->>'costUsd')::numeric;
        v_snapshot := NULL;
      END IF;
      v_execution."lastSeq" := v_execution."lastSeq" + 1;
      IF v_snapshot IS NULL THEN v_snapshot := weft_execution_snapshot(v_execution); END IF;
      v_payload := jsonb_build_object('kind', 'nodeRun', 'execution', v_snapshot || jsonb_build_object('lastSeq', v_execution."lastSeq"),
        'nodeRun', weft_node_run_snapshot(v_run));
    END IF;
    v_event_id := nextval(v_event_sequence);
    v_event_ids := v_event_ids || v_event_id;
    v_event_seqs := v_event_seqs || v_execution."lastSeq";
    v_event_kinds := v_event_kinds || (v_payload->>'kind');
    v_event_payloads := v_event_payloads || v_payload;
    v_event := (v_payload || jsonb_build_object('id', v_event_id::text, 'executionId', p_execution, 'seq', v_execution."lastSeq",
      'createdAt', weft_iso_time(v_event_created)))::text;
    -- The channel of eventsChannel in server/events/types.ts; delivered after the commit, in this order.
    PERFORM pg_notify('weft_execution_events', CASE WHEN octet_length(v_event) < 7000 THEN v_event ELSE v_event_id::text END);
    v_written := v_written + 1;
  END LOOP;
  IF v_written > 0 THEN
    UPDATE "Execution" SET
      status = v_execution.status, error = v_execution.error, "completedAt" = v_execution."completedAt",
      "costUsd" = v_execution."costUsd", "lastSeq" = v_execution."lastSeq"
    WHERE id = p_execution;
    INSERT INTO "ExecutionEvent" (id, "executionId", seq, kind, payload, "createdAt")
    SELECT event.id, p_execution, event.seq, event.kind, event.payload, v_event_created
    FROM unnest(v_event_ids, v_event_seqs, v_event_kinds, v_event_payloads) AS event(id, seq, kind, payload);
  END IF;
  RETURN v_written;
END $$;
