// Every SQS operation over the JSON protocol, through @aws-sdk/client-sqs v3 (which checks MD5s itself).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  AddPermissionCommand, ChangeMessageVisibilityBatchCommand, ChangeMessageVisibilityCommand,
  CreateQueueCommand, DeleteMessageBatchCommand, DeleteMessageCommand, DeleteQueueCommand,
  GetQueueAttributesCommand, GetQueueUrlCommand, ListDeadLetterSourceQueuesCommand, ListQueueTagsCommand,
  ListQueuesCommand, PurgeQueueCommand, ReceiveMessageCommand, RemovePermissionCommand, SendMessageBatchCommand,
  SendMessageCommand, SetQueueAttributesCommand, TagQueueCommand, UntagQueueCommand, paginateListQueues,
} from '@aws-sdk/client-sqs';
import { startNimbus, uniqueName } from '../helpers/server.mjs';

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
  assert.equal(code, 0, 'nimbus exits 0 on SIGTERM');
});
beforeEach(async () => { await server.reset(); });

const md5 = (s) => createHash('md5').update(s).digest('hex');

async function newQueue(attributes, name = uniqueName()) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return QueueUrl;
}

async function arnOf(url) {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return Attributes.QueueArn;
}

test('create, get url, list and delete a queue over JSON', async () => {
  const name = uniqueName('json');
  const url = await newQueue({ VisibilityTimeout: '40' }, name);
  assert.equal(url, `${server.endpoint}/000000000000/${name}`);
  assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl, url);
  assert.deepEqual((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'json' }))).QueueUrls, [url]);
  await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
  const after = await sqs.send(new ListQueuesCommand({}));
  assert.deepEqual(after.QueueUrls ?? [], []);
});

test('list queues paginates with MaxResults and NextToken', async () => {
  for (let i = 0; i < 5; i++) await newQueue(undefined, `page-${i}`);
  const urls = [];
  let pages = 0;
  for await (const page of paginateListQueues({ client: sqs, pageSize: 2 }, { QueueNamePrefix: 'page-' })) {
    pages++;
    assert.ok((page.QueueUrls ?? []).length <= 2);
    urls.push(...(page.QueueUrls ?? []));
  }
  assert.equal(pages, 3);
  assert.equal(new Set(urls).size, 5);
});

test('send, receive and delete with message attributes and MD5s checked by the SDK', async () => {
  const url = await newQueue();
  const attrs = {
    s: { DataType: 'String', StringValue: 'v' },
    n: { DataType: 'Number', StringValue: '12.5' },
    b: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 254, 255]) },
  };
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'json body ✓', MessageAttributes: attrs }));
  assert.equal(sent.MD5OfMessageBody, md5('json body ✓'));
  assert.ok(sent.MD5OfMessageAttributes);
  const { Messages } = await sqs.send(new ReceiveMessageCommand({
    QueueUrl: url, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'],
  }));
  assert.equal(Messages.length, 1);
  const [m] = Messages;
  assert.equal(m.Body, 'json body ✓');
  assert.equal(m.MessageId, sent.MessageId);
  assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
  assert.equal(m.MessageAttributes.s.StringValue, 'v');
  assert.equal(m.MessageAttributes.n.StringValue, '12.5');
  assert.deepEqual([...m.MessageAttributes.b.BinaryValue], [0, 1, 254, 255]);
  assert.equal(m.Attributes.ApproximateReceiveCount, '1');
  assert.ok(Number(m.Attributes.SentTimestamp) > 1.6e12);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  assert.equal(Attributes.ApproximateNumberOfMessages, '0');
  assert.equal(Attributes.ApproximateNumberOfMessagesNotVisible, '0');
});

test('message attribute selection by name and prefix over JSON', async () => {
  const url = await newQueue();
  await sqs.send(new SendMessageCommand({
    QueueUrl: url, MessageBody: 'x', MessageAttributes: {
      'app.a': { DataType: 'String', StringValue: '1' },
      'app.b': { DataType: 'String', StringValue: '2' },
      other: { DataType: 'String', StringValue: '3' },
    },
  }));
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['app.*'] }));
  assert.deepEqual(Object.keys(Messages[0].MessageAttributes).sort(), ['app.a', 'app.b']);
});

test('batch send, change visibility and delete over JSON', async () => {
  const url = await newQueue();
  const sent = await sqs.send(new SendMessageBatchCommand({
    QueueUrl: url, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `m${i}` })),
  }));
  assert.equal(sent.Successful.length, 10);
  assert.deepEqual(sent.Failed ?? [], []);
  const got = [];
  for (let i = 0; i < 10 && got.length < 10; i++) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    got.push(...(r.Messages ?? []));
  }
  assert.equal(got.length, 10);
  const cv = await sqs.send(new ChangeMessageVisibilityBatchCommand({
    QueueUrl: url,
    Entries: [...got.map((m, i) => ({ Id: `c${i}`, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 120 })),
      { Id: 'bogus', ReceiptHandle: 'garbage', VisibilityTimeout: 1 }].slice(-10),
  }));
  assert.equal(cv.Failed.length, 1);
  assert.equal(cv.Failed[0].Id, 'bogus');
  assert.equal(cv.Failed[0].Code, 'ReceiptHandleIsInvalid');
  const del = await sqs.send(new DeleteMessageBatchCommand({
    QueueUrl: url, Entries: got.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
  }));
  assert.equal(del.Successful.length, 10);
});

test('change message visibility and the clock bring a message back', async () => {
  const url = await newQueue();
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'v' }));
  const [m] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages;
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 100 }));
  await server.advanceClock(50);
  assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
  await server.advanceClock(51);
  const again = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }))).Messages;
  assert.equal(again[0].Attributes.ApproximateReceiveCount, '2');
});

test('long poll over JSON returns early when a message arrives', async () => {
  const url = await newQueue();
  const started = Date.now();
  const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10 }));
  await new Promise((r) => setTimeout(r, 300));
  const other = server.client();
  await other.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'wake' }));
  other.destroy();
  const res = await poll;
  assert.equal(res.Messages[0].Body, 'wake');
  assert.ok(Date.now() - started < 2500, `long poll took ${Date.now() - started} ms`);
});

test('queue attributes: get selected, set, and All', async () => {
  const url = await newQueue();
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DelaySeconds: '7', VisibilityTimeout: '90' } }));
  const some = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['DelaySeconds', 'VisibilityTimeout'] }));
  assert.deepEqual(some.Attributes, { DelaySeconds: '7', VisibilityTimeout: '90' });
  const all = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  assert.match(all.Attributes.QueueArn, /^arn:aws:sqs:us-east-1:000000000000:/);
});

test('tags: tag, list, untag over JSON', async () => {
  const url = await newQueue();
  await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { a: '1', b: '2' } }));
  assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { a: '1', b: '2' });
  await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['a'] }));
  assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { b: '2' });
});

test('add and remove permission are reflected in the Policy attribute', async () => {
  const url = await newQueue();
  await sqs.send(new AddPermissionCommand({ QueueUrl: url, Label: 'p1', AWSAccountIds: ['111111111111'], Actions: ['SendMessage'] }));
  let { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] }));
  const policy = JSON.parse(Attributes.Policy);
  assert.equal(policy.Statement[0].Sid, 'p1');
  assert.equal(policy.Statement[0].Resource, await arnOf(url));
  await sqs.send(new RemovePermissionCommand({ QueueUrl: url, Label: 'p1' }));
  ({ Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy'] })));
  assert.ok(!Attributes?.Policy || JSON.parse(Attributes.Policy).Statement.length === 0);
});

test('dead-letter queue redrive and ListDeadLetterSourceQueues over JSON', async () => {
  const dlq = await newQueue();
  const src = await newQueue({
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(dlq), maxReceiveCount: 1 }),
    VisibilityTimeout: '5',
  });
  assert.deepEqual((await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }))).queueUrls, [src]);
  await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: 'poison' }));
  await sqs.send(new ReceiveMessageCommand({ QueueUrl: src }));
  await server.advanceClock(6);
  assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: src }))).Messages, undefined);
  assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq }))).Messages[0].Body, 'poison');
});

test('FIFO ordering and dedup over JSON', async () => {
  const url = await newQueue({ FifoQueue: 'true', ContentBasedDeduplication: 'true' }, `${uniqueName('f')}.fifo`);
  for (const body of ['a', 'b', 'a', 'c']) {
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: 'g' }));
  }
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
  assert.deepEqual(Messages.map((m) => m.Body), ['a', 'b', 'c']);
});

test('purge queue over JSON', async () => {
  const url = await newQueue();
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'gone' }));
  await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
  assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
});

test('region from the signing scope isolates queues over JSON', async () => {
  const eu = server.client({ region: 'eu-west-1' });
  const name = uniqueName();
  await eu.send(new CreateQueueCommand({ QueueName: name }));
  const us = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }));
  assert.deepEqual(us.QueueUrls ?? [], []);
  const mine = await eu.send(new ListQueuesCommand({ QueueNamePrefix: name }));
  assert.equal(mine.QueueUrls.length, 1);
  eu.destroy();
});

test('GetQueueUrl with QueueOwnerAWSAccountId over JSON', async () => {
  const owner = server.client({ accessKeyId: '111111111111' });
  const name = uniqueName();
  const { QueueUrl } = await owner.send(new CreateQueueCommand({ QueueName: name }));
  assert.match(QueueUrl, /\/111111111111\//);
  const res = await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: '111111111111' }));
  assert.equal(res.QueueUrl, QueueUrl);
  owner.destroy();
});
