// Lambda's control plane through @aws-sdk/client-lambda v3 (rest-json): versions and a weighted
// alias, resource policies, reserved concurrency, async-invoke configs, tags, a layer a Node.js
// function requires from /opt, and URL configs (InvokeMode, which Debian's botocore predates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  AddPermissionCommand, CreateAliasCommand, CreateFunctionCommand, CreateFunctionUrlConfigCommand,
  DeleteFunctionConcurrencyCommand, GetAccountSettingsCommand, GetFunctionConcurrencyCommand, GetPolicyCommand,
  InvokeCommand, LambdaClient, ListAliasesCommand, ListLayerVersionsCommand, ListTagsCommand,
  ListVersionsByFunctionCommand, PublishLayerVersionCommand, PublishVersionCommand, PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand, RemovePermissionCommand, TagResourceCommand, UntagResourceCommand,
  UpdateFunctionCodeCommand, UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { expectError, useSharedNimbus, uniqueName } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();
const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
const arnOf = (name, qualifier) => `arn:aws:lambda:us-east-1:000000000000:function:${name}${qualifier ? `:${qualifier}` : ''}`;

const lambda = () => new LambdaClient({
  endpoint: nimbus.server.endpoint, region: 'us-east-1', maxAttempts: 1,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

// A zip of `files` ({path: text}) made with /usr/bin/zip.
function zip(files) {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-zip-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, 'root', path)), { recursive: true });
      writeFileSync(join(dir, 'root', path), text);
    }
    execFileSync('/usr/bin/zip', ['-qr', join(dir, 'out.zip'), '.'], { cwd: join(dir, 'root') });
    return readFileSync(join(dir, 'out.zip'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ECHO = "exports.handler = async () => ({ version: process.env.AWS_LAMBDA_FUNCTION_VERSION });\n";

async function createFunction(client, name, code = ECHO, extra = {}) {
  return client.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler',
    Code: { ZipFile: zip({ 'index.js': code }) }, ...extra,
  }));
}

async function invoke(client, name, qualifier) {
  const out = await client.send(new InvokeCommand({ FunctionName: name, Qualifier: qualifier, Payload: Buffer.from('{}') }));
  return { out, body: JSON.parse(Buffer.from(out.Payload).toString()) };
}

test('versions and a weighted alias', async () => {
  const client = lambda();
  const name = uniqueName('fn');
  await createFunction(client, name);
  const v1 = await client.send(new PublishVersionCommand({ FunctionName: name }));
  assert.equal(v1.Version, '1');
  assert.equal((await client.send(new PublishVersionCommand({ FunctionName: name }))).Version, '1');
  await client.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip({ 'index.js': `${ECHO}// 2\n` }) }));
  const v2 = await client.send(new PublishVersionCommand({ FunctionName: name, Description: 'second' }));
  assert.equal(v2.Version, '2');
  assert.equal(v2.FunctionArn, arnOf(name, '2'));
  const bad = await expectError(() => client.send(new PublishVersionCommand({ FunctionName: name, CodeSha256: 'nope' })));
  assert.equal(bad.name, 'InvalidParameterValueException');
  const versions = await client.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
  assert.deepEqual(versions.Versions.map((v) => v.Version), ['$LATEST', '1', '2']);

  const alias = await client.send(new CreateAliasCommand({
    FunctionName: name, Name: 'canary', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { 2: 0.5 } },
  }));
  assert.equal(alias.AliasArn, arnOf(name, 'canary'));
  const seen = new Set();
  for (let i = 0; i < 30; i += 1) {
    const { out, body } = await invoke(client, name, 'canary');
    assert.equal(out.ExecutedVersion, body.version);
    seen.add(out.ExecutedVersion);
  }
  assert.deepEqual([...seen].sort(), ['1', '2']);
  const listed = await client.send(new ListAliasesCommand({ FunctionName: name, FunctionVersion: '1' }));
  assert.deepEqual(listed.Aliases.map((a) => a.Name), ['canary']);
  const conflict = await expectError(() => client.send(new CreateAliasCommand({ FunctionName: name, Name: 'canary', FunctionVersion: '2' })));
  assert.equal(conflict.name, 'ResourceConflictException');
  assert.equal(conflict.$metadata.httpStatusCode, 409);
  client.destroy();
});

test('resource policy statements and GetPolicy', async () => {
  const client = lambda();
  const name = uniqueName('fn');
  await createFunction(client, name);
  const added = await client.send(new AddPermissionCommand({
    FunctionName: name, StatementId: 'sqs', Action: 'lambda:InvokeFunction', Principal: 'sqs.amazonaws.com',
    SourceArn: 'arn:aws:sqs:us-east-1:000000000000:jobs',
  }));
  assert.deepEqual(JSON.parse(added.Statement), {
    Sid: 'sqs', Effect: 'Allow', Principal: { Service: 'sqs.amazonaws.com' }, Action: 'lambda:InvokeFunction',
    Resource: arnOf(name), Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:sqs:us-east-1:000000000000:jobs' } },
  });
  const policy = await client.send(new GetPolicyCommand({ FunctionName: name }));
  assert.equal(policy.Policy, `{"Version":"2012-10-17","Id":"default","Statement":[${added.Statement}]}`);
  const dup = await expectError(() => client.send(new AddPermissionCommand({
    FunctionName: name, StatementId: 'sqs', Action: 'lambda:InvokeFunction', Principal: 'sqs.amazonaws.com',
  })));
  assert.equal(dup.name, 'ResourceConflictException');
  await client.send(new RemovePermissionCommand({ FunctionName: name, StatementId: 'sqs' }));
  const gone = await expectError(() => client.send(new GetPolicyCommand({ FunctionName: name })));
  assert.equal(gone.name, 'ResourceNotFoundException');
  assert.equal(gone.message, 'The resource you requested does not exist.');
  client.destroy();
});

test('reserved concurrency and async-invoke config', async () => {
  const client = lambda();
  const name = uniqueName('fn');
  await createFunction(client, name);
  await client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 0 }));
  assert.equal((await client.send(new GetFunctionConcurrencyCommand({ FunctionName: name }))).ReservedConcurrentExecutions, 0);
  const throttled = await expectError(() => invoke(client, name));
  assert.equal(throttled.name, 'TooManyRequestsException');
  assert.equal(throttled.$metadata.httpStatusCode, 429);
  const floor = await expectError(() => client.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 901 })));
  assert.equal(floor.name, 'InvalidParameterValueException');
  await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
  assert.equal((await client.send(new GetAccountSettingsCommand({}))).AccountLimit.UnreservedConcurrentExecutions, 1000);
  assert.equal((await invoke(client, name)).out.StatusCode, 200);

  const config = await client.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: name, MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 3600,
  }));
  assert.equal(config.FunctionArn, arnOf(name, '$LATEST'));
  assert.ok(config.LastModified instanceof Date);
  client.destroy();
});

test('tags', async () => {
  const client = lambda();
  const name = uniqueName('fn');
  await createFunction(client, name);
  await client.send(new TagResourceCommand({ Resource: arnOf(name), Tags: { team: 'core', env: 'dev' } }));
  await client.send(new UntagResourceCommand({ Resource: arnOf(name), TagKeys: ['env'] }));
  assert.deepEqual((await client.send(new ListTagsCommand({ Resource: arnOf(name) }))).Tags, { team: 'core' });
  const qualified = await expectError(() => client.send(new TagResourceCommand({ Resource: arnOf(name, '1'), Tags: { a: 'b' } })));
  assert.equal(qualified.name, 'InvalidParameterValueException');
  client.destroy();
});

test('a layer module required from /opt/nodejs/node_modules', async () => {
  const client = lambda();
  const layerName = uniqueName('layer');
  const layer = await client.send(new PublishLayerVersionCommand({
    LayerName: layerName, CompatibleRuntimes: ['nodejs20.x'],
    Content: { ZipFile: zip({ 'nodejs/node_modules/shout/index.js': "module.exports = (s) => s.toUpperCase() + '!';\n" }) },
  }));
  assert.equal(layer.Version, 1);
  const listed = await client.send(new ListLayerVersionsCommand({ LayerName: layerName }));
  assert.deepEqual(listed.LayerVersions.map((v) => v.LayerVersionArn), [layer.LayerVersionArn]);
  const name = uniqueName('fn');
  await createFunction(client, name, "const shout = require('shout');\nexports.handler = async () => shout('layered');\n",
    { Layers: [layer.LayerVersionArn] });
  assert.equal((await invoke(client, name)).body, 'LAYERED!');
  const missing = await expectError(() => createFunction(client, uniqueName('fn'), ECHO, { Layers: [`${layer.LayerArn}:9`] }));
  assert.equal(missing.name, 'InvalidParameterValueException');
  assert.equal(missing.message, `Layer version ${layer.LayerArn}:9 does not exist.`);
  client.destroy();
});

test('function URL config with InvokeMode', async () => {
  const client = lambda();
  const name = uniqueName('fn');
  await createFunction(client, name);
  const created = await client.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE' }));
  assert.match(created.FunctionUrl, /^https:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws\/$/);
  assert.equal(created.InvokeMode, 'BUFFERED');
  assert.equal(created.$metadata.httpStatusCode, 201);
  const updated = await client.send(new UpdateFunctionUrlConfigCommand({ FunctionName: name, InvokeMode: 'RESPONSE_STREAM' }));
  assert.equal(updated.InvokeMode, 'RESPONSE_STREAM');
  assert.equal(updated.AuthType, 'NONE');
  const versionUrl = await expectError(() => client.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: '1', AuthType: 'NONE' })));
  assert.equal(versionUrl.name, 'ValidationException');
  client.destroy();
});
