// `check` does what a sync will do, on a probe object: write, list, delete (as Airbyte's
// destination-s3 does), so a missing bucket or missing permission shows up before a sync.
import { randomUUID } from 'node:crypto';
import type { AirbyteConnectionStatus } from '@platform/protocol';
import { asConnectorError } from '../framework/errors';
import { resolveSettings } from './config';
import { ObjectStore } from './object-store';

export async function checkS3Destination(config: unknown): Promise<AirbyteConnectionStatus> {
  let store: ObjectStore | undefined;
  try {
    const settings = resolveSettings(config);
    store = new ObjectStore(settings);
    await store.assertBucketExists();
    // The probe goes where data goes, up to the first per-stream variable of the bucket path.
    const dir = settings.bucketPath.split('${')[0].replace(/\/{2,}/g, '/').replace(/^\/|\/$/g, '');
    const key = `${dir ? `${dir}/` : ''}_airbyte_connection_test_${randomUUID()}`;
    await store.putText(key, 'airbyte connection check');
    const listed = await store.listKeys(key);
    if (!listed.includes(key)) return { status: 'FAILED', message: `wrote ${store.url(key)} but could not list it back; check the ListBucket permission` };
    await store.deleteKey(key);
    return { status: 'SUCCEEDED' };
  } catch (err) {
    return { status: 'FAILED', message: asConnectorError(err).message };
  } finally {
    store?.destroy();
  }
}
