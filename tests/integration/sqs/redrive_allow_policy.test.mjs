// RedriveAllowPolicy on a dead-letter queue over the JSON protocol: which source queues may name it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { expectError, useSharedNimbus, uniqueName } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();

const arnOf = (name) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
const redriveTo = (dlqArn, maxReceiveCount = 3) => JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount });

async function newQueue(name, attributes) {
  return (await nimbus.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl;
}

test('a denyAll dead-letter queue rejects every source queue', async () => {
  const dlq = uniqueName('dlq');
  await newQueue(dlq, { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }) });
  const src = await newQueue(uniqueName('src'));
  const policy = redriveTo(arnOf(dlq));
  const err = await expectError(() => nimbus.sqs.send(new SetQueueAttributesCommand({
    QueueUrl: src, Attributes: { RedrivePolicy: policy },
  })));
  assert.equal(err.Code, 'InvalidParameterValue');
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.equal(err.message,
    `Value ${policy} for parameter RedrivePolicy is invalid. Reason: Dead letter queue does not allow this source queue.`);
  const created = await expectError(() => newQueue(uniqueName('other'), { RedrivePolicy: policy }));
  assert.equal(created.Code, 'InvalidParameterValue');
});

test('a byQueue dead-letter queue accepts only its listed source queues', async () => {
  const dlq = uniqueName('dlq');
  const allowed = uniqueName('allowed');
  await newQueue(dlq, {
    RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [arnOf(allowed)] }),
  });
  const allowedUrl = await newQueue(allowed, { RedrivePolicy: redriveTo(arnOf(dlq)) });
  const { Attributes } = await nimbus.sqs.send(new GetQueueAttributesCommand({ QueueUrl: allowedUrl, AttributeNames: ['RedrivePolicy'] }));
  assert.equal(JSON.parse(Attributes.RedrivePolicy).deadLetterTargetArn, arnOf(dlq));
  const err = await expectError(() => newQueue(uniqueName('denied'), { RedrivePolicy: redriveTo(arnOf(dlq)) }));
  assert.equal(err.Code, 'InvalidParameterValue');
});

test('malformed RedriveAllowPolicy values are InvalidParameterValue', async () => {
  const q = await newQueue(uniqueName('q'));
  const eleven = Array.from({ length: 11 }, (_, i) => arnOf(`q${i}`));
  for (const policy of [
    'not json',
    JSON.stringify({ redrivePermission: 'sometimes' }),
    JSON.stringify({ redrivePermission: 'byQueue' }),
    JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: eleven }),
    JSON.stringify({ redrivePermission: 'allowAll', sourceQueueArns: [arnOf('q')] }),
  ]) {
    const err = await expectError(() => nimbus.sqs.send(new SetQueueAttributesCommand({
      QueueUrl: q, Attributes: { RedriveAllowPolicy: policy },
    })));
    assert.equal(err.Code, 'InvalidParameterValue', policy);
  }
});

test('RedrivePolicy needs an existing dead-letter queue of the same type and maxReceiveCount 1..1000', async () => {
  const src = await newQueue(uniqueName('src'));
  const fifoDlq = `${uniqueName('dlq')}.fifo`;
  await newQueue(fifoDlq, { FifoQueue: 'true' });
  const dlq = uniqueName('dlq');
  await newQueue(dlq);
  for (const policy of [redriveTo(arnOf('missing')), redriveTo(arnOf(fifoDlq)), redriveTo(arnOf(dlq), 0),
    redriveTo(arnOf(dlq), 1001)]) {
    const err = await expectError(() => nimbus.sqs.send(new SetQueueAttributesCommand({
      QueueUrl: src, Attributes: { RedrivePolicy: policy },
    })));
    assert.equal(err.Code, 'InvalidParameterValue', policy);
  }
  await nimbus.sqs.send(new SetQueueAttributesCommand({ QueueUrl: src, Attributes: { RedrivePolicy: redriveTo(arnOf(dlq), 1000) } }));
});
