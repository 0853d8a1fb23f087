// The Glue Data Catalog through @aws-sdk/client-glue v3 (json 1.1): what a data application's
// catalog code does — databases, partitioned tables, partitions registered in batches, filtered
// and paginated listings, table versions — and Glue's errors as the SDK's exception classes;
// the catalog across a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GlueClient, CreateDatabaseCommand, GetDatabaseCommand, CreateTableCommand, GetTableCommand, UpdateTableCommand,
  GetTableVersionsCommand, BatchCreatePartitionCommand, GetPartitionCommand, BatchGetPartitionCommand,
  DeleteDatabaseCommand, DeleteTableCommand, GetPartitionsCommand, paginateGetPartitions, paginateGetTables,
  AlreadyExistsException, EntityNotFoundException, InvalidInputException,
} from '@aws-sdk/client-glue';
import { expectError, startNimbus, useSharedNimbus } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();
const KEYS = [{ Name: 'year', Type: 'int' }, { Name: 'month', Type: 'string' }];

const glueClient = (endpoint = nimbus.server.endpoint) => new GlueClient({
  endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1,
});

async function ordersTable(client) {
  await client.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'sales' } }));
  await client.send(new CreateTableCommand({
    DatabaseName: 'sales',
    TableInput: {
      Name: 'Orders', PartitionKeys: KEYS, TableType: 'EXTERNAL_TABLE',
      StorageDescriptor: { Columns: [{ Name: 'id', Type: 'bigint' }], Location: 's3://lake/orders/' },
    },
  }));
  const entries = [];
  for (const year of ['2023', '2024', '999']) {
    for (const month of ['01', '02']) entries.push({ Values: [year, month] });
  }
  const { Errors } = await client.send(new BatchCreatePartitionCommand({
    DatabaseName: 'sales', TableName: 'orders', PartitionInputList: entries,
  }));
  assert.deepEqual(Errors, []);
}

async function allPartitions(client, Expression, pageSize = 2) {
  const values = [];
  const pages = paginateGetPartitions({ client, pageSize }, { DatabaseName: 'sales', TableName: 'orders', Expression });
  for await (const page of pages) values.push(...page.Partitions.map((p) => p.Values));
  return values;
}

test('a partitioned table is created, read and filtered by typed partition keys', async () => {
  const client = glueClient();
  await ordersTable(client);
  const { Table } = await client.send(new GetTableCommand({ DatabaseName: 'SALES', Name: 'orders' }));
  assert.equal(Table.Name, 'orders');
  assert.equal(Table.DatabaseName, 'sales');
  assert.equal(Table.CatalogId, '000000000000');
  assert.equal(Table.VersionId, '0');
  assert.equal(Table.IsRegisteredWithLakeFormation, false);
  assert.ok(Table.CreateTime instanceof Date);
  assert.deepEqual(Table.PartitionKeys, KEYS);
  assert.deepEqual(await allPartitions(client, "year > 1000 AND month = '02'"), [['2023', '02'], ['2024', '02']]);
  assert.deepEqual(await allPartitions(client, 'year BETWEEN 900 AND 2023'),
    [['2023', '01'], ['2023', '02'], ['999', '01'], ['999', '02']]);
  assert.equal((await allPartitions(client)).length, 6);
  const { Partition } = await client.send(new GetPartitionCommand({
    DatabaseName: 'sales', TableName: 'orders', PartitionValues: ['2024', '01'],
  }));
  assert.equal(Partition.TableName, 'orders');
  assert.ok(Partition.CreationTime instanceof Date);
  const batch = await client.send(new BatchGetPartitionCommand({
    DatabaseName: 'sales', TableName: 'orders', PartitionsToGet: [{ Values: ['2024', '01'] }, { Values: ['1', '1'] }],
  }));
  assert.deepEqual(batch.Partitions.map((p) => p.Values), [['2024', '01']]);
});

test('Glue errors surface as the SDK exception classes', async () => {
  const client = glueClient();
  const missing = await expectError(() => client.send(new GetDatabaseCommand({ Name: 'ghost' })));
  assert.ok(missing instanceof EntityNotFoundException);
  assert.equal(missing.message, 'Database ghost not found.');
  assert.equal(missing.$metadata.httpStatusCode, 400);
  await ordersTable(client);
  const twice = await expectError(() => client.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'Sales' } })));
  assert.ok(twice instanceof AlreadyExistsException);
  const bad = await expectError(() => client.send(new GetPartitionsCommand({
    DatabaseName: 'sales', TableName: 'orders', Expression: 'colour = 1',
  })));
  assert.ok(bad instanceof InvalidInputException);
  assert.equal(bad.message, 'Invalid partition expression!');
});

test('UpdateTable keeps earlier versions and tables page by pattern', async () => {
  const client = glueClient();
  await ordersTable(client);
  await client.send(new UpdateTableCommand({
    DatabaseName: 'sales', TableInput: { Name: 'orders', PartitionKeys: KEYS, Description: 'v1' },
  }));
  const { TableVersions } = await client.send(new GetTableVersionsCommand({ DatabaseName: 'sales', TableName: 'orders' }));
  assert.deepEqual(TableVersions.map((v) => [v.VersionId, v.Table.Description]), [['1', 'v1'], ['0', undefined]]);
  for (const name of ['orders_a', 'orders_b', 'returns']) {
    await client.send(new CreateTableCommand({ DatabaseName: 'sales', TableInput: { Name: name } }));
  }
  const names = [];
  for await (const page of paginateGetTables({ client, pageSize: 1 }, { DatabaseName: 'sales', Expression: 'orders*' })) {
    names.push(...page.TableList.map((t) => t.Name));
  }
  assert.deepEqual(names, ['orders', 'orders_a', 'orders_b']);
});

test('deleting a table or a database takes its partitions with it', async () => {
  const client = glueClient();
  await ordersTable(client);
  await client.send(new DeleteTableCommand({ DatabaseName: 'sales', Name: 'orders' }));
  await client.send(new CreateTableCommand({ DatabaseName: 'sales', TableInput: { Name: 'orders', PartitionKeys: KEYS } }));
  assert.deepEqual(await allPartitions(client), []);
  await client.send(new DeleteDatabaseCommand({ Name: 'sales' }));
  const gone = await expectError(() => client.send(new GetTableCommand({ DatabaseName: 'sales', Name: 'orders' })));
  assert.ok(gone instanceof EntityNotFoundException);
});

test('the catalog survives a restart', async () => {
  const server = await startNimbus();
  try {
    let client = glueClient(server.endpoint);
    await ordersTable(client);
    client.destroy();
    await server.restart();
    client = glueClient(server.endpoint);
    assert.deepEqual(await allPartitions(client, "month = '01'"), [['2023', '01'], ['2024', '01'], ['999', '01']]);
    client.destroy();
  } finally {
    assert.equal(await server.stop(), 0);
    server.cleanup();
  }
});
