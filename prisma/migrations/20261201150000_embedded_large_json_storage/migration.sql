-- On the embedded database (PGlite, WebAssembly in the server's own process) every statement runs
-- on the server's event loop, and compressing a large JSON value (a node's 600 kB list output)
-- takes most of the time of writing it, during which nothing else is served (issue 12 A4). There,
-- JSON columns keep large values out of line but uncompressed. A PostgreSQL server compresses in
-- its own processes, so it keeps the default.
DO $$
BEGIN
  IF version() LIKE '%wasm32%' THEN
    ALTER TABLE "NodeRun" ALTER COLUMN "inputs" SET STORAGE EXTERNAL;
    ALTER TABLE "NodeRun" ALTER COLUMN "output" SET STORAGE EXTERNAL;
    ALTER TABLE "NodeRun" ALTER COLUMN "details" SET STORAGE EXTERNAL;
    ALTER TABLE "ExecutionEvent" ALTER COLUMN "payload" SET STORAGE EXTERNAL;
  END IF;
END $$;
