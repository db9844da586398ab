-- connections/list answers from a serialized response kept while no connection changed. Every
-- statement writing connections bumps this counter inside the writer's transaction (server,
-- worker or scheduler alike), and the list reads it in the same snapshot as the rows it serializes.
CREATE TABLE connections_version (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version bigint NOT NULL
);
INSERT INTO connections_version (version) VALUES (0);

CREATE FUNCTION bump_connections_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE connections_version SET version = version + 1;
  RETURN NULL;
END;
$$;

CREATE TRIGGER connections_bump_version
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON connections
  FOR EACH STATEMENT EXECUTE FUNCTION bump_connections_version();
