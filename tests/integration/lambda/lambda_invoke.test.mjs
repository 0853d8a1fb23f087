// Functions run through @aws-sdk/client-lambda v3 (rest-json) and read back through
// @aws-sdk/client-cloudwatch-logs: the seed's portable handler and its error path, a Python
// function, a function error, LogType Tail, an Event invoke, and Lambda's errors as the SDK sees them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateFunctionCommand, GetFunctionCommand, InvokeCommand, InvokeWithResponseStreamCommand, LambdaClient,
} from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { expectError, useSharedNimbus, uniqueName } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();
const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
const options = () => ({
  endpoint: nimbus.server.endpoint, region: 'us-east-1', maxAttempts: 1,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
const lambda = () => new LambdaClient(options());
const logs = () => new CloudWatchLogsClient(options());

function zip(files) {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-zip-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    execFileSync('/usr/bin/zip', ['-q', 'out.zip', ...Object.keys(files)], { cwd: dir });
    return readFileSync(join(dir, 'out.zip'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SEED = `
const processRequest = async (body) => ({ saved: body });
export const handler = async (event) => {
  try {
    const body = JSON.parse(event.body || '{}');
    const result = await processRequest(body);
    return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(result) };
  } catch (error) {
    console.error('Error processing request', error);
    return { statusCode: 500, body: JSON.stringify({ error: 'Internal server error' }) };
  }
};`;

async function create(name, files, extra = {}) {
  return lambda().send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip(files) },
    ...extra,
  }));
}

async function invoke(name, payload, extra = {}) {
  const out = await lambda().send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)), ...extra }));
  const text = Buffer.from(out.Payload ?? []).toString();
  return { out, body: text ? JSON.parse(text) : undefined };
}

async function logMessages(group, contains) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      const { events } = await logs().send(new FilterLogEventsCommand({ logGroupName: group }));
      const found = events.map((e) => e.message).filter((m) => m.includes(contains));
      if (found.length) return found;
    } catch (error) {
      if (error.name !== 'ResourceNotFoundException') throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return [];
}

test('the seed portable handler answers 200 and, for a bad body, 500 with its error logged', async () => {
  const name = uniqueName('seed');
  const created = await create(name, { 'index.mjs': SEED }, { Architectures: ['arm64'], MemorySize: 512, Timeout: 30 });
  assert.equal(created.State, 'Pending');
  let { out, body } = await invoke(name, { body: JSON.stringify({ id: '42' }) });
  assert.equal(out.StatusCode, 200);
  assert.equal(out.FunctionError, undefined);
  assert.deepEqual(JSON.parse(body.body), { saved: { id: '42' } });
  ({ out, body } = await invoke(name, { body: '{oops' }));
  assert.equal(body.statusCode, 500);
  assert.deepEqual(JSON.parse(body.body), { error: 'Internal server error' });
  const logged = await logMessages(`/aws/lambda/${name}`, 'Error processing request');
  assert.match(logged[0], /\tERROR\tError processing request SyntaxError: /);
  const got = await lambda().send(new GetFunctionCommand({ FunctionName: name }));
  assert.equal(got.Configuration.State, 'Active');
  assert.deepEqual(got.Configuration.Architectures, ['arm64']);
});

test('a Python function, a function error and LogType Tail', async () => {
  const name = uniqueName('py');
  await create(name, { 'app.py': 'def run(event, context):\n    if event.get("fail"):\n        raise KeyError("missing")\n    print("printed", event["x"])\n    return event["x"] * 2\n' },
    { Runtime: 'python3.12', Handler: 'app.run' });
  let { out, body } = await invoke(name, { x: 21 }, { LogType: 'Tail' });
  assert.equal(body, 42);
  const tail = Buffer.from(out.LogResult, 'base64').toString();
  assert.match(tail, /printed 21\n/);
  assert.match(tail, /REPORT RequestId: [0-9a-f-]+\tDuration: /);
  ({ out, body } = await invoke(name, { fail: true }));
  assert.equal(out.FunctionError, 'Unhandled');
  assert.equal(body.errorType, 'KeyError');
  assert.equal(body.errorMessage, "'missing'");
});

test('an Event invoke is accepted with 202 and runs', async () => {
  const name = uniqueName('event');
  await create(name, { 'index.js': "exports.handler = async (e) => { console.log('event ran', e.id); };" });
  const out = await lambda().send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: Buffer.from('{"id":"e-1"}') }));
  assert.equal(out.StatusCode, 202);
  assert.equal((await logMessages(`/aws/lambda/${name}`, 'event ran e-1')).length, 1);
});

test('Lambda errors as the SDK reports them', async () => {
  const failsWith = async (call, name, status) => {
    const error = await expectError(call);
    assert.equal(error.name, name);
    assert.equal(error.$metadata.httpStatusCode, status);
  };
  await failsWith(() => lambda().send(new InvokeCommand({ FunctionName: uniqueName('missing') })), 'ResourceNotFoundException', 404);
  const name = uniqueName('dup');
  await create(name, { 'index.js': 'exports.handler = async () => 1;' });
  await failsWith(() => create(name, { 'index.js': '' }), 'ResourceConflictException', 409);
  await failsWith(() => lambda().send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{nope') })),
    'InvalidRequestContentException', 400);
  await failsWith(() => lambda().send(new CreateFunctionCommand({
    FunctionName: uniqueName('zip'), Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler',
    Code: { ZipFile: Buffer.from('not a zip') },
  })), 'InvalidParameterValueException', 400);
});

test('InvokeWithResponseStream: a streaming handler, a buffered one, and a stream that fails part-way', async () => {
  const name = uniqueName('stream');
  await create(name, { 'index.mjs': `
export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.setContentType('text/plain');
  for (const word of ['one ', 'two ', 'three']) responseStream.write(word);
  if (event.fail) throw new Error('stream broke');
  responseStream.end();
});` });
  const read = async (fn, payload) => {
    const out = await lambda().send(new InvokeWithResponseStreamCommand({
      FunctionName: fn, Payload: Buffer.from(JSON.stringify(payload)), LogType: 'Tail',
    }));
    let text = '';
    let complete;
    for await (const event of out.EventStream) {
      if (event.PayloadChunk) text += Buffer.from(event.PayloadChunk.Payload).toString();
      if (event.InvokeComplete) complete = event.InvokeComplete;
    }
    return { out, text, complete };
  };
  let { out, text, complete } = await read(name, {});
  assert.equal(out.StatusCode, 200);
  assert.equal(out.ExecutedVersion, '$LATEST');
  assert.equal(text, 'one two three');
  assert.equal(complete.ErrorCode, undefined);
  assert.match(Buffer.from(complete.LogResult, 'base64').toString(), /REPORT RequestId:/);
  ({ text, complete } = await read(name, { fail: true }));
  assert.equal(text, 'one two three');
  assert.equal(complete.ErrorCode, 'Error');
  assert.equal(complete.ErrorDetails, 'stream broke');

  const plain = uniqueName('plain');
  await create(plain, { 'index.js': "exports.handler = async (e) => ({ echoed: e });" });
  ({ text, complete } = await read(plain, { a: 1 }));
  assert.deepEqual(JSON.parse(text), { echoed: { a: 1 } });
});
