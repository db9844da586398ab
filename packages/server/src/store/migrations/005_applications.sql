-- Applications of Airbyte's public API (/api/public/v1): a client id and secret that
-- POST /applications/token exchanges for a short-lived bearer token. The secret is sealed
-- with the platform's secret key (like connector secrets): `platform credentials` prints it
-- back. Tokens are stored as SHA-256 digests only, so a database dump holds no usable token.
CREATE TABLE applications (
  client_id     text PRIMARY KEY,
  name          text NOT NULL,
  client_secret text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE application_tokens (
  token_digest bytea PRIMARY KEY,
  client_id    text NOT NULL REFERENCES applications (client_id) ON DELETE CASCADE,
  expires_at   timestamptz NOT NULL
);
CREATE INDEX application_tokens_expiry ON application_tokens (expires_at);
