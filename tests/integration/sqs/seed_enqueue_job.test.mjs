// Runs the seed's own `enqueueJob` (shared/seed, a markdown file) against nimbus: the TypeScript block is
// extracted at test time, its type annotations stripped, and the code run otherwise unmodified with
// `new SQSClient({})` configured only through environment variables, as a user's deployment would be.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { REPO, startNimbus } from '../helpers/server.mjs';

// The seed lives beside the repo in CI (../shared/seed); a user's clone has none, and then these
// tests are skipped rather than failed.
const SEED_DIR = process.env.NIMBUS_SEED_DIR || join(REPO, '..', 'shared', 'seed');
const SEED = join(SEED_DIR, '000_d902f33c1dc4e7c6.txt');
const skip = existsSync(SEED) ? false : `seed not found at ${SEED} (set NIMBUS_SEED_DIR to the folder holding it)`;

// The fenced ```typescript block that defines `async function enqueueJob`.
export function extractEnqueueJobBlock(markdown) {
  const blocks = [...markdown.matchAll(/```(?:typescript|ts)\n([\s\S]*?)```/g)].map((m) => m[1]);
  const block = blocks.find((b) => b.includes('async function enqueueJob'));
  if (!block) throw new Error('no TypeScript block with `async function enqueueJob` in the seed');
  return block;
}

// Minimal TypeScript -> JavaScript: only the annotations this block uses.
export function stripTypes(ts) {
  return ts
    .replace(/\):\s*Promise<[^>]*>\s*(=>|\{)/g, ') $1') // return types
    .replace(/(\(|,\s*)(\w+):\s*(string|any|number|boolean|[A-Z]\w*)(?=\s*[,)])/g, '$1$2'); // parameter types
}

let server;
let moduleFile;
const savedEnv = {};

before(async () => {
  if (!skip) server = await startNimbus();
});
after(async () => {
  Object.assign(process.env, savedEnv);
  for (const [k, v] of Object.entries(savedEnv)) if (v === undefined) delete process.env[k];
  if (moduleFile) rmSync(moduleFile, { force: true });
  if (!server) return;
  const code = await server.stop();
  server.cleanup();
  assert.equal(code, 0);
});

function setEnv(vars) {
  for (const [k, v] of Object.entries(vars)) {
    if (!(k in savedEnv)) savedEnv[k] = process.env[k];
    process.env[k] = v;
  }
}

test('the seed file holds the enqueueJob block', { skip }, () => {
  const block = extractEnqueueJobBlock(readFileSync(SEED, 'utf8'));
  assert.match(block, /new SQSClient\(\{\}\)/);
  assert.match(block, /jobType/);
  const js = stripTypes(block);
  assert.doesNotMatch(js, /:\s*(string|any|Promise<void>|SQSEvent)\b/);
});

test("seed's enqueueJob sends a job that is received with its jobType attribute", { skip }, async () => {
  const js = stripTypes(extractEnqueueJobBlock(readFileSync(SEED, 'utf8')));
  // Only an export line is appended so the test can call the function; the seed code itself is unchanged.
  moduleFile = join(REPO, 'tests', 'integration', 'sqs', `.seed-enqueue-job-${process.pid}.generated.mjs`);
  writeFileSync(moduleFile, `${js}\nexport { enqueueJob };\n`);

  setEnv({
    AWS_ENDPOINT_URL_SQS: server.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;

  const sqs = server.client();
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'jobs' }));
  const { enqueueJob } = await import(pathToFileURL(moduleFile).href);
  const job = { type: 'resize-image', id: 42, payload: { key: 'photos/cat.jpg', sizes: [64, 256] } };
  await enqueueJob(QueueUrl, job);

  const { Messages } = await sqs.send(new ReceiveMessageCommand({
    QueueUrl, MessageAttributeNames: ['All'], WaitTimeSeconds: 1,
  }));
  sqs.destroy();
  assert.equal(Messages?.length, 1);
  assert.deepEqual(JSON.parse(Messages[0].Body), job);
  assert.deepEqual(Messages[0].MessageAttributes.jobType, { DataType: 'String', StringValue: 'resize-image' });
  // no stray generated files left behind by earlier runs either
  for (const f of readdirSync(join(REPO, 'tests', 'integration', 'sqs'))) {
    if (f.startsWith('.seed-enqueue-job-') && !f.includes(String(process.pid))) {
      rmSync(join(REPO, 'tests', 'integration', 'sqs', f), { force: true });
    }
  }
});
