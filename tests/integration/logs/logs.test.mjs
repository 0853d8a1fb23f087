// CloudWatch Logs through @aws-sdk/client-cloudwatch-logs v3 (awsJson 1.1): the calls an
// application's logger makes, reading back with GetLogEvents / FilterLogEvents, and the errors
// the SDK maps to its exception classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, DescribeLogGroupsCommand,
  DescribeLogStreamsCommand, FilterLogEventsCommand, GetLogEventsCommand, PutLogEventsCommand,
  PutRetentionPolicyCommand, ResourceAlreadyExistsException, ResourceNotFoundException,
  InvalidParameterException, TagResourceCommand, ListTagsForResourceCommand, paginateFilterLogEvents,
} from '@aws-sdk/client-cloudwatch-logs';
import { expectError, useSharedNimbus, uniqueName } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();

const logsClient = () => new CloudWatchLogsClient({
  endpoint: nimbus.server.endpoint, region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1,
});

async function stream(client, group = uniqueName('g'), name = 's') {
  await client.send(new CreateLogGroupCommand({ logGroupName: group }));
  await client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: name }));
  return group;
}

test('put, get and filter events', async () => {
  const client = logsClient();
  const group = await stream(client);
  const t = Date.now() - 1000;
  const put = await client.send(new PutLogEventsCommand({
    logGroupName: group, logStreamName: 's',
    logEvents: [{ timestamp: t, message: 'ERROR one' }, { timestamp: t + 1, message: '{"level":"INFO","n":2}' }],
  }));
  assert.ok(put.nextSequenceToken);
  assert.equal(put.rejectedLogEventsInfo, undefined);
  const got = await client.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 's', startFromHead: true }));
  assert.deepEqual(got.events.map((e) => e.message), ['ERROR one', '{"level":"INFO","n":2}']);
  assert.equal(got.events[0].timestamp, t);
  assert.match(got.nextForwardToken, /^f\//);
  assert.match(got.nextBackwardToken, /^b\//);
  const json = await client.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '{ $.n >= 2 }' }));
  assert.deepEqual(json.events.map((e) => e.message), ['{"level":"INFO","n":2}']);
  assert.equal(json.events[0].logStreamName, 's');
  const streams = await client.send(new DescribeLogStreamsCommand({ logGroupName: group }));
  assert.equal(streams.logStreams[0].lastEventTimestamp, t + 1);
  client.destroy();
});

test('errors map to the SDK exception classes', async () => {
  const client = logsClient();
  const group = await stream(client);
  const exists = await expectError(() => client.send(new CreateLogGroupCommand({ logGroupName: group })));
  assert.ok(exists instanceof ResourceAlreadyExistsException);
  assert.equal(exists.message, 'The specified log group already exists');
  const missing = await expectError(() => client.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'none' })));
  assert.ok(missing instanceof ResourceNotFoundException);
  assert.equal(missing.message, 'The specified log stream does not exist.');
  const order = await expectError(() => client.send(new PutLogEventsCommand({
    logGroupName: group, logStreamName: 's',
    logEvents: [{ timestamp: Date.now(), message: 'b' }, { timestamp: Date.now() - 10, message: 'a' }],
  })));
  assert.ok(order instanceof InvalidParameterException);
  const retention = await expectError(() => client.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: 4 })));
  assert.ok(retention instanceof InvalidParameterException);
  client.destroy();
});

test('paginating FilterLogEvents visits every event once', async () => {
  const client = logsClient();
  const group = await stream(client);
  const t = Date.now() - 5000;
  await client.send(new PutLogEventsCommand({
    logGroupName: group, logStreamName: 's',
    logEvents: Array.from({ length: 25 }, (_, i) => ({ timestamp: t + i, message: `event ${i}` })),
  }));
  const seen = [];
  for await (const page of paginateFilterLogEvents({ client, pageSize: 10 }, { logGroupName: group })) {
    seen.push(...page.events.map((e) => e.message));
  }
  assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => `event ${i}`));
  client.destroy();
});

test('tags by ARN and DescribeLogGroups fields', async () => {
  const client = logsClient();
  const group = uniqueName('tagged');
  await client.send(new CreateLogGroupCommand({ logGroupName: group, tags: { env: 'test' } }));
  const { logGroups } = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
  assert.equal(logGroups.length, 1);
  assert.equal(logGroups[0].logGroupArn, `arn:aws:logs:us-east-1:000000000000:log-group:${group}`);
  await client.send(new TagResourceCommand({ resourceArn: logGroups[0].logGroupArn, tags: { owner: 'me' } }));
  const tags = await client.send(new ListTagsForResourceCommand({ resourceArn: logGroups[0].logGroupArn }));
  assert.deepEqual(tags.tags, { env: 'test', owner: 'me' });
  client.destroy();
});
