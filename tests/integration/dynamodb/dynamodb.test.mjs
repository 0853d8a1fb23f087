// DynamoDB through @aws-sdk/client-dynamodb v3 and the lib-dynamodb DocumentClient: tables and waiters,
// native JavaScript values, exact big numbers (wrapNumbers), conditions with the failed item, transactions
// with their cancellation reasons, batches, paginators, and the errors as the v3 SDK surfaces them
// (exception classes, `name`, `$fault`, HTTP status). Expectations follow AWS's documented behaviour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBClient, CreateTableCommand, DescribeTableCommand, DeleteTableCommand, UpdateTableCommand,
  ListTablesCommand, PutItemCommand, GetItemCommand, UpdateItemCommand, TransactWriteItemsCommand,
  ScanCommand, paginateListTables, waitUntilTableExists, waitUntilTableNotExists,
  ResourceNotFoundException, ResourceInUseException, ConditionalCheckFailedException,
  TransactionCanceledException, DynamoDBServiceException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient, PutCommand, GetCommand, UpdateCommand, DeleteCommand, QueryCommand,
  BatchWriteCommand, BatchGetCommand, TransactWriteCommand, TransactGetCommand, paginateQuery, paginateScan,
  NumberValue,
} from '@aws-sdk/lib-dynamodb';
import { expectError, useSharedNimbus, uniqueName } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();

function client(region = 'us-east-1') {
  return new DynamoDBClient({
    endpoint: nimbus.server.endpoint, region, maxAttempts: 1,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

function docClient(options = {}) {
  return DynamoDBDocumentClient.from(client(), options);
}

const WAIT = { maxWaitTime: 20, minDelay: 1, maxDelay: 1 };

async function createTable(ddb, { range, gsi, extra = {} } = {}) {
  const TableName = uniqueName('node');
  const defs = [{ AttributeName: 'pk', AttributeType: 'S' }];
  const KeySchema = [{ AttributeName: 'pk', KeyType: 'HASH' }];
  if (range) {
    defs.push({ AttributeName: range[0], AttributeType: range[1] });
    KeySchema.push({ AttributeName: range[0], KeyType: 'RANGE' });
  }
  const more = {};
  if (gsi) {
    defs.push({ AttributeName: gsi, AttributeType: 'S' });
    more.GlobalSecondaryIndexes = [{
      IndexName: `by-${gsi}`, KeySchema: [{ AttributeName: gsi, KeyType: 'HASH' }],
      Projection: { ProjectionType: 'ALL' },
    }];
  }
  const created = await ddb.send(new CreateTableCommand({
    TableName, KeySchema, AttributeDefinitions: defs, BillingMode: 'PAY_PER_REQUEST', ...more, ...extra,
  }));
  await waitUntilTableExists({ client: ddb, ...WAIT }, { TableName });
  return { TableName, created: created.TableDescription };
}

// --- control plane ----------------------------------------------------------------------------------

test('CreateTable answers CREATING, the waiter sees ACTIVE, DeleteTable answers DELETING', async () => {
  const ddb = client();
  const { TableName, created } = await createTable(ddb, { range: ['sk', 'N'] });
  assert.equal(created.TableStatus, 'CREATING');
  assert.equal(created.TableArn, `arn:aws:dynamodb:us-east-1:000000000000:table/${TableName}`);
  assert.match(created.TableId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.ok(created.CreationDateTime instanceof Date);
  const { Table } = await ddb.send(new DescribeTableCommand({ TableName }));
  assert.equal(Table.TableStatus, 'ACTIVE');
  assert.equal(Table.BillingModeSummary.BillingMode, 'PAY_PER_REQUEST');
  assert.equal(Table.DeletionProtectionEnabled, false);
  assert.deepEqual(Table.KeySchema, [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }]);

  const again = await expectError(() => ddb.send(new CreateTableCommand({
    TableName, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
  })));
  assert.ok(again instanceof ResourceInUseException);
  assert.equal(again.message, `Table already exists: ${TableName}`);
  assert.equal(again.$metadata.httpStatusCode, 400);

  const deleted = await ddb.send(new DeleteTableCommand({ TableName }));
  assert.equal(deleted.TableDescription.TableStatus, 'DELETING');
  await waitUntilTableNotExists({ client: ddb, ...WAIT }, { TableName });
  const missing = await expectError(() => ddb.send(new DescribeTableCommand({ TableName })));
  assert.ok(missing instanceof ResourceNotFoundException);
  assert.ok(missing instanceof DynamoDBServiceException);
  assert.equal(missing.name, 'ResourceNotFoundException');
  assert.equal(missing.$fault, 'client');
  assert.equal(missing.message, `Requested resource not found: Table: ${TableName} not found`);
});

test('ListTables pages in name order', async () => {
  const ddb = client();
  const names = [];
  for (let i = 0; i < 5; i++) names.push((await createTable(ddb)).TableName);
  names.sort();
  const seen = [];
  for await (const page of paginateListTables({ client: ddb, pageSize: 2 }, {})) seen.push(...page.TableNames);
  assert.deepEqual(seen, names);
  const first = await ddb.send(new ListTablesCommand({ Limit: 3 }));
  assert.deepEqual(first.TableNames, names.slice(0, 3));
  assert.equal(first.LastEvaluatedTableName, names[2]);
});

test('deletion protection refuses DeleteTable with a ValidationException until it is turned off', async () => {
  const ddb = client();
  const { TableName, created } = await createTable(ddb, { extra: { DeletionProtectionEnabled: true } });
  assert.equal(created.DeletionProtectionEnabled, true);
  const refused = await expectError(() => ddb.send(new DeleteTableCommand({ TableName })));
  assert.equal(refused.name, 'ValidationException');
  assert.equal(refused.message,
    'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.');
  assert.equal(refused.$metadata.httpStatusCode, 400);
  const updated = await ddb.send(new UpdateTableCommand({ TableName, DeletionProtectionEnabled: false }));
  assert.equal(updated.TableDescription.DeletionProtectionEnabled, false);
  await waitUntilTableExists({ client: ddb, ...WAIT }, { TableName });
  await ddb.send(new DeleteTableCommand({ TableName }));
  await waitUntilTableNotExists({ client: ddb, ...WAIT }, { TableName });
});

// --- DocumentClient ---------------------------------------------------------------------------------

test('the DocumentClient round-trips native values', async () => {
  const ddb = client();
  const { TableName } = await createTable(ddb);
  const doc = docClient();
  const item = {
    pk: 'doc', text: 'héllo', empty: '', int: 42, float: 1.5, negative: -0.25, yes: true, nothing: null,
    bytes: new Uint8Array([0, 1, 255]), tags: new Set(['a', 'b']), nums: new Set([1, 2]),
    list: ['a', 1, [], {}], map: { nested: { deep: 'x' }, flag: false },
  };
  await doc.send(new PutCommand({ TableName, Item: item }));
  const { Item } = await doc.send(new GetCommand({ TableName, Key: { pk: 'doc' }, ConsistentRead: true }));
  assert.deepEqual(Item, item);
  const none = await doc.send(new GetCommand({ TableName, Key: { pk: 'absent' } }));
  assert.equal(none.Item, undefined);
  // The wire format as the low-level client sees it: "1.50" is stored as 1.5.
  await doc.send(new PutCommand({ TableName, Item: { pk: 'n', v: 1.5 } }));
  await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'n2' }, v: { N: '1.50' } } }));
  const raw = await ddb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'n2' } } }));
  assert.deepEqual(raw.Item.v, { N: '1.5' });
});

test('38-digit numbers come back exactly with wrapNumbers', async () => {
  const ddb = client();
  const { TableName } = await createTable(ddb);
  const doc = docClient({ unmarshallOptions: { wrapNumbers: true } });
  const big = '12345678901234567890123456789012345678';
  await doc.send(new PutCommand({ TableName, Item: { pk: 'big', v: NumberValue.from(big), f: NumberValue.from('0.1') } }));
  const updated = await doc.send(new UpdateCommand({
    TableName, Key: { pk: 'big' }, UpdateExpression: 'SET f = f + :d', ExpressionAttributeValues: { ':d': NumberValue.from('0.2') },
    ReturnValues: 'ALL_NEW',
  }));
  assert.equal(updated.Attributes.v.toString(), big);
  assert.equal(updated.Attributes.f.toString(), '0.3');
  const tooMany = await expectError(() => ddb.send(new PutItemCommand({
    TableName, Item: { pk: { S: 'x' }, v: { N: '1234567890123456789012345678901234567890' } },
  })));
  assert.equal(tooMany.name, 'ValidationException');
  assert.match(tooMany.message, /Attempting to store more than 38 significant digits in a Number/);
});

test('updates: arithmetic, sets, list_append, if_not_exists and every ReturnValues', async () => {
  const ddb = client();
  const { TableName } = await createTable(ddb);
  const doc = docClient();
  await doc.send(new PutCommand({ TableName, Item: { pk: 'u', n: 1, tags: new Set(['a']), l: [1], gone: 'x' } }));
  const old = await doc.send(new UpdateCommand({
    TableName, Key: { pk: 'u' },
    UpdateExpression: 'SET n = n + :one, l = list_append(l, :more), c = if_not_exists(c, :zero) REMOVE gone ADD tags :t',
    ExpressionAttributeValues: { ':one': 1, ':more': [2, 3], ':zero': 0, ':t': new Set(['b']) },
    ReturnValues: 'UPDATED_OLD',
  }));
  assert.deepEqual(old.Attributes, { n: 1, l: [1], gone: 'x', tags: new Set(['a']) });
  const { Item } = await doc.send(new GetCommand({ TableName, Key: { pk: 'u' } }));
  assert.deepEqual(Item, { pk: 'u', n: 2, l: [1, 2, 3], c: 0, tags: new Set(['a', 'b']) });
  const fresh = await doc.send(new UpdateCommand({
    TableName, Key: { pk: 'u' }, UpdateExpression: 'DELETE tags :a', ExpressionAttributeValues: { ':a': new Set(['a']) },
    ReturnValues: 'UPDATED_NEW',
  }));
  assert.deepEqual(fresh.Attributes, { tags: new Set(['b']) });
  const all = await doc.send(new DeleteCommand({ TableName, Key: { pk: 'u' }, ReturnValues: 'ALL_OLD' }));
  assert.equal(all.Attributes.n, 2);
  const wrong = await expectError(() => doc.send(new PutCommand({ TableName, Item: { pk: 'x' }, ReturnValues: 'ALL_NEW' })));
  assert.equal(wrong.name, 'ValidationException');
  assert.equal(wrong.message, 'Return values set to invalid value');
});

// --- conditions and transactions ---------------------------------------------------------------------

test('a failed condition is a ConditionalCheckFailedException carrying the item on request', async () => {
  const ddb = client();
  const { TableName } = await createTable(ddb);
  await ddb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'c' }, v: { N: '1' } } }));
  const plain = await expectError(() => ddb.send(new PutItemCommand({
    TableName, Item: { pk: { S: 'c' } }, ConditionExpression: 'attribute_not_exists(pk)',
  })));
  assert.ok(plain instanceof ConditionalCheckFailedException);
  assert.equal(plain.message, 'The conditional request failed');
  assert.equal(plain.Item, undefined);
  const withItem = await expectError(() => ddb.send(new UpdateItemCommand({
    TableName, Key: { pk: { S: 'c' } }, UpdateExpression: 'SET v = :two', ConditionExpression: 'v = :zero',
    ExpressionAttributeValues: { ':two': { N: '2' }, ':zero': { N: '0' } }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  })));
  assert.ok(withItem instanceof ConditionalCheckFailedException);
  assert.deepEqual(withItem.Item, { pk: { S: 'c' }, v: { N: '1' } });
  const doc = docClient();
  const viaDoc = await expectError(() => doc.send(new DeleteCommand({
    TableName, Key: { pk: 'c' }, ConditionExpression: 'v > :v', ExpressionAttributeValues: { ':v': 5 },
  })));
  assert.equal(viaDoc.name, 'ConditionalCheckFailedException');
  assert.equal((await doc.send(new GetCommand({ TableName, Key: { pk: 'c' } }))).Item.v, 1);
});

test('a cancelled transaction reports its reasons in order and applies nothing', async () => {
  const ddb = client();
  const { TableName } = await createTable(ddb);
  const doc = docClient();
  await doc.send(new PutCommand({ TableName, Item: { pk: 'a', v: 1 } }));
  const err = await expectError(() => ddb.send(new TransactWriteItemsCommand({
    TransactItems: [
      { Put: { TableName, Item: { pk: { S: 'new' } } } },
      { Update: { TableName, Key: { pk: { S: 'a' } }, UpdateExpression: 'SET v = :v', ConditionExpression: 'v = :z',
        ExpressionAttributeValues: { ':v': { N: '9' }, ':z': { N: '0' } }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
    ],
  })));
  assert.ok(err instanceof TransactionCanceledException);
  assert.equal(err.message,
    'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]');
  assert.deepEqual(err.CancellationReasons.map((r) => r.Code), ['None', 'ConditionalCheckFailed']);
  assert.equal(err.CancellationReasons[1].Message, 'The conditional request failed');
  assert.deepEqual(err.CancellationReasons[1].Item, { pk: { S: 'a' }, v: { N: '1' } });
  assert.equal((await doc.send(new GetCommand({ TableName, Key: { pk: 'new' } }))).Item, undefined);

  await doc.send(new PutCommand({ TableName, Item: { pk: 'guard', open: true } }));
  await doc.send(new TransactWriteCommand({
    TransactItems: [
      { Put: { TableName, Item: { pk: 'new', tags: new Set(['x']) } } },
      { Update: { TableName, Key: { pk: 'a' }, UpdateExpression: 'ADD v :one', ExpressionAttributeValues: { ':one': 1 } } },
      { ConditionCheck: { TableName, Key: { pk: 'guard' }, ConditionExpression: '#o = :t',
        ExpressionAttributeNames: { '#o': 'open' }, ExpressionAttributeValues: { ':t': true } } },
    ],
  }));
  const got = await doc.send(new TransactGetCommand({
    TransactItems: [{ Get: { TableName, Key: { pk: 'a' } } }, { Get: { TableName, Key: { pk: 'missing' } } },
      { Get: { TableName, Key: { pk: 'new' } } }],
  }));
  assert.equal(got.Responses.length, 3);
  assert.equal(got.Responses[0].Item.v, 2);
  assert.equal(got.Responses[1].Item, undefined);
  assert.deepEqual(got.Responses[2].Item, { pk: 'new', tags: new Set(['x']) });

  const same = await expectError(() => doc.send(new TransactWriteCommand({
    TransactItems: [{ Put: { TableName, Item: { pk: 'z' } } }, { Delete: { TableName, Key: { pk: 'z' } } }],
  })));
  assert.equal(same.name, 'ValidationException');
  assert.equal(same.message, 'Transaction request cannot include multiple operations on one item');
});

// --- batches, queries, scans --------------------------------------------------------------------------

test('batches, a paginated query on a GSI and a parallel scan through the DocumentClient', async () => {
  const ddb = client();
  const { TableName } = await createTable(ddb, { range: ['sk', 'N'], gsi: 'team' });
  const doc = docClient();
  for (let start = 0; start < 60; start += 25) {
    const chunk = [];
    for (let i = start; i < Math.min(start + 25, 60); i++) {
      chunk.push({ PutRequest: { Item: { pk: `p${i % 3}`, sk: i, team: i % 2 ? 'odd' : 'even' } } });
    }
    const written = await doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: chunk } }));
    assert.deepEqual(written.UnprocessedItems, {});
  }
  const dup = await expectError(() => doc.send(new BatchWriteCommand({ RequestItems: { [TableName]: [
    { PutRequest: { Item: { pk: 'd', sk: 1 } } }, { DeleteRequest: { Key: { pk: 'd', sk: 1 } } }] } })));
  assert.equal(dup.name, 'ValidationException');
  assert.equal(dup.message, 'Provided list of item keys contains duplicates');

  const got = await doc.send(new BatchGetCommand({ RequestItems: { [TableName]: {
    Keys: [{ pk: 'p0', sk: 0 }, { pk: 'p1', sk: 1 }, { pk: 'p2', sk: 1 }], ProjectionExpression: 'sk' } } }));
  assert.deepEqual(got.Responses[TableName].map((i) => i.sk).sort(), [0, 1]);
  assert.deepEqual(got.UnprocessedKeys, {});

  const sks = [];
  let pages = 0;
  for await (const page of paginateQuery({ client: doc, pageSize: 7 }, {
    TableName, KeyConditionExpression: 'pk = :p AND sk >= :min', ExpressionAttributeValues: { ':p': 'p0', ':min': 10 },
  })) {
    pages += 1;
    sks.push(...page.Items.map((i) => i.sk));
  }
  assert.deepEqual(sks, [12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48, 51, 54, 57]);
  assert.ok(pages >= 3);

  const odd = await doc.send(new QueryCommand({
    TableName, IndexName: 'by-team', KeyConditionExpression: 'team = :t', ExpressionAttributeValues: { ':t': 'odd' },
    Select: 'COUNT',
  }));
  assert.equal(odd.Count, 30);
  const consistent = await expectError(() => doc.send(new QueryCommand({
    TableName, IndexName: 'by-team', KeyConditionExpression: 'team = :t', ExpressionAttributeValues: { ':t': 'odd' },
    ConsistentRead: true,
  })));
  assert.equal(consistent.message, 'Consistent reads are not supported on global secondary indexes');

  const seen = [];
  for (let segment = 0; segment < 3; segment++) {
    for await (const page of paginateScan({ client: doc, pageSize: 8 }, { TableName, Segment: segment, TotalSegments: 3 })) {
      seen.push(...page.Items.map((i) => i.sk));
    }
  }
  assert.deepEqual(seen.sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i));
  const scanned = await ddb.send(new ScanCommand({ TableName, Select: 'COUNT', ReturnConsumedCapacity: 'TOTAL' }));
  assert.equal(scanned.Count, 60);
  assert.equal(scanned.ConsumedCapacity.TableName, TableName);
});

// --- validation errors ---------------------------------------------------------------------------------

test('validation errors carry DynamoDB texts', async () => {
  const ddb = client();
  const { TableName } = await createTable(ddb, { range: ['sk', 'N'] });
  const doc = docClient();
  const cases = [
    [() => doc.send(new PutCommand({ TableName, Item: { pk: 'a' } })),
      'One or more parameter values were invalid: Missing the key sk in the item'],
    [() => doc.send(new PutCommand({ TableName, Item: { pk: 'a', sk: '1' } })),
      'One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S'],
    [() => doc.send(new GetCommand({ TableName, Key: { pk: 'a' } })),
      'The provided key element does not match the schema'],
    [() => doc.send(new QueryCommand({ TableName, KeyConditionExpression: 'sk = :s', ExpressionAttributeValues: { ':s': 1 } })),
      'Query condition missed key schema element: pk'],
    [() => doc.send(new PutCommand({ TableName, Item: { pk: 'a', sk: 1, big: 'x'.repeat(400 * 1024) } })),
      'Item size has exceeded the maximum allowed size'],
    [() => doc.send(new UpdateCommand({ TableName, Key: { pk: 'a', sk: 1 }, UpdateExpression: 'SET v = :v',
      ExpressionAttributeValues: { ':v': 1, ':unused': 2 } })),
    'Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}'],
    [() => doc.send(new UpdateCommand({ TableName, Key: { pk: 'a', sk: 1 }, UpdateExpression: 'SET pk = :v',
      ExpressionAttributeValues: { ':v': 'b' } })),
    'One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key'],
  ];
  for (const [call, message] of cases) {
    const err = await expectError(call);
    assert.equal(err.name, 'ValidationException', message);
    assert.equal(err.message, message);
    assert.equal(err.$fault, 'client');
    assert.equal(err.$metadata.httpStatusCode, 400);
  }
  const missing = await expectError(() => doc.send(new GetCommand({ TableName: uniqueName('missing'), Key: { pk: 'a' } })));
  assert.ok(missing instanceof ResourceNotFoundException);
  assert.match(missing.message, /^Requested resource not found/);
});
