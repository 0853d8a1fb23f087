// EventBridge Scheduler through @aws-sdk/client-scheduler v3 (rest-json): what an application's
// scheduling code does — one-time and recurring schedules with ActionAfterCompletion, groups,
// pagination — and the errors the SDK maps to its exception classes; a schedule firing to SQS on
// nimbus's clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SchedulerClient, CreateScheduleCommand, GetScheduleCommand, UpdateScheduleCommand, DeleteScheduleCommand,
  CreateScheduleGroupCommand, DeleteScheduleGroupCommand, GetScheduleGroupCommand, ListTagsForResourceCommand,
  ConflictException, ResourceNotFoundException, ValidationException, paginateListSchedules,
} from '@aws-sdk/client-scheduler';
import {
  CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { expectError, useSharedNimbus, uniqueName } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();
const ROLE = 'arn:aws:iam::000000000000:role/scheduler';

const schedulerClient = () => new SchedulerClient({
  endpoint: nimbus.server.endpoint, region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1,
});

async function queue() {
  const { QueueUrl } = await nimbus.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('sched') }));
  const { Attributes } = await nimbus.sqs.send(new GetQueueAttributesCommand({
    QueueUrl, AttributeNames: ['QueueArn'],
  }));
  return { url: QueueUrl, arn: Attributes.QueueArn };
}

async function receive(url, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { Messages } = await nimbus.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
    if (Messages?.length) return Messages;
  }
  return [];
}

function atIn(seconds) {
  return `at(${new Date(Date.now() + seconds * 1000).toISOString().slice(0, 19)})`;
}

test('create, read, update and delete schedules with ActionAfterCompletion', async () => {
  const client = schedulerClient();
  const { arn } = await queue();
  const created = await client.send(new CreateScheduleCommand({
    Name: 'report', ScheduleExpression: 'cron(30 8 ? * MON-FRI *)', ScheduleExpressionTimezone: 'Asia/Tokyo',
    FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 10 }, ActionAfterCompletion: 'NONE',
    Target: { Arn: arn, RoleArn: ROLE, Input: '{"r":1}' },
  }));
  assert.equal(created.ScheduleArn, 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/report');
  const got = await client.send(new GetScheduleCommand({ Name: 'report' }));
  assert.equal(got.ScheduleExpressionTimezone, 'Asia/Tokyo');
  assert.equal(got.ActionAfterCompletion, 'NONE');
  assert.deepEqual(got.FlexibleTimeWindow, { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 10 });
  assert.ok(got.CreationDate instanceof Date);
  assert.deepEqual(got.Target.RetryPolicy, { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 });
  await client.send(new UpdateScheduleCommand({
    Name: 'report', ScheduleExpression: atIn(3600), FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE', Target: { Arn: arn, RoleArn: ROLE },
  }));
  const updated = await client.send(new GetScheduleCommand({ Name: 'report' }));
  assert.equal(updated.ActionAfterCompletion, 'DELETE');
  assert.equal(updated.ScheduleExpressionTimezone, undefined);
  await client.send(new DeleteScheduleCommand({ Name: 'report' }));
  client.destroy();
});

test('errors map to the SDK exception classes', async () => {
  const client = schedulerClient();
  const { arn } = await queue();
  const input = { Name: 'x', ScheduleExpression: 'rate(1 hour)', FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: arn, RoleArn: ROLE } };
  await client.send(new CreateScheduleCommand(input));
  const conflict = await expectError(() => client.send(new CreateScheduleCommand(input)));
  assert.ok(conflict instanceof ConflictException);
  assert.equal(conflict.message, 'Schedule x already exists.');
  const missing = await expectError(() => client.send(new GetScheduleCommand({ Name: 'none' })));
  assert.ok(missing instanceof ResourceNotFoundException);
  assert.equal(missing.message, 'Schedule none does not exist.');
  assert.equal(missing.$metadata.httpStatusCode, 404);
  const invalid = await expectError(() => client.send(new CreateScheduleCommand({ ...input, Name: 'y',
    ScheduleExpression: 'at(2030-02-30T00:00:00)' })));
  assert.ok(invalid instanceof ValidationException);
  assert.equal(invalid.message, 'Invalid Schedule Expression at(2030-02-30T00:00:00).');
  const group = await expectError(() => client.send(new GetScheduleGroupCommand({ Name: 'nope' })));
  assert.ok(group instanceof ResourceNotFoundException);
  client.destroy();
});

test('groups, tags and paginated listing', async () => {
  const client = schedulerClient();
  const { arn } = await queue();
  const { ScheduleGroupArn } = await client.send(new CreateScheduleGroupCommand({
    Name: 'jobs', Tags: [{ Key: 'team', Value: 'core' }],
  }));
  const tags = await client.send(new ListTagsForResourceCommand({ ResourceArn: ScheduleGroupArn }));
  assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'core' }]);
  for (let i = 0; i < 5; i++) {
    await client.send(new CreateScheduleCommand({
      Name: `job-${i}`, GroupName: 'jobs', ScheduleExpression: 'rate(1 day)', FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: arn, RoleArn: ROLE },
    }));
  }
  const names = [];
  for await (const page of paginateListSchedules({ client, pageSize: 2 }, { GroupName: 'jobs' })) {
    names.push(...page.Schedules.map((s) => s.Name));
  }
  assert.deepEqual(names, ['job-0', 'job-1', 'job-2', 'job-3', 'job-4']);
  await client.send(new DeleteScheduleGroupCommand({ Name: 'jobs' }));
  const gone = await expectError(() => client.send(new GetScheduleCommand({ Name: 'job-0', GroupName: 'jobs' })));
  assert.ok(gone instanceof ResourceNotFoundException);
  client.destroy();
});

test('a one-time schedule fires to SQS when nimbus\'s clock reaches it, then deletes itself', async () => {
  const client = schedulerClient();
  const { url, arn } = await queue();
  await client.send(new CreateScheduleCommand({
    Name: 'once', ScheduleExpression: atIn(900), FlexibleTimeWindow: { Mode: 'OFF' }, ActionAfterCompletion: 'DELETE',
    Target: { Arn: arn, RoleArn: ROLE, Input: '{"at":"<aws.scheduler.schedule-arn>"}' },
  }));
  await nimbus.server.advanceClock(1000);
  const [message] = await receive(url);
  assert.deepEqual(JSON.parse(message.Body), { at: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/once' });
  let gone;
  for (let i = 0; i < 50 && !gone; i++) {
    gone = await client.send(new GetScheduleCommand({ Name: 'once' })).then(() => undefined, (err) => err);
    if (!gone) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(gone instanceof ResourceNotFoundException);
  client.destroy();
});
