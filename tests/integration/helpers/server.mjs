// Starts a real nimbus process for node:test suites and gives them its endpoint and control calls.
// The binary is build/nimbus unless NIMBUS_BIN says otherwise; nothing is built here.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { before, after, beforeEach } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SQSClient } from '@aws-sdk/client-sqs';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const NIMBUS_BIN = process.env.NIMBUS_BIN ?? join(REPO, 'build', 'nimbus');
const READY = 'nimbus ready on http://';

export async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

export class NimbusServer {
  constructor({ args = [], dataDir } = {}) {
    this.args = args;
    this.dataDir = dataDir ?? mkdtempSync(join(tmpdir(), 'nimbus-node-'));
    this.ownsDataDir = !dataDir;
    this.proc = null;
    this.port = 0;
  }

  get endpoint() {
    return `http://localhost:${this.port}`;
  }

  async start(timeoutMs = 15000) {
    if (!existsSync(NIMBUS_BIN)) throw new Error(`nimbus binary not found at ${NIMBUS_BIN}`);
    if (!this.port) this.port = await freePort();
    const argv = ['--host', '127.0.0.1', '--port', String(this.port), '--data-dir', this.dataDir, ...this.args];
    const proc = spawn(NIMBUS_BIN, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    this.stderr = '';
    proc.stderr.on('data', (d) => { this.stderr = (this.stderr + d).slice(-8000); });
    this.exited = new Promise((ok) => proc.on('exit', (code, signal) => ok({ code, signal })));
    await new Promise((ok, fail) => {
      let out = '';
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        fail(new Error(`nimbus printed no ready line within ${timeoutMs} ms; stdout=${out}`));
      }, timeoutMs);
      proc.stdout.on('data', (d) => {
        out += d;
        if (out.split('\n').some((line) => line.startsWith(READY))) {
          clearTimeout(timer);
          ok();
        }
      });
      proc.on('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`nimbus exited with ${code} before ready; stderr=${this.stderr}`));
      });
    });
    return this;
  }

  // SIGTERM; resolves to the exit code (the caller asserts it is 0).
  async stop(timeoutMs = 15000) {
    if (!this.proc) return 0;
    const proc = this.proc;
    this.proc = null;
    if (proc.exitCode !== null) return proc.exitCode;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    const { code, signal } = await this.exited;
    clearTimeout(timer);
    return signal ? `signal ${signal}` : code;
  }

  async kill() {
    if (!this.proc) return;
    const proc = this.proc;
    this.proc = null;
    proc.kill('SIGKILL');
    await this.exited;
  }

  async restart() {
    const code = await this.stop();
    if (code !== 0) throw new Error(`nimbus exited with ${code} on SIGTERM`);
    return this.start();
  }

  cleanup() {
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  async control(method, path, body) {
    const res = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
    return text ? JSON.parse(text) : {};
  }

  health() { return this.control('GET', '/_nimbus/health'); }
  reset(service) { return this.control('POST', `/_nimbus/reset${service ? `?service=${service}` : ''}`); }
  advanceClock(seconds) { return this.control('POST', '/_nimbus/clock', { advance_seconds: seconds }); }

  client({ region = 'us-east-1', accessKeyId = 'test', secretAccessKey = 'test' } = {}) {
    return new SQSClient({
      endpoint: this.endpoint,
      region,
      credentials: { accessKeyId, secretAccessKey },
      maxAttempts: 1,
    });
  }
}

export async function startNimbus(options) {
  return new NimbusServer(options).start();
}

// Registers node:test hooks for a file that shares one nimbus: started before its tests, reset
// before each, stopped (exit 0 checked) after. `server` and `sqs` are set once it is up.
export function useSharedNimbus() {
  const shared = { server: undefined, sqs: undefined };
  before(async () => {
    shared.server = await startNimbus();
    shared.sqs = shared.server.client();
  });
  after(async () => {
    shared.sqs?.destroy();
    const code = await shared.server?.stop();
    shared.server?.cleanup();
    assert.equal(code, 0);
  });
  beforeEach(async () => { await shared.server.reset(); });
  return shared;
}

export function uniqueName(prefix = 'q') {
  return `${prefix}-${Math.random().toString(16).slice(2, 14)}`;
}

// Runs fn expecting an SDK error; returns it.
export async function expectError(fn) {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}
