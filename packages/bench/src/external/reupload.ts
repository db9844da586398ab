// The upload stage timed alone: the Parquet files a run left under `prefix`, downloaded into
// memory and uploaded again the way destination-s3 uploads (lib-storage `Upload`, multipart).
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createS3Client, type S3Endpoint } from '../connector/endpoints';

export async function timeReupload(s3: S3Endpoint, prefix: string): Promise<{ seconds: number; bytes: number; files: number }> {
  const client = createS3Client(s3);
  const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
  const bodies = await Promise.all(
    (listed.Contents ?? []).map(async (o) => ({ key: o.Key!, body: Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: o.Key! }))).Body!.transformToByteArray()) })),
  );
  const started = performance.now();
  for (const { key, body } of bodies) await new Upload({ client, params: { Bucket: s3.bucket, Key: `reupload/${key}`, Body: body } }).done();
  const seconds = (performance.now() - started) / 1000;
  client.destroy();
  return { seconds, bytes: bodies.reduce((n, b) => n + b.body.length, 0), files: bodies.length };
}
