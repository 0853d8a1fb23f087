// Dead-letter redrive with StartMessageMoveTask / ListMessageMoveTasks / CancelMessageMoveTask (JSON protocol).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CancelMessageMoveTaskCommand, CreateQueueCommand, GetQueueAttributesCommand, ListMessageMoveTasksCommand,
  ReceiveMessageCommand, SendMessageBatchCommand, StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { expectError, useSharedNimbus, uniqueName } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();

async function arnOf(url) {
  const { Attributes } = await nimbus.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return Attributes.QueueArn;
}

// A source queue whose n messages have all been dead-lettered into its DLQ.
async function deadLettered(n) {
  const dlq = (await nimbus.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('dlq') }))).QueueUrl;
  const src = (await nimbus.sqs.send(new CreateQueueCommand({
    QueueName: uniqueName('src'),
    Attributes: {
      VisibilityTimeout: '5',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(dlq), maxReceiveCount: 1 }),
    },
  }))).QueueUrl;
  for (let i = 0; i < n; i += 10) {
    await nimbus.sqs.send(new SendMessageBatchCommand({
      QueueUrl: src,
      Entries: Array.from({ length: Math.min(10, n - i) }, (_, k) => ({ Id: `e${k}`, MessageBody: `m${i + k}` })),
    }));
  }
  let received = 0;
  for (let tries = 0; received < n && tries < n; tries++) {
    received += ((await nimbus.sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10 }))).Messages ?? []).length;
  }
  assert.equal(received, n);
  await nimbus.server.advanceClock(6);
  for (let tries = 0; tries < 5; tries++) {
    await nimbus.sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10 })); // moves them to the DLQ
  }
  const { Attributes } = await nimbus.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['ApproximateNumberOfMessages'] }));
  assert.equal(Attributes.ApproximateNumberOfMessages, String(n));
  return { src, dlq, srcArn: await arnOf(src), dlqArn: await arnOf(dlq) };
}

async function waitForStatus(sourceArn, wanted, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let results;
  while (Date.now() < deadline) {
    ({ Results: results } = await nimbus.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn })));
    if (results?.[0] && wanted.includes(results[0].Status)) return results[0];
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`move task never reached ${wanted}: ${JSON.stringify(results)}`);
}

async function drain(url) {
  const bodies = [];
  for (let i = 0; i < 20; i++) {
    const r = await nimbus.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }));
    if (!r.Messages) break;
    bodies.push(...r.Messages.map((m) => m.Body));
  }
  return bodies.sort();
}

test('move task without destination returns DLQ messages to their source queue', async () => {
  const { src, dlq, dlqArn } = await deadLettered(5);
  const { TaskHandle } = await nimbus.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
  assert.ok(TaskHandle);
  const task = await waitForStatus(dlqArn, ['COMPLETED']);
  assert.equal(task.ApproximateNumberOfMessagesMoved, 5);
  assert.equal(task.ApproximateNumberOfMessagesToMove, 5);
  assert.equal(task.SourceArn, dlqArn);
  assert.ok(task.StartedTimestamp > 0);
  assert.deepEqual(await drain(src), ['m0', 'm1', 'm2', 'm3', 'm4']);
  assert.deepEqual(await drain(dlq), []);
});

test('move task with a destination moves messages there', async () => {
  const { dlqArn } = await deadLettered(3);
  const dest = (await nimbus.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('dest') }))).QueueUrl;
  const destArn = await arnOf(dest);
  await nimbus.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: destArn }));
  const task = await waitForStatus(dlqArn, ['COMPLETED']);
  assert.equal(task.DestinationArn, destArn);
  assert.deepEqual(await drain(dest), ['m0', 'm1', 'm2']);
});

test('a slow move task can be cancelled and is listed as cancelled', async () => {
  const { dlqArn } = await deadLettered(30);
  const { TaskHandle } = await nimbus.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 1 }));
  const running = await waitForStatus(dlqArn, ['RUNNING']);
  assert.equal(running.MaxNumberOfMessagesPerSecond, 1);
  const cancelled = await nimbus.sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
  assert.ok(cancelled.ApproximateNumberOfMessagesMoved < 30);
  const task = await waitForStatus(dlqArn, ['CANCELLED']);
  assert.ok(task.ApproximateNumberOfMessagesMoved < 30);
});

test('a cancelled task is CANCELLING until the mover observes it, then CANCELLED', async () => {
  const { dlqArn } = await deadLettered(5);
  const { TaskHandle } = await nimbus.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 1 }));
  await nimbus.sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
  const seen = new Set();
  const deadline = Date.now() + 10000;
  let task;
  while (Date.now() < deadline && task?.Status !== 'CANCELLED') {
    [task] = (await nimbus.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results;
    seen.add(task.Status);
    assert.equal(task.TaskHandle, undefined, 'only RUNNING tasks list their handle');
    assert.equal(task.FailureReason, undefined);
    assert.equal(task.ApproximateNumberOfMessagesToMove, 5);
    assert.ok(task.ApproximateNumberOfMessagesMoved <= 5);
  }
  assert.equal(task.Status, 'CANCELLED');
  assert.deepEqual([...seen].filter((s) => s !== 'CANCELLING' && s !== 'CANCELLED'), []);
  const again = await expectError(() => nimbus.sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle })));
  assert.equal(again.$metadata.httpStatusCode, 400);
});

test('a second move task on the same source while one runs is rejected', async () => {
  const { dlqArn } = await deadLettered(20);
  await nimbus.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 1 }));
  const err = await expectError(() => nimbus.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn })));
  assert.equal(err.$metadata.httpStatusCode, 400);
  const { Results } = await nimbus.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
  await nimbus.sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: Results[0].TaskHandle }));
});

test('move task from a queue that is not a dead-letter queue is rejected', async () => {
  const plain = (await nimbus.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('plain') }))).QueueUrl;
  const plainArn = await arnOf(plain);
  const err = await expectError(() => nimbus.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: plainArn })));
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.ok(['InvalidParameterValue', 'UnsupportedOperation'].includes(err.name), err.name);
});

test('move task from a missing queue is ResourceNotFoundException', async () => {
  const err = await expectError(() => nimbus.sqs.send(new StartMessageMoveTaskCommand({
    SourceArn: 'arn:aws:sqs:us-east-1:000000000000:no-such-dlq',
  })));
  assert.equal(err.name, 'ResourceNotFoundException');
});

test('cancelling an unknown task handle is rejected', async () => {
  const err = await expectError(() => nimbus.sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: 'bm90LWEtaGFuZGxl' })));
  assert.ok(['ResourceNotFoundException', 'InvalidParameterValue'].includes(err.name), err.name);
});

test('ListMessageMoveTasks on a DLQ without tasks lists nothing', async () => {
  const { dlqArn } = await deadLettered(1);
  const { Results } = await nimbus.sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
  assert.deepEqual(Results ?? [], []);
});
