-- weft_record_changes (20261201180000_record_changes_in_one_pass) with the events of a statement
-- notified together: a NOTIFY carries a JSON array of as many of them as fit in 7,000 bytes (it was
-- one NOTIFY per event; each is queued, sent to every listener and read there on its own: the
-- record of a ten-node run sent 12 and now sends 2). An event too large for a NOTIFY is still
-- notified by its id, on its own, in order.
-- What is written, the seq, the events and their payloads are unchanged.

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
  -- The events gathered for the next NOTIFY, comma-separated (bracketed into an array when sent).
  v_gathered text := '';
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
    -- The channel of eventsChannel in server/events/types.ts; delivered after the commit, in this order:
    -- as many events to a NOTIFY as fit in 7,000 bytes, one too large for that by its id.
    IF v_gathered <> '' AND octet_length(v_gathered) + octet_length(v_event) + 3 > 7000 THEN
      PERFORM pg_notify('weft_execution_events', '[' || v_gathered || ']');
      v_gathered := '';
    END IF;
    IF octet_length(v_event) + 2 > 7000 THEN
      PERFORM pg_notify('weft_execution_events', v_event_id::text);
    ELSE
      v_gathered := CASE WHEN v_gathered = '' THEN v_event ELSE v_gathered || ',' || v_event END;
    END IF;
    v_written := v_written + 1;
  END LOOP;
  IF v_gathered <> '' THEN
    PERFORM pg_notify('weft_execution_events', '[' || v_gathered || ']');
  END IF;
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
