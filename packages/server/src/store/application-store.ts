// SQL for 005_applications.sql: public-API applications (client id + sealed secret) and the
// digests of the bearer tokens issued to them.
import type { SecretCipher } from '../shared/crypto';
import type { Pool } from './db';

export interface ApplicationRecord {
  clientId: string;
  name: string;
  /** Plaintext: compare it in constant time, never log or return it from the API. */
  clientSecret: string;
  createdAt: Date;
}

interface ApplicationRow {
  client_id: string;
  name: string;
  client_secret: string;
  created_at: Date;
}

export class ApplicationStore {
  constructor(
    private readonly pool: Pool,
    private readonly cipher: SecretCipher,
  ) {}

  /** Creates the application, or sets its name and secret when the id exists (a restart with the same credentials). */
  async upsertApplication(input: Pick<ApplicationRecord, 'clientId' | 'name' | 'clientSecret'>): Promise<ApplicationRecord> {
    const { rows } = await this.pool.query<ApplicationRow>(
      `INSERT INTO applications (client_id, name, client_secret) VALUES ($1, $2, $3)
       ON CONFLICT (client_id) DO UPDATE SET name = EXCLUDED.name, client_secret = EXCLUDED.client_secret
       RETURNING *`,
      [input.clientId, input.name, this.cipher.encrypt(input.clientSecret)],
    );
    return this.toRecord(rows[0]);
  }

  async getApplication(clientId: string): Promise<ApplicationRecord | undefined> {
    const { rows } = await this.pool.query<ApplicationRow>('SELECT * FROM applications WHERE client_id = $1', [clientId]);
    return rows[0] && this.toRecord(rows[0]);
  }

  /** Stores a token's digest; expired tokens are swept on the way, so the table stays small. */
  async insertToken(digest: Buffer, clientId: string, expiresAt: Date): Promise<void> {
    await this.pool.query('DELETE FROM application_tokens WHERE expires_at < now()');
    await this.pool.query('INSERT INTO application_tokens (token_digest, client_id, expires_at) VALUES ($1, $2, $3)', [digest, clientId, expiresAt]);
  }

  /** The client id of an unexpired token with this digest. */
  async tokenClient(digest: Buffer): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ client_id: string }>('SELECT client_id FROM application_tokens WHERE token_digest = $1 AND expires_at > now()', [digest]);
    return rows[0]?.client_id;
  }

  private toRecord(row: ApplicationRow): ApplicationRecord {
    return { clientId: row.client_id, name: row.name, clientSecret: this.cipher.decrypt(row.client_secret), createdAt: row.created_at };
  }
}
