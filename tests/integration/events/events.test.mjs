// EventBridge through @aws-sdk/client-eventbridge v3 (awsJson 1.1): the seed's publishOrderCreated
// call as written, rules and targets, per-entry failures and the SDK's exception classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand, DescribeRuleCommand,
  ListRulesCommand, CreateEventBusCommand, TestEventPatternCommand, ResourceNotFoundException,
  InvalidEventPatternException, ResourceAlreadyExistsException, CreateConnectionCommand,
  DescribeConnectionCommand, CreateApiDestinationCommand, DescribeApiDestinationCommand,
} from '@aws-sdk/client-eventbridge';
import { createServer } from 'node:http';
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

test('an API destination receives matched events with its connection\'s API key', async () => {
  const received = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const events = new EventBridgeClient(config());
    const connection = await events.send(new CreateConnectionCommand({
      Name: uniqueName('conn'), AuthorizationType: 'API_KEY',
      AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'secret-key' } },
    }));
    assert.equal(connection.ConnectionState, 'AUTHORIZED');
    assert.ok(connection.CreationTime instanceof Date);
    const described = await events.send(new DescribeConnectionCommand({ Name: connection.ConnectionArn.split('/')[1] }));
    assert.deepEqual(described.AuthParameters.ApiKeyAuthParameters, { ApiKeyName: 'x-api-key' });
    const name = uniqueName('dest');
    const destination = await events.send(new CreateApiDestinationCommand({
      Name: name, ConnectionArn: connection.ConnectionArn, HttpMethod: 'POST',
      InvocationEndpoint: `http://127.0.0.1:${server.address().port}/webhook`, InvocationRateLimitPerSecond: 20,
    }));
    assert.equal(destination.ApiDestinationState, 'ACTIVE');
    const shown = await events.send(new DescribeApiDestinationCommand({ Name: name }));
    assert.equal(shown.InvocationRateLimitPerSecond, 20);
    const rule = uniqueName('to-webhook');
    await events.send(new PutRuleCommand({ Name: rule, EventPattern: JSON.stringify({ source: ['webhook-test'] }) }));
    await events.send(new PutTargetsCommand({
      Rule: rule, Targets: [{ Id: 'hook', Arn: destination.ApiDestinationArn,
        RoleArn: 'arn:aws:iam::000000000000:role/events', InputPath: '$.detail' }],
    }));
    await events.send(new PutEventsCommand({
      Entries: [{ Source: 'webhook-test', DetailType: 't', Detail: JSON.stringify({ orderId: 'o-7' }) }],
    }));
    const deadline = Date.now() + 10000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(received.length, 1);
    assert.equal(received[0].url, '/webhook');
    assert.equal(received[0].headers['x-api-key'], 'secret-key');
    assert.deepEqual(JSON.parse(received[0].body), { orderId: 'o-7' });
  } finally {
    server.close();
  }
});
