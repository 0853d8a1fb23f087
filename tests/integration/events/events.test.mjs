// EventBridge through @aws-sdk/client-eventbridge v3 (awsJson 1.1): the seed's publishOrderCreated
// call as written, rules and targets, per-entry failures and the SDK's exception classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand, DescribeRuleCommand,
  ListRulesCommand, CreateEventBusCommand, TestEventPatternCommand, ResourceNotFoundException,
  InvalidEventPatternException, ResourceAlreadyExistsException,
} from '@aws-sdk/client-eventbridge';
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { expectError, useSharedNimbus, uniqueName } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();
const config = () => ({
  endpoint: nimbus.server.endpoint, region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1,
});

// The seed's publisher, unmodified but for the client's endpoint.
async function publishOrderCreated(client, event) {
  await client.send(new PutEventsCommand({
    Entries: [{
      Source: 'order-service',
      DetailType: 'OrderCreated',
      Detail: JSON.stringify(event),
      EventBusName: 'default',
    }],
  }));
}

test('publishOrderCreated reaches the queue an OrderCreated rule targets', async () => {
  const events = new EventBridgeClient(config());
  const sqs = new SQSClient(config());
  const name = uniqueName('orders');
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  await events.send(new PutRuleCommand({
    Name: 'OrderCreatedRule', EventBusName: 'default',
    EventPattern: JSON.stringify({ source: ['order-service'], 'detail-type': ['OrderCreated'] }),
  }));
  const put = await events.send(new PutTargetsCommand({
    Rule: 'OrderCreatedRule', Targets: [{ Id: 'q', Arn: `arn:aws:sqs:us-east-1:000000000000:${name}` }],
  }));
  assert.equal(put.FailedEntryCount, 0);
  await publishOrderCreated(events, { orderId: 'o-9', userId: 'u-1', amount: 99.5 });
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
  const event = JSON.parse(got.Messages[0].Body);
  assert.equal(event['detail-type'], 'OrderCreated');
  assert.deepEqual(event.detail, { orderId: 'o-9', userId: 'u-1', amount: 99.5 });
});

test('per-entry failures come back in order with FailedEntryCount', async () => {
  const events = new EventBridgeClient(config());
  const out = await events.send(new PutEventsCommand({
    Entries: [{ Source: 's', DetailType: 't', Detail: '{}' }, { Source: 's', DetailType: 't', Detail: 'nope' }],
  }));
  assert.equal(out.FailedEntryCount, 1);
  assert.ok(out.Entries[0].EventId);
  assert.deepEqual(out.Entries[1], { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
});

test('errors map to the SDK exception classes', async () => {
  const events = new EventBridgeClient(config());
  const missing = await expectError(() => events.send(new DescribeRuleCommand({ Name: 'absent' })));
  assert.ok(missing instanceof ResourceNotFoundException);
  assert.equal(missing.message, 'Rule absent does not exist on EventBus default.');
  const bad = await expectError(() => events.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source": 5}' })));
  assert.ok(bad instanceof InvalidEventPatternException);
  const bus = uniqueName('bus');
  await events.send(new CreateEventBusCommand({ Name: bus }));
  const twice = await expectError(() => events.send(new CreateEventBusCommand({ Name: bus })));
  assert.ok(twice instanceof ResourceAlreadyExistsException);
  assert.equal(twice.message, `Event bus ${bus} already exists.`);
});

test('ListRules pages with NextToken and TestEventPattern answers', async () => {
  const events = new EventBridgeClient(config());
  for (const n of [1, 2, 3]) {
    await events.send(new PutRuleCommand({ Name: `page-${n}`, EventPattern: '{"source": ["x"]}' }));
  }
  const names = [];
  let NextToken;
  do {
    const page = await events.send(new ListRulesCommand({ NamePrefix: 'page-', Limit: 2, NextToken }));
    names.push(...page.Rules.map((r) => r.Name));
    NextToken = page.NextToken;
  } while (NextToken);
  assert.deepEqual(names, ['page-1', 'page-2', 'page-3']);
  const result = await events.send(new TestEventPatternCommand({
    EventPattern: JSON.stringify({ detail: { amount: [{ numeric: ['>=', 10] }] } }),
    Event: JSON.stringify({ id: '1', account: '000000000000', source: 's', time: '2026-01-01T00:00:00Z',
      region: 'us-east-1', resources: [], 'detail-type': 't', detail: { amount: 12 } }),
  }));
  assert.equal(result.Result, true);
});
