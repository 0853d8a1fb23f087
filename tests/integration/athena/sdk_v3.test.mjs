// Athena through @aws-sdk/client-athena v3 (json 1.1): a query's lifecycle as applications poll
// it, results through the SDK's paginator, the CSV at the output location, and Athena's errors
// as the SDK's exception classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AthenaClient, StartQueryExecutionCommand, GetQueryExecutionCommand, GetQueryResultsCommand,
  paginateGetQueryResults, InvalidRequestException,
} from '@aws-sdk/client-athena';
import { S3Client, CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { expectError, useSharedNimbus } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const athena = () => new AthenaClient({ endpoint: nimbus.server.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const s3 = () => new S3Client({ endpoint: nimbus.server.endpoint, region: 'us-east-1', credentials, forcePathStyle: true });

async function finished(client, id) {
  for (;;) {
    const { QueryExecution } = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    if (!['QUEUED', 'RUNNING'].includes(QueryExecution.Status.State)) return QueryExecution;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a query runs to SUCCEEDED and its rows page through the paginator', async () => {
  const client = athena();
  const bucket = `sdk-results-${Date.now()}`;
  await s3().send(new CreateBucketCommand({ Bucket: bucket }));
  const { QueryExecutionId } = await client.send(new StartQueryExecutionCommand({
    QueryString: 'SELECT n, n * 2 AS twice FROM range(2500) t(n) ORDER BY n',
    ResultConfiguration: { OutputLocation: `s3://${bucket}/q/` },
  }));
  const execution = await finished(client, QueryExecutionId);
  assert.equal(execution.Status.State, 'SUCCEEDED');
  assert.ok(execution.Status.CompletionDateTime instanceof Date);
  const rows = [];
  for await (const page of paginateGetQueryResults({ client, pageSize: 1000 }, { QueryExecutionId })) {
    rows.push(...page.ResultSet.Rows.map((row) => row.Data.map((d) => d.VarCharValue)));
  }
  assert.equal(rows.length, 2501);
  assert.deepEqual(rows[0], ['n', 'twice']);
  assert.deepEqual(rows[2500], ['2499', '4998']);
  const object = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: `q/${QueryExecutionId}.csv` }));
  const text = await object.Body.transformToString();
  assert.equal(text.split('\n')[1], '"0","0"');
});

test('errors arrive as the SDK exception classes', async () => {
  const client = athena();
  let error = await expectError(() => client.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1' })));
  assert.ok(error instanceof InvalidRequestException);
  assert.match(error.message, /No output location provided/);
  error = await expectError(() => client.send(new GetQueryResultsCommand({ QueryExecutionId: 'no-such-query' })));
  assert.ok(error instanceof InvalidRequestException);
  assert.match(error.message, /was not found/);
});

test('a failed query reports its Athena error', async () => {
  const client = athena();
  const bucket = `sdk-failed-${Date.now()}`;
  await s3().send(new CreateBucketCommand({ Bucket: bucket }));
  const { QueryExecutionId } = await client.send(new StartQueryExecutionCommand({
    QueryString: 'SELECT * FROM nowhere', ResultConfiguration: { OutputLocation: `s3://${bucket}/` },
  }));
  const execution = await finished(client, QueryExecutionId);
  assert.equal(execution.Status.State, 'FAILED');
  assert.equal(execution.Status.AthenaError.ErrorCategory, 2);
  assert.match(execution.Status.StateChangeReason, /^TABLE_NOT_FOUND: /);
});
