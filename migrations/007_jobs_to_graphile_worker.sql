-- The job queue moves to graphile-worker (schema graphile_worker, installed by its own migrations,
-- which run before these files). Unfinished jobs move across with their due time, attempts and
-- last error (a parked job stays parked); the old outbox table goes.
WITH moved AS (
  SELECT (graphile_worker.add_job(kind, json_build_object('tenant_id', tenant_id, 'data', payload),
                                  run_at => run_at, max_attempts => 10)).id AS new_id,
         attempts, last_error
    FROM jobs
   WHERE done_at IS NULL
)
UPDATE graphile_worker._private_jobs j
   SET attempts = least(m.attempts, 10), last_error = m.last_error
  FROM moved m
 WHERE j.id = m.new_id;

DROP TABLE jobs;
