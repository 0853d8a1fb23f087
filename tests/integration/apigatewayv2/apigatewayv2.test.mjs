// HTTP APIs through @aws-sdk/client-apigatewayv2 v3 (rest-json): an API built route by route and
// served through its invoke URL (a Node.js function behind a Lambda proxy integration), and the
// errors the SDK maps to its exception classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiGatewayV2Client, CreateApiCommand, CreateIntegrationCommand, CreateRouteCommand, CreateStageCommand,
  GetApiCommand, GetRoutesCommand, GetStageCommand, DeleteApiCommand, NotFoundException, ConflictException,
} from '@aws-sdk/client-apigatewayv2';
import { AddPermissionCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { expectError, useSharedNimbus, uniqueName } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();
const options = () => ({
  endpoint: nimbus.server.endpoint, region: 'us-east-1', maxAttempts: 1,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
const apigw = () => new ApiGatewayV2Client(options());

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

function call(apiId, path) {
  return new Promise((ok, fail) => {
    const req = request({
      host: '127.0.0.1', port: nimbus.server.port, path, method: 'GET',
      headers: { Host: `${apiId}.execute-api.us-east-1.localhost:${nimbus.server.port}` },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('an API built route by route serves its Lambda integration', async () => {
  const lambda = new LambdaClient(options());
  const FunctionName = uniqueName('fn');
  const fn = await lambda.send(new CreateFunctionCommand({
    FunctionName, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/r', Handler: 'index.handler',
    Code: { ZipFile: zip({ 'index.mjs': 'export const handler = async (e) => ({ id: e.pathParameters.id, stage: e.requestContext.stage });' }) },
  }));
  await lambda.send(new AddPermissionCommand({
    FunctionName, StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com',
  }));
  const client = apigw();
  const api = await client.send(new CreateApiCommand({ Name: uniqueName('api'), ProtocolType: 'HTTP' }));
  assert.ok(api.CreatedDate instanceof Date);
  const integration = await client.send(new CreateIntegrationCommand({
    ApiId: api.ApiId, IntegrationType: 'AWS_PROXY', IntegrationUri: fn.FunctionArn, PayloadFormatVersion: '2.0',
  }));
  await client.send(new CreateRouteCommand({
    ApiId: api.ApiId, RouteKey: 'GET /items/{id}', Target: `integrations/${integration.IntegrationId}`,
  }));
  assert.ok(await expectError(() => client.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: 'GET /items/{id}' })))
    instanceof ConflictException);
  const stage = await client.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: 'v1', AutoDeploy: true }));
  assert.ok(stage.DeploymentId);
  assert.equal((await client.send(new GetStageCommand({ ApiId: api.ApiId, StageName: 'v1' }))).AutoDeploy, true);
  assert.equal((await client.send(new GetRoutesCommand({ ApiId: api.ApiId }))).Items.length, 1);

  const answer = await call(api.ApiId, '/v1/items/42');
  assert.equal(answer.status, 200, answer.body);
  assert.deepEqual(JSON.parse(answer.body), { id: '42', stage: 'v1' });
  assert.ok(answer.headers['apigw-requestid']);
  const missing = await call(api.ApiId, '/v1/nothing');
  assert.equal(missing.status, 404);
  assert.deepEqual(JSON.parse(missing.body), { message: 'Not Found' });

  await client.send(new DeleteApiCommand({ ApiId: api.ApiId }));
  const error = await expectError(() => client.send(new GetApiCommand({ ApiId: api.ApiId })));
  assert.ok(error instanceof NotFoundException);
  assert.equal(error.message, `Invalid API identifier specified 000000000000:${api.ApiId}`);
});
