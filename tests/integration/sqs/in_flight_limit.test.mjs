// The in-flight quota (120,000 per queue) over the JSON protocol. Reaching it takes 120,000 receives,
// so these only run with NIMBUS_SLOW_TESTS=1; unit tests cover it with a small quota.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { CreateQueueCommand, OverLimit, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { expectError, startNimbus, uniqueName } from '../helpers/server.mjs';

const LIMIT = 120_000;
const skip = !process.env.NIMBUS_SLOW_TESTS && 'sends and receives 120,000 messages; set NIMBUS_SLOW_TESTS=1';

let server;
let sqs;

before(async () => {
  server = await startNimbus();
  sqs = server.client();
});
after(async () => {
  sqs?.destroy();
  const code = await server?.stop();
  server?.cleanup();
  assert.equal(code, 0);
});
beforeEach(async () => { await server.reset(); });

async function fullQueue(fifo) {
  const name = fifo ? `${uniqueName('lim')}.fifo` : uniqueName('lim');
  const url = (await sqs.send(new CreateQueueCommand({
    QueueName: name, Attributes: fifo ? { FifoQueue: 'true' } : {},
  }))).QueueUrl;
  for (let n = 0; n < LIMIT + 10; n += 10) {
    const Entries = Array.from({ length: 10 }, (_, k) => ({
      Id: `e${k}`, MessageBody: `m${n + k}`,
      ...(fifo ? { MessageGroupId: `g${n + k}`, MessageDeduplicationId: `d${n + k}` } : {}),
    }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries }));
  }
  let received = 0;
  while (received < LIMIT) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 43200 }));
    received += r.Messages?.length ?? 0;
  }
  assert.equal(received, LIMIT);
  return url;
}

test('a standard queue at the in-flight limit fails a short poll with OverLimit', { skip }, async () => {
  const url = await fullQueue(false);
  const err = await expectError(() => sqs.send(new ReceiveMessageCommand({ QueueUrl: url })));
  assert.ok(err instanceof OverLimit, `got ${err.name}`);
  assert.equal(err.Code, 'OverLimit');
  assert.equal(err.$metadata.httpStatusCode, 403);
  const long = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
  assert.equal(long.Messages, undefined);
});

test('a FIFO queue at the in-flight limit returns no more messages and no error', { skip }, async () => {
  const url = await fullQueue(true);
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
  assert.equal(r.Messages, undefined);
});
