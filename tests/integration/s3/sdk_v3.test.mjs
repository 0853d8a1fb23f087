// @aws-sdk/client-s3 v3 and @aws-sdk/lib-storage against nimbus: the SDK's default CRC32 checksums,
// aws-chunked streaming bodies with trailers, CRC32C/SHA/CRC64NVME, checksum validation on GET,
// multipart through Upload, and the error shapes the SDK surfaces.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, HeadObjectCommand,
  ListObjectsV2Command, DeleteObjectsCommand, ListBucketsCommand, CopyObjectCommand,
  CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand,
  GetObjectAttributesCommand, NoSuchKey, NoSuchBucket, S3ServiceException,
  PutBucketLifecycleConfigurationCommand, PutBucketPolicyCommand, DeleteObjectCommand, GetBucketAclCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startNimbus, uniqueName, expectError } from '../helpers/server.mjs';

const MiB = 1024 * 1024;
let server;
let s3;

function client(extra = {}) {
  return new S3Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    forcePathStyle: true,
    maxAttempts: 1,
    ...extra,
  });
}

before(async () => {
  server = await startNimbus();
  s3 = client();
});
after(async () => {
  s3?.destroy();
  const code = await server?.stop();
  server?.cleanup();
  assert.equal(code, 0);
});
beforeEach(async () => { await server.reset(); });

async function newBucket() {
  const Bucket = uniqueName('js');
  await s3.send(new CreateBucketCommand({ Bucket }));
  return Bucket;
}

const md5 = (buf) => createHash('md5').update(buf).digest('hex');
const sha256b64 = (buf) => createHash('sha256').update(buf).digest('base64');
const bytesOf = async (resp) => Buffer.from(await resp.Body.transformToByteArray());

// Records every outgoing request's headers (after signing) so tests can see what the SDK sent.
function recordRequests(c) {
  const seen = [];
  c.middlewareStack.add((next) => async (args) => {
    seen.push({ headers: { ...args.request.headers }, path: args.request.path });
    return next(args);
  }, { step: 'finalizeRequest', name: 'recordRequests', priority: 'low' });
  return seen;
}

test('PutObject with a Buffer sends the default CRC32 and GET validates it in checksum mode', async () => {
  const Bucket = await newBucket();
  const c = client();
  const seen = recordRequests(c);
  const body = randomBytes(200_000);
  const put = await c.send(new PutObjectCommand({ Bucket, Key: 'buf.bin', Body: body }));
  assert.equal(put.ETag, `"${md5(body)}"`);
  const sent = seen.find((r) => r.path.endsWith('/buf.bin')).headers;
  const crcSent = sent['x-amz-checksum-crc32'] ?? sent['x-amz-trailer'];
  assert.ok(crcSent, `SDK sent no CRC32: ${JSON.stringify(sent)}`);
  assert.ok(put.ChecksumCRC32, 'PutObject response carries the CRC32');
  const got = await c.send(new GetObjectCommand({ Bucket, Key: 'buf.bin', ChecksumMode: 'ENABLED' }));
  assert.equal(got.ChecksumCRC32, put.ChecksumCRC32);
  assert.deepEqual(await bytesOf(got), body); // the SDK throws on a checksum mismatch while reading
  c.destroy();
});

test('PutObject with a stream body goes aws-chunked with a checksum trailer and is stored decoded', async () => {
  const Bucket = await newBucket();
  const c = client();
  const seen = recordRequests(c);
  const body = randomBytes(3 * MiB + 7);
  await c.send(new PutObjectCommand({
    Bucket, Key: 'stream.bin', Body: Readable.from([body.subarray(0, MiB), body.subarray(MiB)]),
    ContentLength: body.length,
  }));
  const sent = seen.find((r) => r.path.endsWith('/stream.bin')).headers;
  assert.match(sent['content-encoding'] ?? '', /aws-chunked/);
  assert.equal(sent['x-amz-decoded-content-length'], String(body.length));
  assert.match(sent['x-amz-trailer'] ?? '', /x-amz-checksum-/);
  const head = await c.send(new HeadObjectCommand({ Bucket, Key: 'stream.bin' }));
  assert.equal(head.ContentLength, body.length);
  assert.equal(head.ETag, `"${md5(body)}"`);
  assert.ok(!/aws-chunked/.test(head.ContentEncoding ?? ''), 'aws-chunked must not be stored as Content-Encoding');
  assert.deepEqual(await bytesOf(await c.send(new GetObjectCommand({ Bucket, Key: 'stream.bin' }))), body);
  c.destroy();
});

for (const algorithm of ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME']) {
  test(`ChecksumAlgorithm ${algorithm} is stored and returned in checksum mode`, async () => {
    const Bucket = await newBucket();
    const body = Buffer.from(`checksummed with ${algorithm}`.repeat(1000));
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: body, ChecksumAlgorithm: algorithm }));
    const field = `Checksum${algorithm}`;
    assert.ok(put[field], `${field} missing from PutObject response`);
    if (algorithm === 'SHA256') assert.equal(put[field], sha256b64(body));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'k', ChecksumMode: 'ENABLED' }));
    assert.equal(got[field], put[field]);
    assert.deepEqual(await bytesOf(got), body);
    // Known gap: the pinned S3 model's Checksum structure has no ChecksumCRC64NVME member,
    // so GetObjectAttributes cannot return it yet.
    if (algorithm !== 'CRC64NVME') {
      const attrs = await s3.send(new GetObjectAttributesCommand({ Bucket, Key: 'k', ObjectAttributes: ['Checksum'] }));
      assert.equal(attrs.Checksum[field], put[field]);
    }
  });
}

test('a wrong x-amz-checksum value is refused with BadDigest', async () => {
  const Bucket = await newBucket();
  const err = await expectError(() => s3.send(new PutObjectCommand({
    Bucket, Key: 'bad', Body: Buffer.from('payload'), ChecksumSHA256: sha256b64(Buffer.from('other')),
  })));
  assert.equal(err.name, 'BadDigest');
  assert.equal(err.$metadata.httpStatusCode, 400);
  const list = await s3.send(new ListObjectsV2Command({ Bucket }));
  assert.equal(list.KeyCount, 0);
});

test('lib-storage Upload does a multipart upload with checksums and the right ETag', async () => {
  const Bucket = await newBucket();
  const partSize = 5 * MiB;
  const body = randomBytes(12 * MiB + 3);
  const upload = new Upload({
    client: s3, params: { Bucket, Key: 'lib/storage.bin', Body: Readable.from([body]), ContentType: 'x/bin' },
    partSize, queueSize: 3,
  });
  const done = await upload.done();
  const parts = [];
  for (let i = 0; i < body.length; i += partSize) parts.push(body.subarray(i, i + partSize));
  const expected = createHash('md5').update(Buffer.concat(parts.map((p) => createHash('md5').update(p).digest())))
    .digest('hex');
  assert.equal(done.ETag, `"${expected}-${parts.length}"`);
  const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'lib/storage.bin' }));
  assert.equal(got.ContentType, 'x/bin');
  assert.deepEqual(await bytesOf(got), body);
});

test('lib-storage Upload of a small body is a single PutObject', async () => {
  const Bucket = await newBucket();
  const done = await new Upload({ client: s3, params: { Bucket, Key: 'small', Body: 'tiny body' } }).done();
  assert.equal(done.ETag, `"${md5(Buffer.from('tiny body'))}"`);
});

test('multipart with CRC32 part checksums completes with a composite checksum', async () => {
  const Bucket = await newBucket();
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'mp', ChecksumAlgorithm: 'CRC32' }));
  const bodies = [randomBytes(5 * MiB), randomBytes(100)];
  const Parts = [];
  for (const [i, Body] of bodies.entries()) {
    const r = await s3.send(new UploadPartCommand({ Bucket, Key: 'mp', UploadId, PartNumber: i + 1, Body,
      ChecksumAlgorithm: 'CRC32' }));
    assert.ok(r.ChecksumCRC32);
    Parts.push({ PartNumber: i + 1, ETag: r.ETag, ChecksumCRC32: r.ChecksumCRC32 });
  }
  const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'mp', UploadId, MultipartUpload: { Parts } }));
  assert.match(done.ChecksumCRC32 ?? '', /-2$/);
  const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'mp', ChecksumMode: 'ENABLED' }));
  assert.deepEqual(await bytesOf(got), Buffer.concat(bodies));
});

test('keys with UTF-8, spaces, plus and percent round-trip', async () => {
  const Bucket = await newBucket();
  const keys = ['a b/c+d%e.txt', 'ünï/cødé/日本.json', 'x//y/../z', '~tilde!*\'()'];
  for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
  const list = await s3.send(new ListObjectsV2Command({ Bucket }));
  assert.deepEqual(list.Contents.map((o) => o.Key), [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  for (const Key of keys) {
    assert.equal((await bytesOf(await s3.send(new GetObjectCommand({ Bucket, Key })))).toString(), Key);
  }
  const copy = await s3.send(new CopyObjectCommand({ Bucket, Key: 'copied', CopySource: `${Bucket}/${keys[0].split('/').map(encodeURIComponent).join('/')}` }));
  assert.ok(copy.CopyObjectResult.ETag);
});

test('DeleteObjects (the SDK sends a checksum instead of Content-MD5) deletes every key', async () => {
  const Bucket = await newBucket();
  for (const Key of ['1', '2', '3']) await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'x' }));
  const resp = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: '1' }, { Key: '2' }, { Key: '3' }] } }));
  assert.deepEqual(resp.Deleted.map((d) => d.Key).sort(), ['1', '2', '3']);
  assert.equal((await s3.send(new ListObjectsV2Command({ Bucket }))).KeyCount, 0);
});

test('errors surface as modeled exceptions with request ids', async () => {
  const Bucket = await newBucket();
  const missingKey = await expectError(() => s3.send(new GetObjectCommand({ Bucket, Key: 'nope' })));
  assert.ok(missingKey instanceof NoSuchKey, `got ${missingKey.name}`);
  assert.equal(missingKey.$metadata.httpStatusCode, 404);
  assert.ok(missingKey.$metadata.requestId);
  const missingBucket = await expectError(() => s3.send(new ListObjectsV2Command({ Bucket: uniqueName('none') })));
  assert.ok(missingBucket instanceof NoSuchBucket, `got ${missingBucket.name}`);
  const head = await expectError(() => s3.send(new HeadObjectCommand({ Bucket, Key: 'nope' })));
  assert.ok(head instanceof S3ServiceException);
  assert.equal(head.$metadata.httpStatusCode, 404);
});

test('ListBuckets pages with MaxBuckets and filters by Prefix', async () => {
  const names = [];
  for (let i = 0; i < 3; i++) names.push(await newBucket());
  const first = await s3.send(new ListBucketsCommand({ MaxBuckets: 2, Prefix: 'js-' }));
  assert.equal(first.Buckets.length, 2);
  assert.ok(first.ContinuationToken);
  const rest = await s3.send(new ListBucketsCommand({ MaxBuckets: 2, Prefix: 'js-', ContinuationToken: first.ContinuationToken }));
  assert.deepEqual([...first.Buckets, ...rest.Buckets].map((b) => b.Name), names.sort());
  assert.equal(rest.ContinuationToken, undefined);
});

test('x-amz-expiration reaches PutObject, HeadObject and GetObject as Expiration', async () => {
  const Bucket = await newBucket();
  await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: [
    { ID: 'tmp-rule', Filter: { Prefix: 'tmp/' }, Status: 'Enabled', Expiration: { Days: 1 } }] } }));
  const put = await s3.send(new PutObjectCommand({ Bucket, Key: 'tmp/a', Body: 'x' }));
  assert.match(put.Expiration, /^expiry-date="[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} 00:00:00 GMT", rule-id="tmp-rule"$/);
  const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'tmp/a' }));
  assert.equal(head.Expiration, put.Expiration);
  const get = await s3.send(new GetObjectCommand({ Bucket, Key: 'tmp/a' }));
  assert.equal(get.Expiration, put.Expiration);
  await bytesOf(get);
  const plain = await s3.send(new PutObjectCommand({ Bucket, Key: 'kept', Body: 'x' }));
  assert.equal(plain.Expiration, undefined);
});

test('bucket policies are enforced with --auth verify', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-creds-'));
  const credentials = join(dir, 'credentials.json');
  writeFileSync(credentials, JSON.stringify({ credentials: [
    { access_key_id: 'AKIAJSPOLICYOWNER001', secret_access_key: 'owner-secret', account_id: '111111111111' },
    { access_key_id: 'AKIAJSPOLICYOTHER002', secret_access_key: 'other-secret', account_id: '222222222222' }] }));
  const verifying = await startNimbus({ args: ['--auth', 'verify', '--credentials', credentials] });
  const as = (accessKeyId, secretAccessKey) => new S3Client({
    endpoint: verifying.endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey },
    forcePathStyle: true, maxAttempts: 1 });
  const owner = as('AKIAJSPOLICYOWNER001', 'owner-secret');
  const other = as('AKIAJSPOLICYOTHER002', 'other-secret');
  try {
    const Bucket = 'js-policy';
    await owner.send(new CreateBucketCommand({ Bucket }));
    await owner.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'v' }));
    const denied = await expectError(() => other.send(new GetObjectCommand({ Bucket, Key: 'k' })));
    assert.equal(denied.name, 'AccessDenied');
    assert.equal(denied.$metadata.httpStatusCode, 403);
    await owner.send(new PutBucketPolicyCommand({ Bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Principal: { AWS: '222222222222' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${Bucket}/*` },
      { Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${Bucket}/*` }] }) }));
    assert.equal((await bytesOf(await other.send(new GetObjectCommand({ Bucket, Key: 'k' })))).toString(), 'v');
    const undeletable = await expectError(() => owner.send(new DeleteObjectCommand({ Bucket, Key: 'k' })));
    assert.equal(undeletable.name, 'AccessDenied');
  } finally {
    owner.destroy();
    other.destroy();
    const code = await verifying.stop();
    verifying.cleanup();
    rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0);
  }
});

test('GetBucketAcl parses the grantee type and DeleteObjects keeps keys that are only whitespace', async () => {
  const Bucket = await newBucket();
  const acl = await s3.send(new GetBucketAclCommand({ Bucket }));
  assert.equal(acl.Grants[0].Grantee.Type, 'CanonicalUser');
  assert.equal(acl.Grants[0].Grantee.ID, acl.Owner.ID);
  const keys = [' ', '\t', ' padded '];
  for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'x' }));
  const deleted = await s3.send(new DeleteObjectsCommand({
    Bucket, Delete: { Objects: keys.map((Key) => ({ Key })) }, BypassGovernanceRetention: true,
  }));
  assert.deepEqual(deleted.Deleted.map((d) => d.Key).sort(), [...keys].sort());
  assert.equal((await s3.send(new ListObjectsV2Command({ Bucket }))).KeyCount, 0);
});
