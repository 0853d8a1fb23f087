// Glue jobs through @aws-sdk/client-glue v3 (json 1.1): a pythonshell job whose script sits in
// nimbus's S3 runs with its arguments, its output lands in CloudWatch Logs; a glueetl job reads a
// JSON table of the catalog and writes CSV; Glue's errors as the SDK's exception classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GlueClient, CreateJobCommand, GetJobCommand, StartJobRunCommand, GetJobRunCommand, GetJobRunsCommand,
  BatchStopJobRunCommand, CreateDatabaseCommand, CreateTableCommand, EntityNotFoundException,
  ConcurrentRunsExceededException,
} from '@aws-sdk/client-glue';
import { S3Client, CreateBucketCommand, PutObjectCommand, ListObjectsV2Command, GetObjectCommand } from '@aws-sdk/client-s3';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { expectError, useSharedNimbus } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();
const ROLE = 'arn:aws:iam::000000000000:role/glue';
const options = () => ({
  endpoint: nimbus.server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
});
const glueClient = () => new GlueClient(options());
const s3Client = () => new S3Client({ ...options(), forcePathStyle: true });

async function putScript(s3, key, text) {
  await s3.send(new CreateBucketCommand({ Bucket: 'scripts' })).catch((err) => {
    if (err.name !== 'BucketAlreadyOwnedByYou') throw err;
  });
  await s3.send(new PutObjectCommand({ Bucket: 'scripts', Key: key, Body: text }));
  return `s3://scripts/${key}`;
}

async function waitForRun(glue, JobName, RunId, state = null) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const { JobRun } = await glue.send(new GetJobRunCommand({ JobName, RunId }));
    const ended = ['SUCCEEDED', 'FAILED', 'STOPPED', 'TIMEOUT', 'ERROR'].includes(JobRun.JobRunState);
    if (state ? JobRun.JobRunState === state : ended) return JobRun;
    assert.ok(Date.now() < deadline, `run still ${JobRun.JobRunState}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

test('a pythonshell job runs with merged arguments and its output goes to CloudWatch Logs', async () => {
  const glue = glueClient();
  const s3 = s3Client();
  const ScriptLocation = await putScript(s3, 'hello.py', [
    'import sys',
    'from awsglue.utils import getResolvedOptions',
    'args = getResolvedOptions(sys.argv, ["JOB_NAME", "who", "mode"])',
    'print("hello", args["who"], args["mode"], args["JOB_NAME"])',
  ].join('\n'));
  await glue.send(new CreateJobCommand({
    Name: 'hello', Role: ROLE, Command: { Name: 'pythonshell', ScriptLocation, PythonVersion: '3.9' },
    DefaultArguments: { '--who': 'world', '--mode': 'default' }, ExecutionProperty: { MaxConcurrentRuns: 2 },
  }));
  const { Job } = await glue.send(new GetJobCommand({ JobName: 'hello' }));
  assert.ok(Job.CreatedOn instanceof Date);
  assert.equal(Job.ExecutionProperty.MaxConcurrentRuns, 2);
  const { JobRunId } = await glue.send(new StartJobRunCommand({ JobName: 'hello', Arguments: { '--mode': 'run' } }));
  const run = await waitForRun(glue, 'hello', JobRunId);
  assert.equal(run.JobRunState, 'SUCCEEDED', run.ErrorMessage);
  assert.ok(run.CompletedOn instanceof Date && run.StartedOn instanceof Date);
  const logs = new CloudWatchLogsClient(options());
  const { events } = await logs.send(new GetLogEventsCommand({
    logGroupName: '/aws-glue/jobs/output', logStreamName: JobRunId, startFromHead: true,
  }));
  assert.deepEqual(events.map((e) => e.message), ['hello world run hello']);
  const { JobRuns } = await glue.send(new GetJobRunsCommand({ JobName: 'hello' }));
  assert.deepEqual(JobRuns.map((r) => r.Id), [JobRunId]);
});

test('a glueetl job reads a catalog table and writes CSV', async () => {
  const glue = glueClient();
  const s3 = s3Client();
  await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
  const rows = [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 7 }, { sku: 'c', qty: 12 }];
  await s3.send(new PutObjectCommand({
    Bucket: 'lake', Key: 'stock/data.json', Body: rows.map((r) => JSON.stringify(r)).join('\n'),
  }));
  await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'shop' } }));
  await glue.send(new CreateTableCommand({
    DatabaseName: 'shop',
    TableInput: {
      Name: 'stock',
      StorageDescriptor: {
        Columns: [{ Name: 'sku', Type: 'string' }, { Name: 'qty', Type: 'int' }], Location: 's3://lake/stock/',
        SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
      },
    },
  }));
  const ScriptLocation = await putScript(s3, 'stock.py', [
    'from awsglue.context import GlueContext',
    'from pyspark.context import SparkContext',
    'ctx = GlueContext(SparkContext())',
    'frame = ctx.create_dynamic_frame.from_catalog(database="shop", table_name="stock")',
    'low = frame.filter(lambda r: r["qty"] < 10).select_fields(["sku", "qty"])',
    'ctx.write_dynamic_frame.from_options(frame=low, connection_type="s3",',
    '    connection_options={"path": "s3://lake/low-stock/"}, format="csv")',
  ].join('\n'));
  await glue.send(new CreateJobCommand({ Name: 'stock', Role: ROLE, Command: { Name: 'glueetl', ScriptLocation } }));
  const { JobRunId } = await glue.send(new StartJobRunCommand({ JobName: 'stock' }));
  const run = await waitForRun(glue, 'stock', JobRunId);
  assert.equal(run.JobRunState, 'SUCCEEDED', run.ErrorMessage);
  const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: 'lake', Prefix: 'low-stock/' }));
  assert.equal(Contents.length, 1);
  assert.match(Contents[0].Key, /^low-stock\/part-00000-[0-9a-f-]{36}\.csv$/);
  const body = await (await s3.send(new GetObjectCommand({ Bucket: 'lake', Key: Contents[0].Key }))).Body.transformToString();
  assert.deepEqual(body.trim().split('\n'), ['sku,qty', 'a,1', 'b,7']);
});

test('Glue job errors arrive as the SDK exception classes', async () => {
  const glue = glueClient();
  const s3 = s3Client();
  const missing = await expectError(() => glue.send(new GetJobCommand({ JobName: 'ghost' })));
  assert.ok(missing instanceof EntityNotFoundException);
  const ScriptLocation = await putScript(s3, 'nap.py', 'import time\ntime.sleep(600)\n');
  await glue.send(new CreateJobCommand({ Name: 'nap', Role: ROLE, Command: { Name: 'pythonshell', ScriptLocation } }));
  const { JobRunId } = await glue.send(new StartJobRunCommand({ JobName: 'nap' }));
  const refused = await expectError(() => glue.send(new StartJobRunCommand({ JobName: 'nap' })));
  assert.ok(refused instanceof ConcurrentRunsExceededException);
  assert.equal(refused.message, 'Concurrent runs exceeded for nap');
  await waitForRun(glue, 'nap', JobRunId, 'RUNNING');
  const { SuccessfulSubmissions } = await glue.send(new BatchStopJobRunCommand({ JobName: 'nap', JobRunIds: [JobRunId] }));
  assert.deepEqual(SuccessfulSubmissions, [{ JobName: 'nap', JobRunId }]);
  assert.equal((await waitForRun(glue, 'nap', JobRunId)).JobRunState, 'STOPPED');
});
