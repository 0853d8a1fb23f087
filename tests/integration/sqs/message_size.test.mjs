// SQS's 1 MiB message limit on the JSON protocol (@aws-sdk/client-sqs v3): the default
// MaximumMessageSize, a 1,048,576-byte body round-trips, one byte more is refused with AWS's text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { expectError, useSharedNimbus, uniqueName } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();
const MiB = 1024 * 1024;

test('a 1 MiB message round-trips and 1 MiB + 1 byte is refused', async () => {
  const { QueueUrl } = await nimbus.sqs.send(new CreateQueueCommand({ QueueName: uniqueName('big') }));
  const attrs = await nimbus.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['MaximumMessageSize'] }));
  assert.equal(attrs.Attributes.MaximumMessageSize, String(MiB));
  const body = 'm'.repeat(MiB);
  await nimbus.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
  const got = await nimbus.sqs.send(new ReceiveMessageCommand({ QueueUrl }));
  assert.equal(got.Messages[0].Body.length, MiB);
  assert.equal(got.Messages[0].Body, body);

  const err = await expectError(() => nimbus.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body + 'm' })));
  assert.equal(err.name, 'InvalidParameterValue');
  assert.equal(err.message, 'One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.');

  const batch = await expectError(() => nimbus.sqs.send(new SendMessageBatchCommand({
    QueueUrl, Entries: [{ Id: 'a', MessageBody: 'x'.repeat(MiB / 2) }, { Id: 'b', MessageBody: 'y'.repeat(MiB / 2 + 1) }],
  })));
  assert.equal(batch.name, 'BatchRequestTooLong');
});

test('a missing queue on the JSON protocol: "The specified queue does not exist."', async () => {
  const err = await expectError(() => nimbus.sqs.send(new GetQueueUrlCommand({ QueueName: uniqueName('none') })));
  assert.equal(err.name, 'QueueDoesNotExist');
  assert.equal(err.message, 'The specified queue does not exist.');
});
