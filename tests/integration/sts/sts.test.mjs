// STS through @aws-sdk/client-sts v3 (query protocol): identity, AssumeRole into another account,
// and using the temporary credentials with the SQS client (JSON protocol), where the queue lands
// in the role's account.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateQueueCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { expectError, useSharedNimbus, uniqueName } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();

const stsClient = (credentials = { accessKeyId: 'test', secretAccessKey: 'test' }) =>
  new STSClient({ endpoint: nimbus.server.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

test('GetCallerIdentity: default, 12-digit keys', async () => {
  const def = await stsClient().send(new GetCallerIdentityCommand({}));
  assert.equal(def.Account, '000000000000');
  assert.equal(def.Arn, 'arn:aws:iam::000000000000:root');
  const own = await stsClient({ accessKeyId: '123456789012', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({}));
  assert.equal(own.Account, '123456789012');
});

test('AssumeRole credentials act in the role account', async () => {
  const out = await stsClient().send(new AssumeRoleCommand({
    RoleArn: 'arn:aws:iam::222233334444:role/Reader', RoleSessionName: 'node-sdk', DurationSeconds: 1800,
  }));
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = out.Credentials;
  assert.match(AccessKeyId, /^ASIA[A-Z2-7]{16}$/);
  assert.ok(Expiration instanceof Date && Expiration.getTime() > Date.now() + 1700_000);
  assert.equal(out.AssumedRoleUser.Arn, 'arn:aws:sts::222233334444:assumed-role/Reader/node-sdk');
  const credentials = { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken };

  const identity = await stsClient(credentials).send(new GetCallerIdentityCommand({}));
  assert.equal(identity.Account, '222233334444');
  assert.equal(identity.Arn, out.AssumedRoleUser.Arn);

  const sqs = new SQSClient({ endpoint: nimbus.server.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  const name = uniqueName('assumed');
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  assert.ok(QueueUrl.endsWith(`/222233334444/${name}`), QueueUrl);
  const owner = nimbus.server.client({ accessKeyId: '222233334444' });
  const listed = await owner.send(new ListQueuesCommand({}));
  assert.ok(listed.QueueUrls.some((u) => u.endsWith(`/222233334444/${name}`)));
  sqs.destroy();
  owner.destroy();
});

test('AssumeRole DurationSeconds below 900 is a ValidationError', async () => {
  const err = await expectError(() => stsClient().send(new AssumeRoleCommand({
    RoleArn: 'arn:aws:iam::222233334444:role/Reader', RoleSessionName: 'short', DurationSeconds: 60,
  })));
  assert.equal(err.name, 'ValidationError');
  assert.match(err.message, /at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900/);
});

test('GetSessionToken issues credentials for the caller', async () => {
  const out = await stsClient({ accessKeyId: '123456789012', secretAccessKey: 'x' }).send(new GetSessionTokenCommand({}));
  const c = out.Credentials;
  const identity = await stsClient({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken })
    .send(new GetCallerIdentityCommand({}));
  assert.equal(identity.Account, '123456789012');
});
