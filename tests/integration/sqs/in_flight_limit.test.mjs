// The in-flight quota (120,000 per queue) over the JSON protocol. Reaching it takes 120,000 receives,
// so these only run with NIMBUS_SLOW_TESTS=1; unit tests cover it with a small quota.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateQueueCommand, OverLimit, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { expectError, useSharedNimbus, uniqueName } from '../helpers/server.mjs';

const LIMIT = 120_000;
const skip = !process.env.NIMBUS_SLOW_TESTS && 'sends and receives 120,000 messages; set NIMBUS_SLOW_TESTS=1';

const nimbus = useSharedNimbus();

async function fullQueue(fifo) {
  const name = fifo ? `${uniqueName('lim')}.fifo` : uniqueName('lim');
  const url = (await nimbus.sqs.send(new CreateQueueCommand({
    QueueName: name, Attributes: fifo ? { FifoQueue: 'true' } : {},
  }))).QueueUrl;
  for (let n = 0; n < LIMIT + 10; n += 10) {
    const Entries = Array.from({ length: 10 }, (_, k) => ({
      Id: `e${k}`, MessageBody: `m${n + k}`,
      ...(fifo ? { MessageGroupId: `g${n + k}`, MessageDeduplicationId: `d${n + k}` } : {}),
    }));
    await nimbus.sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries }));
  }
  let received = 0;
  while (received < LIMIT) {
    const r = await nimbus.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 43200 }));
    received += r.Messages?.length ?? 0;
  }
  assert.equal(received, LIMIT);
  return url;
}

test('a standard queue at the in-flight limit fails a short poll with OverLimit', { skip }, async () => {
  const url = await fullQueue(false);
  const err = await expectError(() => nimbus.sqs.send(new ReceiveMessageCommand({ QueueUrl: url })));
  assert.ok(err instanceof OverLimit, `got ${err.name}`);
  assert.equal(err.Code, 'OverLimit');
  assert.equal(err.$metadata.httpStatusCode, 403);
  const long = await nimbus.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
  assert.equal(long.Messages, undefined);
});

test('a FIFO queue at the in-flight limit returns no more messages and no error', { skip }, async () => {
  const url = await fullQueue(true);
  const r = await nimbus.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
  assert.equal(r.Messages, undefined);
});
