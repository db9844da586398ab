-- Workers wake on a new or re-queued job at once (LISTEN job_queue) instead of at their next
-- poll. A trigger covers every path that enqueues (connections/sync, resets, the scheduler, a
-- retry's requeue); Postgres folds a transaction's identical notifications into one. Polling
-- stays as the fallback (a due retry, a listener reconnecting).
CREATE FUNCTION notify_job_queue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('job_queue', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER jobs_notify_queue
  AFTER INSERT OR UPDATE OF status, run_after ON jobs
  FOR EACH ROW WHEN (NEW.status IN ('pending', 'incomplete')) EXECUTE FUNCTION notify_job_queue();
