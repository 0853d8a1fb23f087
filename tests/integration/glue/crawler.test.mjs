// Glue crawlers through @aws-sdk/client-glue v3: a crawler over JSON lines and Hive-partitioned
// folders in nimbus's S3, run to READY, its tables and partitions, its metrics, and Glue's
// crawler errors as the SDK's exception classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GlueClient, CreateCrawlerCommand, GetCrawlerCommand, StartCrawlerCommand, StopCrawlerCommand,
  GetTableCommand, GetPartitionsCommand, GetCrawlerMetricsCommand, ListCrawlersCommand,
  CrawlerRunningException, CrawlerNotRunningException, EntityNotFoundException,
} from '@aws-sdk/client-glue';
import { S3Client, CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { expectError, uniqueName, useSharedNimbus } from '../helpers/server.mjs';

const nimbus = useSharedNimbus();
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ROLE = 'arn:aws:iam::000000000000:role/AWSGlueServiceRole-sdk';
const glue = () => new GlueClient({ endpoint: nimbus.server.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const s3 = () => new S3Client({ endpoint: nimbus.server.endpoint, region: 'us-east-1', credentials, forcePathStyle: true });

async function waitReady(client, Name) {
  const deadline = Date.now() + 30000;
  for (;;) {
    const { Crawler } = await client.send(new GetCrawlerCommand({ Name }));
    if (Crawler.State === 'READY' && Crawler.LastCrawl) return Crawler;
    assert.ok(Date.now() < deadline, JSON.stringify(Crawler));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a crawler catalogs partitioned JSON lines and reports its run', async () => {
  const bucket = uniqueName('lake');
  const storage = s3();
  await storage.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const day of ['2024-05-01', '2024-05-02']) {
    const Body = [1, 2, 3].map((n) => JSON.stringify({ id: n, page: `/p/${n}`, ok: n % 2 === 1 })).join('\n');
    await storage.send(new PutObjectCommand({ Bucket: bucket, Key: `clicks/dt=${day}/part-0.json`, Body }));
  }
  const client = glue();
  await client.send(new CreateCrawlerCommand({
    Name: 'sdk-crawler', Role: ROLE, DatabaseName: 'web',
    Targets: { S3Targets: [{ Path: `s3://${bucket}/clicks/` }] },
  }));
  assert.deepEqual((await client.send(new ListCrawlersCommand({}))).CrawlerNames, ['sdk-crawler']);
  const notRunning = await expectError(() => client.send(new StopCrawlerCommand({ Name: 'sdk-crawler' })));
  assert.ok(notRunning instanceof CrawlerNotRunningException);

  await client.send(new StartCrawlerCommand({ Name: 'sdk-crawler' }));
  const running = await expectError(() => client.send(new StartCrawlerCommand({ Name: 'sdk-crawler' })));
  assert.ok(running instanceof CrawlerRunningException);
  assert.equal(running.message, 'Crawler with name sdk-crawler has already started');

  const crawler = await waitReady(client, 'sdk-crawler');
  assert.equal(crawler.LastCrawl.Status, 'SUCCEEDED');
  assert.ok(crawler.LastCrawl.StartTime instanceof Date);
  assert.equal(crawler.LastCrawl.LogGroup, '/aws-glue/crawlers');

  const { Table } = await client.send(new GetTableCommand({ DatabaseName: 'web', Name: 'clicks' }));
  assert.deepEqual(Table.StorageDescriptor.Columns.map((c) => [c.Name, c.Type]),
    [['id', 'int'], ['page', 'string'], ['ok', 'boolean']]);
  assert.deepEqual(Table.PartitionKeys, [{ Name: 'dt', Type: 'string' }]);
  assert.equal(Table.Parameters.classification, 'json');
  assert.equal(Table.Parameters.recordCount, '6');
  const { Partitions } = await client.send(new GetPartitionsCommand({ DatabaseName: 'web', TableName: 'clicks' }));
  assert.deepEqual(Partitions.map((p) => p.Values), [['2024-05-01'], ['2024-05-02']]);

  const { CrawlerMetricsList } = await client.send(new GetCrawlerMetricsCommand({ CrawlerNameList: ['sdk-crawler'] }));
  assert.equal(CrawlerMetricsList[0].TablesCreated, 1);
  assert.equal(CrawlerMetricsList[0].StillEstimating, false);

  const missing = await expectError(() => client.send(new GetCrawlerCommand({ Name: 'ghost' })));
  assert.ok(missing instanceof EntityNotFoundException);
  assert.equal(missing.message, 'Crawler with name ghost does not exist');
});
