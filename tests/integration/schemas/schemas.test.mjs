// EventBridge Schema Registry through @aws-sdk/client-schemas v3 (rest-json): registries and
// schemas as an application's tooling manages them, the errors the SDK maps to its exception
// classes, and a discoverer inferring a schema from events put on the default bus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SchemasClient, CreateRegistryCommand, DescribeRegistryCommand, DeleteRegistryCommand, CreateSchemaCommand,
  DescribeSchemaCommand, UpdateSchemaCommand, ExportSchemaCommand, SearchSchemasCommand, CreateDiscovererCommand,
  StopDiscovererCommand, GetDiscoveredSchemaCommand, ConflictException, NotFoundException, paginateListSchemas,
} from '@aws-sdk/client-schemas';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { expectError, useSharedNimbus, uniqueName } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();
const options = () => ({
  endpoint: nimbus.server.endpoint, region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1,
});
const schemasClient = () => new SchemasClient(options());

const openapi = (properties) => JSON.stringify({
  openapi: '3.0.0', info: { version: '1.0.0', title: 'Thing' }, paths: {},
  components: { schemas: { Thing: { type: 'object', properties } } },
});

test('registries and schema versions, with the errors the SDK maps', async () => {
  const client = schemasClient();
  const RegistryName = uniqueName('reg');
  const created = await client.send(new CreateRegistryCommand({ RegistryName, Description: 'mine' }));
  assert.equal(created.RegistryArn, `arn:aws:schemas:us-east-1:000000000000:registry/${RegistryName}`);
  assert.ok(await expectError(() => client.send(new CreateRegistryCommand({ RegistryName }))) instanceof ConflictException);
  const first = await client.send(new CreateSchemaCommand({
    RegistryName, SchemaName: 'Thing', Type: 'OpenApi3', Content: openapi({ name: { type: 'string' } }),
  }));
  assert.equal(first.SchemaVersion, '1');
  assert.ok(first.VersionCreatedDate instanceof Date);
  const second = await client.send(new UpdateSchemaCommand({
    RegistryName, SchemaName: 'Thing', Type: 'OpenApi3', Content: openapi({ name: { type: 'string' }, n: { type: 'number' } }),
  }));
  assert.equal(second.SchemaVersion, '2');
  const described = await client.send(new DescribeSchemaCommand({ RegistryName, SchemaName: 'Thing' }));
  assert.equal(described.SchemaVersion, '2');
  assert.ok(JSON.parse(described.Content).components.schemas.Thing.properties.n);
  const exported = await client.send(new ExportSchemaCommand({ RegistryName, SchemaName: 'Thing', Type: 'JSONSchemaDraft4' }));
  assert.equal(JSON.parse(exported.Content).$schema, 'http://json-schema.org/draft-04/schema#');
  const found = await client.send(new SearchSchemasCommand({ RegistryName, Keywords: 'thing' }));
  assert.deepEqual(found.Schemas.map((s) => s.SchemaName), ['Thing']);
  for (let i = 0; i < 3; i++) {
    await client.send(new CreateSchemaCommand({ RegistryName, SchemaName: `S${i}`, Type: 'OpenApi3', Content: openapi({}) }));
  }
  const names = [];
  for await (const page of paginateListSchemas({ client, pageSize: 2 }, { RegistryName, Limit: 2 })) {
    names.push(...page.Schemas.map((s) => s.SchemaName));
  }
  assert.deepEqual(names, ['S0', 'S1', 'S2', 'Thing']);
  await client.send(new DeleteRegistryCommand({ RegistryName }));
  const missing = await expectError(() => client.send(new DescribeRegistryCommand({ RegistryName })));
  assert.ok(missing instanceof NotFoundException);
  assert.equal(missing.$metadata.httpStatusCode, 404);
});

test('GetDiscoveredSchema infers an OpenAPI schema from a sample event', async () => {
  const client = schemasClient();
  const event = { 'detail-type': 'Order Created', source: 'shop', detail: { orderId: 'o-1' } };
  const { Content } = await client.send(new GetDiscoveredSchemaCommand({ Type: 'OpenApi3', Events: [JSON.stringify(event)] }));
  const content = JSON.parse(Content);
  assert.equal(content.components.schemas.AWSEvent['x-amazon-events-detail-type'], 'Order Created');
  assert.deepEqual(content.components.schemas.OrderCreated.properties.orderId, { type: 'string' });
});

test('a discoverer on the default bus infers the schema of events put on it', async () => {
  const client = schemasClient();
  const events = new EventBridgeClient(options());
  const discoverer = await client.send(new CreateDiscovererCommand({
    SourceArn: 'arn:aws:events:us-east-1:000000000000:event-bus/default',
  }));
  assert.equal(discoverer.State, 'STARTED');
  await events.send(new PutEventsCommand({
    Entries: [{ Source: 'js.shop', DetailType: 'OrderCreated', Detail: JSON.stringify({ orderId: 'o-1', total: 3 }) }],
  }));
  let described;
  for (let i = 0; i < 75 && !described; i++) {
    try {
      described = await client.send(new DescribeSchemaCommand({ RegistryName: 'discovered-schemas', SchemaName: 'js.shop@OrderCreated' }));
    } catch (err) {
      if (!(err instanceof NotFoundException)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  assert.ok(described, 'no discovered schema');
  assert.deepEqual(Object.keys(JSON.parse(described.Content).components.schemas.OrderCreated.properties).sort(), ['orderId', 'total']);
  const stopped = await client.send(new StopDiscovererCommand({ DiscovererId: discoverer.DiscovererId }));
  assert.equal(stopped.State, 'STOPPED');
  events.destroy();
});
