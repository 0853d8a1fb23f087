// Athena's named queries and prepared statements through @aws-sdk/client-athena v3: the SDK's
// own idempotency token on CreateNamedQuery, the paginators, ResourceNotFoundException as the
// SDK's class, and a statement created through the API run by EXECUTE ... USING.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AthenaClient, CreateNamedQueryCommand, GetNamedQueryCommand, BatchGetNamedQueryCommand,
  DeleteNamedQueryCommand, paginateListNamedQueries, CreatePreparedStatementCommand,
  GetPreparedStatementCommand, DeletePreparedStatementCommand, paginateListPreparedStatements,
  StartQueryExecutionCommand, GetQueryExecutionCommand, GetQueryResultsCommand,
  InvalidRequestException, ResourceNotFoundException,
} from '@aws-sdk/client-athena';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
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

test('named queries: created with the SDK token, paged, read in a batch and deleted', async () => {
  const client = athena();
  const ids = [];
  for (let i = 0; i < 3; i += 1) {
    const { NamedQueryId } = await client.send(new CreateNamedQueryCommand({
      Name: `sdk-${i}`, Database: 'analytics', QueryString: `SELECT ${i}`,
    }));
    ids.push(NamedQueryId);
  }
  const listed = [];
  for await (const page of paginateListNamedQueries({ client, pageSize: 2 }, {})) listed.push(...page.NamedQueryIds);
  for (const id of ids) assert.ok(listed.includes(id));
  const { NamedQuery } = await client.send(new GetNamedQueryCommand({ NamedQueryId: ids[1] }));
  assert.equal(NamedQuery.QueryString, 'SELECT 1');
  assert.equal(NamedQuery.WorkGroup, 'primary');
  const batch = await client.send(new BatchGetNamedQueryCommand({ NamedQueryIds: [ids[0], 'nope'] }));
  assert.deepEqual(batch.NamedQueries.map((q) => q.NamedQueryId), [ids[0]]);
  assert.equal(batch.UnprocessedNamedQueryIds[0].NamedQueryId, 'nope');
  for (const id of ids) await client.send(new DeleteNamedQueryCommand({ NamedQueryId: id }));
  const error = await expectError(() => client.send(new GetNamedQueryCommand({ NamedQueryId: ids[0] })));
  assert.ok(error instanceof InvalidRequestException);
});

test('prepared statements: paged, ResourceNotFoundException, and run by EXECUTE ... USING', async () => {
  const client = athena();
  const bucket = `sdk-prepared-${Date.now()}`;
  await s3().send(new CreateBucketCommand({ Bucket: bucket }));
  for (const name of ['sdk_b', 'sdk_a', 'sdk_c']) {
    await client.send(new CreatePreparedStatementCommand({
      StatementName: name, WorkGroup: 'primary', QueryStatement: 'SELECT ? AS v, ? * 2 AS twice',
    }));
  }
  const names = [];
  for await (const page of paginateListPreparedStatements({ client, pageSize: 2 }, { WorkGroup: 'primary' })) {
    names.push(...page.PreparedStatements.map((s) => s.StatementName));
  }
  assert.deepEqual(names, ['sdk_a', 'sdk_b', 'sdk_c']);
  const { PreparedStatement } = await client.send(new GetPreparedStatementCommand({ StatementName: 'sdk_a', WorkGroup: 'primary' }));
  assert.ok(PreparedStatement.LastModifiedTime instanceof Date);

  const { QueryExecutionId } = await client.send(new StartQueryExecutionCommand({
    QueryString: "EXECUTE sdk_b USING 'x', 21", ResultConfiguration: { OutputLocation: `s3://${bucket}/q/` },
  }));
  const execution = await finished(client, QueryExecutionId);
  assert.equal(execution.Status.State, 'SUCCEEDED', execution.Status.StateChangeReason);
  const results = await client.send(new GetQueryResultsCommand({ QueryExecutionId }));
  assert.deepEqual(results.ResultSet.Rows[1].Data.map((d) => d.VarCharValue), ['x', '42']);

  for (const name of names) await client.send(new DeletePreparedStatementCommand({ StatementName: name, WorkGroup: 'primary' }));
  const error = await expectError(() => client.send(new GetPreparedStatementCommand({ StatementName: 'sdk_a', WorkGroup: 'primary' })));
  assert.ok(error instanceof ResourceNotFoundException);
});
