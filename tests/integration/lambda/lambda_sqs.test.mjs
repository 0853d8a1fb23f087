// Lambda event source mappings for SQS through the JS SDK v3 (@aws-sdk/client-lambda and
// client-sqs): the seed's SQS consumer — its ```typescript block extracted from the seed at test
// time, the type annotations stripped, otherwise unmodified — runs in a nodejs20.x function fed by a
// mapping; ScalingConfig, partial batch failures and the mapping's lifecycle as the SDK sees them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LambdaClient, CreateFunctionCommand, CreateEventSourceMappingCommand, GetEventSourceMappingCommand,
  UpdateEventSourceMappingCommand, DeleteEventSourceMappingCommand, ListEventSourceMappingsCommand,
} from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, DeleteMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { REPO, useSharedNimbus, uniqueName, expectError } from '../helpers/server.mjs';

const SEED_DIR = process.env.NIMBUS_SEED_DIR || join(REPO, '..', 'shared', 'seed');
const SEED = existsSync(SEED_DIR) ? readdirSync(SEED_DIR).map((f) => join(SEED_DIR, f)).find((f) => f.endsWith('.txt')) : undefined;
const skipSeed = SEED ? false : `seed not found in ${SEED_DIR} (set NIMBUS_SEED_DIR)`;

// The seed's consumer: `export const handler = async (event: SQSEvent): Promise<void> => {...}`.
function seedConsumer() {
  const text = readFileSync(SEED, 'utf8');
  const start = text.indexOf('export const handler = async (event: SQSEvent)');
  assert.ok(start >= 0, 'the seed has its SQS consumer');
  const end = text.indexOf('\n};', start) + 3;
  return text.slice(start, end).replace('(event: SQSEvent): Promise<void> =>', '(event) =>');
}

// processJob records the job by sending it to SEEN_QUEUE with plain fetch (SQS's JSON protocol).
const RECORDER = `
const record = async (body) => {
  const response = await fetch(process.env.AWS_ENDPOINT_URL + '/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.SendMessage',
      'Authorization': 'AWS4-HMAC-SHA256 Credential=' + process.env.AWS_ACCESS_KEY_ID + '/20240101/' + process.env.AWS_REGION + '/sqs/aws4_request, SignedHeaders=host, Signature=00' },
    body: JSON.stringify({ QueueUrl: process.env.SEEN_QUEUE, MessageBody: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error('recording failed: ' + response.status);
};
const processJob = async (job) => { await record(job); };
`;

function zipOf(files) {
  const dir = mkdtempSync(join(tmpdir(), 'esm-zip-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  execFileSync('zip', ['-q', '-r', 'code.zip', ...Object.keys(files)], { cwd: dir });
  return readFileSync(join(dir, 'code.zip'));
}

const shared = useSharedNimbus();
const lambda = () => new LambdaClient({ endpoint: shared.server.endpoint, region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });

async function queue(sqs, name = uniqueName('src'), Attributes = {}) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }));
  const { Attributes: a } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl, arn: a.QueueArn };
}

async function fn(lam, sqs, code) {
  const seen = await queue(sqs, uniqueName('seen'));
  const name = uniqueName('fn');
  await lam.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler',
    Role: 'arn:aws:iam::000000000000:role/r', Code: { ZipFile: zipOf({ 'index.mjs': code }) },
    Environment: { Variables: { SEEN_QUEUE: seen.url } } }));
  return { name, seen: seen.url };
}

async function drain(sqs, url, expected, timeoutMs = 30000) {
  const got = [];
  const deadline = Date.now() + timeoutMs;
  while (got.length < expected && Date.now() < deadline) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    for (const m of Messages) {
      got.push(JSON.parse(m.Body));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  return got;
}

test('the seed\'s SQS consumer runs unmodified behind a mapping with ScalingConfig', { skip: skipSeed }, async () => {
  const sqs = shared.sqs;
  const lam = lambda();
  const source = await queue(sqs);
  const { name, seen } = await fn(lam, sqs, RECORDER + seedConsumer());
  const created = await lam.send(new CreateEventSourceMappingCommand({ EventSourceArn: source.arn, FunctionName: name,
    BatchSize: 5, ScalingConfig: { MaximumConcurrency: 2 } }));
  assert.equal(created.State, 'Creating');
  assert.deepEqual(created.ScalingConfig, { MaximumConcurrency: 2 });
  assert.ok(created.LastModified instanceof Date);
  for (let start = 0; start < 50; start += 10) {
    const Entries = Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: JSON.stringify({ id: start + i, type: 'email' }) }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: source.url, Entries }));
  }
  const jobs = await drain(sqs, seen, 50);
  assert.deepEqual(jobs.map((j) => j.id).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  const got = await lam.send(new GetEventSourceMappingCommand({ UUID: created.UUID }));
  assert.equal(got.State, 'Enabled');
  assert.equal(got.BatchSize, 5);
});

test('partial batch failures keep only the failed messages', async () => {
  const sqs = shared.sqs;
  const lam = lambda();
  const source = await queue(sqs, uniqueName('src'), { VisibilityTimeout: '3' });
  const { name, seen } = await fn(lam, sqs, RECORDER + `
export const handler = async (event) => {
  const batchItemFailures = [];
  for (const r of event.Records) {
    await record({ body: r.body, count: r.attributes.ApproximateReceiveCount });
    if (r.body.startsWith('bad')) batchItemFailures.push({ itemIdentifier: r.messageId });
  }
  return { batchItemFailures };
};`);
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: source.url, Entries: [
    { Id: 'a', MessageBody: 'ok-1' }, { Id: 'b', MessageBody: 'bad-1' }, { Id: 'c', MessageBody: 'ok-2' }] }));
  const { UUID } = await lam.send(new CreateEventSourceMappingCommand({ EventSourceArn: source.arn, FunctionName: name,
    FunctionResponseTypes: ['ReportBatchItemFailures'] }));
  const first = await drain(sqs, seen, 3);
  assert.deepEqual(first.map((r) => r.body).sort(), ['bad-1', 'ok-1', 'ok-2']);
  // The failed one comes back after the visibility timeout, the others never.
  const again = await drain(sqs, seen, 1, 15000);
  assert.deepEqual(again, [{ body: 'bad-1', count: '2' }]);
  const disabled = await lam.send(new UpdateEventSourceMappingCommand({ UUID, Enabled: false }));
  assert.equal(disabled.State, 'Disabling');
  const deleted = await lam.send(new DeleteEventSourceMappingCommand({ UUID }));
  assert.equal(deleted.State, 'Deleting');
  const { EventSourceMappings } = await lam.send(new ListEventSourceMappingsCommand({ FunctionName: name }));
  assert.deepEqual(EventSourceMappings, []);
});

test('errors as the SDK sees them', async () => {
  const sqs = shared.sqs;
  const lam = lambda();
  const source = await queue(sqs);
  const { name } = await fn(lam, sqs, 'export const handler = async () => {};');
  let error = await expectError(() => lam.send(new CreateEventSourceMappingCommand({ EventSourceArn: source.arn,
    FunctionName: name, BatchSize: 100 })));
  assert.equal(error.name, 'InvalidParameterValueException');
  assert.equal(error.message, 'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
  error = await expectError(() => lam.send(new CreateEventSourceMappingCommand({ EventSourceArn: source.arn,
    FunctionName: name, ScalingConfig: { MaximumConcurrency: 1 } })));
  assert.equal(error.name, 'ValidationException');
  error = await expectError(() => lam.send(new CreateEventSourceMappingCommand({
    EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:nope', FunctionName: name })));
  assert.equal(error.name, 'InvalidParameterValueException');
  assert.match(error.message, /NonExistentQueue/);
  error = await expectError(() => lam.send(new GetEventSourceMappingCommand({ UUID: '6f1e4a2b-0000-4000-8000-000000000000' })));
  assert.equal(error.name, 'ResourceNotFoundException');
});
