// REST APIs through @aws-sdk/client-api-gateway v3 (rest-json): an API built resource by resource
// and deployed, an OpenAPI import, and the errors the SDK maps to its exception classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  APIGatewayClient, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, DeleteRestApiCommand,
  GetExportCommand, GetResourcesCommand, GetRestApiCommand, GetStageCommand, ImportRestApiCommand,
  PutIntegrationCommand, PutIntegrationResponseCommand, PutMethodCommand, PutMethodResponseCommand, UpdateStageCommand, ConflictException, NotFoundException,
  BadRequestException,
} from '@aws-sdk/client-api-gateway';
import { expectError, useSharedNimbus, uniqueName } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();
const apigw = () => new APIGatewayClient({
  endpoint: nimbus.server.endpoint, region: 'us-east-1', maxAttempts: 1,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

test('an API built resource by resource is deployed to a stage', async () => {
  const client = apigw();
  const api = await client.send(new CreateRestApiCommand({ name: uniqueName('api'), tags: { team: 'js' } }));
  assert.match(api.id, /^[a-z0-9]{10}$/);
  assert.equal(api.apiKeySource, 'HEADER');
  const { items } = await client.send(new GetResourcesCommand({ restApiId: api.id }));
  const root = items.find((r) => r.path === '/');
  assert.equal(api.rootResourceId, root.id);
  const users = await client.send(new CreateResourceCommand({ restApiId: api.id, parentId: root.id, pathPart: 'users' }));
  const user = await client.send(new CreateResourceCommand({ restApiId: api.id, parentId: users.id, pathPart: '{id}' }));
  assert.equal(user.path, '/users/{id}');
  const duplicate = await expectError(() => client.send(
    new CreateResourceCommand({ restApiId: api.id, parentId: root.id, pathPart: 'users' })));
  assert.ok(duplicate instanceof ConflictException);
  assert.equal(duplicate.message, 'Another resource with the same parent already has this name: users');

  const noMethods = await expectError(() => client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' })));
  assert.ok(noMethods instanceof BadRequestException);
  assert.equal(noMethods.message, "The REST API doesn't contain any methods");

  const method = await client.send(new PutMethodCommand({
    restApiId: api.id, resourceId: user.id, httpMethod: 'GET', authorizationType: 'NONE',
    requestParameters: { 'method.request.path.id': true },
  }));
  assert.equal(method.apiKeyRequired, false);
  const integration = await client.send(new PutIntegrationCommand({
    restApiId: api.id, resourceId: user.id, httpMethod: 'GET', type: 'HTTP_PROXY', integrationHttpMethod: 'GET',
    uri: 'https://example.com/users/{id}', requestParameters: { 'integration.request.path.id': 'method.request.path.id' },
  }));
  assert.equal(integration.passthroughBehavior, 'WHEN_NO_MATCH');
  assert.equal(integration.timeoutInMillis, 29000);
  assert.equal(integration.connectionType, 'INTERNET');
  assert.equal(integration.cacheNamespace, user.id);

  const deployment = await client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));
  const stage = await client.send(new GetStageCommand({ restApiId: api.id, stageName: 'dev' }));
  assert.equal(stage.deploymentId, deployment.id);
  const updated = await client.send(new UpdateStageCommand({
    restApiId: api.id, stageName: 'dev',
    patchOperations: [{ op: 'replace', path: '/*/*/throttling/rateLimit', value: '50' }],
  }));
  assert.equal(updated.methodSettings['*/*'].throttlingRateLimit, 50);

  await client.send(new DeleteRestApiCommand({ restApiId: api.id }));
  const gone = await expectError(() => client.send(new GetRestApiCommand({ restApiId: api.id })));
  assert.ok(gone instanceof NotFoundException);
  assert.equal(gone.message, `Invalid API identifier specified 000000000000:${api.id}`);
  assert.equal(gone.$metadata.httpStatusCode, 404);
});

test('an OpenAPI document is imported and exported again', async () => {
  const client = apigw();
  const title = uniqueName('imported');
  const document = {
    openapi: '3.0.1',
    info: { title, version: '2.0' },
    paths: {
      '/items/{id}': {
        get: {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: 'ok' } },
          'x-amazon-apigateway-integration': {
            type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' },
            responses: { default: { statusCode: '200' } },
          },
        },
      },
    },
  };
  const api = await client.send(new ImportRestApiCommand({ body: new TextEncoder().encode(JSON.stringify(document)) }));
  assert.equal(api.name, title);
  assert.equal(api.version, '2.0');
  const { items } = await client.send(new GetResourcesCommand({ restApiId: api.id, embed: ['methods'] }));
  const item = items.find((r) => r.path === '/items/{id}');
  assert.equal(item.resourceMethods.GET.methodIntegration.type, 'MOCK');
  assert.deepEqual(item.resourceMethods.GET.requestParameters, { 'method.request.path.id': true });

  await client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'v2' }));
  const exported = await client.send(new GetExportCommand({
    restApiId: api.id, stageName: 'v2', exportType: 'oas30', accepts: 'application/json',
    parameters: { extensions: 'integrations' },
  }));
  const spec = JSON.parse(new TextDecoder().decode(exported.body));
  assert.equal(spec.info.title, title);
  assert.equal(spec.paths['/items/{id}'].get['x-amazon-apigateway-integration'].type, 'mock');

  const bad = await expectError(() => client.send(new ImportRestApiCommand({ body: new TextEncoder().encode("{'key:value}") })));
  assert.ok(bad instanceof BadRequestException);
  assert.equal(bad.message, 'Invalid OpenAPI input.');
});

test('a deployed MOCK method answers Node fetch on both invoke URL forms', async () => {
  const client = apigw();
  const api = await client.send(new CreateRestApiCommand({ name: uniqueName('fetch') }));
  const { items } = await client.send(new GetResourcesCommand({ restApiId: api.id }));
  const root = items.find((r) => r.path === '/');
  const hello = await client.send(new CreateResourceCommand({ restApiId: api.id, parentId: root.id, pathPart: '{name}' }));
  await client.send(new PutMethodCommand({ restApiId: api.id, resourceId: hello.id, httpMethod: 'GET', authorizationType: 'NONE' }));
  await client.send(new PutIntegrationCommand({
    restApiId: api.id, resourceId: hello.id, httpMethod: 'GET', type: 'MOCK',
    requestTemplates: { 'application/json': '{"statusCode": 200}' },
  }));
  await client.send(new PutMethodResponseCommand({ restApiId: api.id, resourceId: hello.id, httpMethod: 'GET', statusCode: '200' }));
  await client.send(new PutIntegrationResponseCommand({
    restApiId: api.id, resourceId: hello.id, httpMethod: 'GET', statusCode: '200',
    responseTemplates: { 'application/json': '{"hello": "$input.params(\'name\')"}' },
  }));
  await client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'prod' }));
  const pathForm = await fetch(`${nimbus.server.endpoint}/restapis/${api.id}/prod/_user_request_/ada`);
  assert.equal(pathForm.status, 200);
  assert.deepEqual(await pathForm.json(), { hello: 'ada' });
  const port = new URL(nimbus.server.endpoint).port;
  const hostForm = await fetch(`http://${api.id}.execute-api.localhost:${port}/prod/grace`).catch(() => null);
  // *.localhost resolves to loopback where the resolver follows RFC 6761; elsewhere only the path form is reachable.
  if (hostForm) assert.deepEqual(await hostForm.json(), { hello: 'grace' });
  const missing = await fetch(`${nimbus.server.endpoint}/restapis/${api.id}/prod/_user_request_/a/b`);
  assert.equal(missing.status, 403);
  assert.deepEqual(await missing.json(), { message: 'Missing Authentication Token' });
});
