// Error shapes as the v3 SDK surfaces them on the JSON protocol: the modeled name (err.name) and the
// query-compatible code from x-amzn-query-error (err.Code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageBatchCommand, DeleteMessageCommand,
  DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, PurgeQueueCommand, QueueDoesNotExist,
  ReceiveMessageCommand, RemovePermissionCommand, SendMessageBatchCommand, SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { expectError, useSharedNimbus, uniqueName } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();

const newQueue = async (attrs, name = uniqueName()) =>
  (await nimbus.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attrs }))).QueueUrl;

test('missing queue is QueueDoesNotExist with the NonExistentQueue query code', async () => {
  const err = await expectError(() => nimbus.sqs.send(new GetQueueUrlCommand({ QueueName: uniqueName('nope') })));
  assert.ok(err instanceof QueueDoesNotExist, `got ${err.name}`);
  assert.equal(err.name, 'QueueDoesNotExist');
  assert.equal(err.Code, 'AWS.SimpleQueueService.NonExistentQueue');
  assert.equal(err.Type, 'Sender');
  assert.equal(err.$fault, 'client');
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.ok(err.$metadata.requestId);
  assert.ok(err.message.length > 0);
});

test('operations on a deleted queue are QueueDoesNotExist', async () => {
  const url = await newQueue();
  await nimbus.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
  for (const cmd of [
    new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }),
    new ReceiveMessageCommand({ QueueUrl: url }),
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    new PurgeQueueCommand({ QueueUrl: url }),
  ]) {
    const err = await expectError(() => nimbus.sqs.send(cmd));
    assert.equal(err.name, 'QueueDoesNotExist', cmd.constructor.name);
    assert.equal(err.Code, 'AWS.SimpleQueueService.NonExistentQueue');
  }
});

test('create with different attributes is QueueNameExists / QueueAlreadyExists', async () => {
  const name = uniqueName();
  await newQueue({ VisibilityTimeout: '10' }, name);
  const err = await expectError(() => newQueue({ VisibilityTimeout: '11' }, name));
  assert.equal(err.name, 'QueueNameExists');
  assert.equal(err.Code, 'QueueAlreadyExists');
});

test('recreating within 60 s is QueueDeletedRecently', async () => {
  const name = uniqueName();
  const url = await newQueue(undefined, name);
  await nimbus.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
  const err = await expectError(() => newQueue(undefined, name));
  assert.equal(err.name, 'QueueDeletedRecently');
  assert.equal(err.Code, 'AWS.SimpleQueueService.QueueDeletedRecently');
  await nimbus.server.advanceClock(61);
  assert.equal(await newQueue(undefined, name), url);
});

test('second purge within 60 s is PurgeQueueInProgress (403)', async () => {
  const url = await newQueue();
  await nimbus.sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
  const err = await expectError(() => nimbus.sqs.send(new PurgeQueueCommand({ QueueUrl: url })));
  assert.equal(err.name, 'PurgeQueueInProgress');
  assert.equal(err.Code, 'AWS.SimpleQueueService.PurgeQueueInProgress');
  assert.equal(err.$metadata.httpStatusCode, 403);
});

test('batch rule violations have their own error names', async () => {
  const url = await newQueue();
  const tooMany = await expectError(() => nimbus.sqs.send(new SendMessageBatchCommand({
    QueueUrl: url, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' })),
  })));
  assert.equal(tooMany.name, 'TooManyEntriesInBatchRequest');
  assert.equal(tooMany.Code, 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest');
  const dup = await expectError(() => nimbus.sqs.send(new SendMessageBatchCommand({
    QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'x' }, { Id: 'a', MessageBody: 'y' }],
  })));
  assert.equal(dup.name, 'BatchEntryIdsNotDistinct');
  const empty = await expectError(() => nimbus.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [] })));
  assert.equal(empty.name, 'EmptyBatchRequest');
  const badId = await expectError(() => nimbus.sqs.send(new SendMessageBatchCommand({
    QueueUrl: url, Entries: [{ Id: 'no spaces allowed', MessageBody: 'x' }],
  })));
  assert.equal(badId.name, 'InvalidBatchEntryId');
});

test('bad receipt handle is ReceiptHandleIsInvalid', async () => {
  const url = await newQueue();
  const err = await expectError(() => nimbus.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'junk' })));
  assert.equal(err.name, 'ReceiptHandleIsInvalid');
});

test('changing visibility of a message no longer in flight is MessageNotInflight', async () => {
  const url = await newQueue();
  await nimbus.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
  const [m] = (await nimbus.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 5 }))).Messages;
  await nimbus.server.advanceClock(6);
  const err = await expectError(() => nimbus.sqs.send(new ChangeMessageVisibilityCommand({
    QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 10,
  })));
  assert.equal(err.name, 'MessageNotInflight');
  assert.equal(err.Code, 'AWS.SimpleQueueService.MessageNotInflight');
});

test('unknown attribute name is InvalidAttributeName', async () => {
  const url = await newQueue();
  const err = await expectError(() => nimbus.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Nope'] })));
  assert.equal(err.name, 'InvalidAttributeName');
});

test('invalid message contents are InvalidMessageContents', async () => {
  const url = await newQueue();
  const err = await expectError(() => nimbus.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a\u0000b' })));
  assert.equal(err.name, 'InvalidMessageContents');
});

test('error texts match AWS wording on the JSON protocol', async () => {
  const url = await newQueue();
  const message = async (cmd) => (await expectError(() => nimbus.sqs.send(cmd))).message;
  assert.equal(await message(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 21 })),
    'Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.');
  assert.equal(await message(new SendMessageCommand({ QueueUrl: url, MessageBody: 'bell\u0007' })),
    "Invalid binary character '#x7' was found in the message body, the set of allowed characters is " +
    '#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].');
  assert.equal(await message(new SendMessageCommand({
    QueueUrl: url, MessageBody: 'b',
    MessageAttributes: { ErrorDetails: { DataType: 'String', StringValue: '' } },
  })), "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.");
  assert.equal(await message(new RemovePermissionCommand({ QueueUrl: url, Label: 'nolabel' })),
    "Value nolabel for parameter Label is invalid. Reason: can't find label.");
  assert.equal(await message(new CreateQueueCommand({
    QueueName: uniqueName(), Attributes: { FifoThroughputLimit: 'perQueue' },
  })), 'You can specify the FifoThroughputLimit only when FifoQueue is set to true.');
  const small = await newQueue({ MaximumMessageSize: '1024' });
  const out = await nimbus.sqs.send(new SendMessageBatchCommand({
    QueueUrl: small, Entries: [{ Id: 'big', MessageBody: 'a'.repeat(1025) }],
  }));
  assert.equal(out.Failed[0].Message,
    'One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.');
});

test('raw JSON error responses carry __type and x-amzn-query-error', async () => {
  const res = await fetch(`${nimbus.server.endpoint}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': 'AmazonSQS.GetQueueUrl',
      Authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify({ QueueName: 'missing-queue' }),
  });
  assert.equal(res.status, 400);
  assert.equal(res.headers.get('x-amzn-query-error'), 'AWS.SimpleQueueService.NonExistentQueue;Sender');
  assert.match(res.headers.get('content-type'), /application\/x-amz-json-1\.0/);
  const body = await res.json();
  assert.match(body.__type, /QueueDoesNotExist$/);
  assert.ok(body.message);
});

test('the server keeps serving after a burst of failing calls', async () => {
  await Promise.all(Array.from({ length: 50 }, () =>
    expectError(() => nimbus.sqs.send(new GetQueueUrlCommand({ QueueName: uniqueName('none') })))));
  const health = await nimbus.server.health();
  assert.equal(health.services.sqs, 'running');
});
