-- Streams an attempt committed completely although other streams of it failed alone
-- (source-side descriptors, [{name, namespace}]). A retry of the job leaves them out: it
-- redoes only the streams that did not complete in any earlier attempt.
ALTER TABLE attempts ADD COLUMN completed_streams JSONB NOT NULL DEFAULT '[]';
