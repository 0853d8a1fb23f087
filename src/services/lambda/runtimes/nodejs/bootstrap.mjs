// nimbus Node.js runtime interface client.
//
// Runs inside every Node.js execution environment as
//   node /var/runtime/bootstrap.mjs        (cwd = LAMBDA_TASK_ROOT)
// loads the function named by _HANDLER and loops on the Lambda Runtime API
// (http://$AWS_LAMBDA_RUNTIME_API/2018-06-01). Its observable behaviour (error
// payloads, log lines, exit codes, callback/async semantics, response
// streaming) follows AWS's managed nodejs runtimes; see ../README.md for the
// contract and the sources each behaviour was checked against.
//
// Self-contained on purpose: no npm dependencies, Node.js 18-22.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const RUNTIME_DIR = path.dirname(fileURLToPath(import.meta.url));

// AWS's runtime is bundled as /var/runtime/index.mjs, and Node's
// "Cannot find module 'x'\nRequire stack:\n- <parent>" text names the module
// that called require. Resolving user code from a require rooted at that name
// keeps Runtime.ImportModuleError messages byte-identical to AWS's.
const userRequire = createRequire(path.join(RUNTIME_DIR, 'index.mjs'));

// ---------------------------------------------------------------------------
// Errors

class RuntimeError extends Error {}
function runtimeError(name) {
  const cls = class extends RuntimeError {};
  // The prototype name is what ends up in error.name, stack line 1 and the
  // errorType AWS reports ("Runtime.ImportModuleError", ...).
  Object.defineProperty(cls, 'name', { value: name });
  cls.prototype.name = `Runtime.${name}`;
  return cls;
}
const ImportModuleError = runtimeError('ImportModuleError');
const HandlerNotFound = runtimeError('HandlerNotFound');
const MalformedHandlerName = runtimeError('MalformedHandlerName');
const UserCodeSyntaxError = runtimeError('UserCodeSyntaxError');
const MalformedStreamingHandler = runtimeError('MalformedStreamingHandler');
const InvalidStreamingOperation = runtimeError('InvalidStreamingOperation');
class NodeJsExit extends runtimeError('NodeJsExit') {
  constructor() {
    super(
      'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes',
    );
  }
}
class UnhandledPromiseRejection extends runtimeError('UnhandledPromiseRejection') {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}

// Error-shaped objects from other realms (vm contexts) count as errors too.
function looksLikeError(e) {
  return !!e && typeof e.name === 'string' && typeof e.message === 'string' &&
    typeof e.stack === 'string' && e.name !== '' && e.message !== '' && e.stack !== '';
}

// The body AWS posts to /error and /init/error.
function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || looksLikeError(error)) {
      // DEL cannot travel in the native client's headers; AWS escapes it.
      const esc = (s) => (typeof s === 'string' ? s.replaceAll('\x7F', '%7F') : s);
      return { errorType: esc(error.name), errorMessage: esc(error.message), trace: esc(error.stack).split('\n') };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

// Errors logged in Text format: "\t" + JSON with the enumerable properties.
function errorForLog(value) {
  if (!(value instanceof Error)) return value;
  const out = { errorType: value.name, errorMessage: value.message, code: value.code, ...value };
  if (typeof value.stack === 'string') out.stack = value.stack.split('\n');
  return out;
}
function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_k, v) => errorForLog(v));
  } catch {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}
const intoError = (e) => (e instanceof Error ? e : new Error(e));

// ---------------------------------------------------------------------------
// Logging: console.* become one log event per call.

const LEVELS = {
  TRACE: { name: 'TRACE', priority: 1, mask: 0b00100 },
  DEBUG: { name: 'DEBUG', priority: 2, mask: 0b01000 },
  INFO: { name: 'INFO', priority: 3, mask: 0b01100 },
  WARN: { name: 'WARN', priority: 4, mask: 0b10000 },
  ERROR: { name: 'ERROR', priority: 5, mask: 0b10100 },
  FATAL: { name: 'FATAL', priority: 6, mask: 0b11000 },
};
// Telemetry frame types: 0xa55a0003 = text, 0xa55a0002 = JSON; bits 2..4
// carry the level (0 = unspecified), as AWS's clients write them.
const FRAME_TEXT = 0xa55a0003;
const FRAME_JSON = 0xa55a0002;

let currentRequestId; // undefined before the first invoke: logs say "undefined"

function jsonErrorFields(value) {
  if (!(value instanceof Error)) return value;
  return {
    errorType: value?.constructor?.name ?? 'UnknownError',
    errorMessage: value.message,
    stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
    ...value,
  };
}

function formatJson(time, level, args) {
  const rec = { timestamp: time, level: level.name, requestId: currentRequestId };
  if (args.length === 1) {
    rec.message = args[0];
    try {
      return JSON.stringify(rec, (_k, v) => jsonErrorFields(v));
    } catch {
      rec.message = util.format(rec.message);
      return JSON.stringify(rec);
    }
  }
  rec.message = util.format(...args);
  const err = args.find((a) => a instanceof Error);
  if (err) {
    rec.errorType = err?.constructor?.name ?? 'UnknownError';
    rec.errorMessage = err.message;
    rec.stackTrace = typeof err.stack === 'string' ? err.stack.split('\n') : [];
  }
  return JSON.stringify(rec);
}

function makeLogger(json, fd) {
  const header = Buffer.alloc(16);
  return (level, args) => {
    const now = new Date();
    const time = now.toISOString();
    if (fd === undefined) {
      // stdout: one line per event, so embedded newlines become \r.
      const line = json ? formatJson(time, level, args) : `${time}\t${currentRequestId}\t${level.name}\t${util.format(...args)}`;
      // Synchronous write: output is not lost when the process exits, and
      // stays ordered with the framed/unframed writes of other code.
      writeAllSync(1, Buffer.from(line.replace(/\n/g, '\r') + '\n', 'utf8'));
      return;
    }
    const payload = Buffer.from(
      json ? formatJson(time, level, args) : `${time}\t${currentRequestId}\t${level.name}\t${util.format(...args)}\n`,
      'utf8',
    );
    header.writeUInt32BE(((json ? FRAME_JSON : FRAME_TEXT) | level.mask) >>> 0, 0);
    header.writeUInt32BE(payload.length, 4);
    header.writeBigUInt64BE(BigInt(now.getTime()) * 1000n, 8);
    writeAllSync(fd, Buffer.concat([header, payload]));
  };
}

function writeAllSync(fd, buf) {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e; // a non-blocking pipe that is full
    }
  }
}

let logError; // (message, error) => void: how the runtime reports errors it caught

function patchConsole() {
  const json = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
  let fd;
  if (process.env._LAMBDA_TELEMETRY_LOG_FD != null) {
    fd = parseInt(process.env._LAMBDA_TELEMETRY_LOG_FD, 10);
    // Child processes must not write frames into the same pipe.
    delete process.env._LAMBDA_TELEMETRY_LOG_FD;
  }
  const log = makeLogger(json, fd);
  const min = LEVELS[process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase()] ?? LEVELS.TRACE;
  const at = (level) => (level.priority >= min.priority ? (...args) => log(level, args) : () => {});
  console.trace = at(LEVELS.TRACE);
  console.debug = at(LEVELS.DEBUG);
  console.info = at(LEVELS.INFO);
  console.log = console.info;
  console.warn = at(LEVELS.WARN);
  console.error = at(LEVELS.ERROR);
  console.fatal = (...args) => log(LEVELS.FATAL, args);
  logError = json
    ? (_msg, err) => console.error(intoError(err))
    : (msg, err) => console.error(msg, toFormatted(intoError(err)));
}

// ---------------------------------------------------------------------------
// Runtime API client: one keep-alive connection, reused by every request.

const HEADER_ERROR_TYPE = 'Lambda-Runtime-Function-Error-Type';
const HEADER_ERROR_BODY = 'Lambda-Runtime-Function-Error-Body';

// Header values must be visible ASCII; errorType comes from user code.
const headerSafe = (s) => String(s).replace(/[^\x20-\x7E]/g, '?');

function serialize(body) {
  try {
    return JSON.stringify(body === undefined ? null : body);
  } catch {
    throw new Error('Unable to stringify response body');
  }
}

class RuntimeApi {
  constructor(hostPort) {
    const i = hostPort.lastIndexOf(':');
    this.hostname = hostPort.slice(0, i);
    this.port = parseInt(hostPort.slice(i + 1), 10);
    // maxSockets 1: every request rides the same warm connection. The
    // agent unrefs idle sockets, so an empty event loop still ends.
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    this.base = '/2018-06-01/runtime';
  }

  request(method, path, headers, body, retried = false) {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { hostname: this.hostname, port: this.port, method, path, headers, agent: this.agent },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', (e) => {
        // The server may close an idle keep-alive connection just as we
        // reuse it; Node's documented answer is to retry on a fresh one.
        if (req.reusedSocket && e.code === 'ECONNRESET' && !retried) {
          resolve(this.request(method, path, headers, body, true));
        } else reject(e);
      });
      req.end(body);
    });
  }

  async next() {
    const res = await this.request('GET', `${this.base}/invocation/next`);
    if (res.status !== 200) throw new Error(`Runtime API /invocation/next answered ${res.status}: ${res.body}`);
    return { body: res.body.toString('utf8'), headers: res.headers };
  }

  post(path, bodyString, headers = {}) {
    const body = Buffer.from(bodyString, 'utf8');
    return this.request('POST', path, { 'Content-Type': 'application/json', 'Content-Length': body.length, ...headers }, body);
  }

  // Serialization happens synchronously so a result JSON cannot express
  // throws into the caller (AWS turns that into an invoke error).
  postResponse(id, result) {
    return this.post(`${this.base}/invocation/${encodeURIComponent(id)}/response`, serialize(result));
  }

  postError(id, error) {
    const body = toRapidResponse(error);
    return this.post(`${this.base}/invocation/${encodeURIComponent(id)}/error`, serialize(body), {
      [HEADER_ERROR_TYPE]: headerSafe(body.errorType),
    });
  }

  postInitError(error) {
    const body = toRapidResponse(error);
    return this.post(`${this.base}/init/error`, serialize(body), { [HEADER_ERROR_TYPE]: headerSafe(body.errorType) });
  }

  // A streamed response: a chunked POST whose errors travel as trailers.
  streamResponse(id, highWaterMark) {
    let state = 'ready';
    let resolveDone, rejectDone;
    const done = new Promise((res, rej) => ((resolveDone = res), (rejectDone = rej)));
    const req = http.request({
      hostname: this.hostname,
      port: this.port,
      method: 'POST',
      path: `${this.base}/invocation/${encodeURIComponent(id)}/response`,
      agent: this.agent,
      highWaterMark,
      headers: {
        'Lambda-Runtime-Function-Response-Mode': 'streaming',
        Trailer: [HEADER_ERROR_TYPE, HEADER_ERROR_BODY],
        'Content-Type': 'application/octet-stream',
        'Transfer-Encoding': 'chunked',
      },
    });
    req.on('response', (res) => {
      res.on('data', () => {});
      res.on('end', () => resolveDone());
      res.on('aborted', (e) => rejectDone(e));
    });
    req.on('error', (e) => rejectDone(e));
    done.catch(() => {}); // observed by the runtime; never an unhandled rejection

    const write = req.write.bind(req);
    const end = req.end.bind(req);
    const beforeFirstWrite = () => {
      if (state === 'ready') {
        state = 'writing';
        // HttpResponseStream.from installs the function-URL prelude here.
        if (typeof req._onBeforeFirstWrite === 'function') req._onBeforeFirstWrite((chunk) => write(chunk));
      }
    };
    req.setContentType = (type) => {
      if (state !== 'ready') throw new InvalidStreamingOperation('Cannot set content-type, too late.');
      req.setHeader('Content-Type', type);
    };
    req.write = (chunk, encoding, cb) => {
      // Objects are written as their JSON, like AWS's stream does.
      if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk) && chunk?.constructor !== Uint8Array) chunk = JSON.stringify(chunk);
      beforeFirstWrite();
      return write(chunk, encoding, cb);
    };
    req.end = (chunk, encoding, cb) => {
      if (typeof chunk === 'function') return beforeFirstWrite(), end(chunk);
      if (chunk !== undefined && chunk !== null) req.write(chunk, typeof encoding === 'string' ? encoding : undefined);
      else beforeFirstWrite();
      return end(typeof encoding === 'function' ? encoding : cb);
    };
    const fail = (err) => {
      const body = toRapidResponse(err);
      if (!req.writableEnded) {
        req.addTrailers({
          [HEADER_ERROR_TYPE]: headerSafe(body.errorType),
          [HEADER_ERROR_BODY]: Buffer.from(JSON.stringify(body)).toString('base64'),
        });
        end();
      }
      return done;
    };
    return { stream: req, done, fail };
  }
}

// ---------------------------------------------------------------------------
// Loading the handler (the same search order as AWS's UserFunction).

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HIGH_WATER_MARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');

class HttpResponseStream {
  // Function URLs: JSON metadata, 8 NUL bytes, then the body.
  static from(stream, prelude) {
    stream.setContentType('application/vnd.awslambda.http-integration-response');
    const json = JSON.stringify(prelude);
    stream._onBeforeFirstWrite = (write) => {
      write(json);
      write(new Uint8Array(8));
    };
    return stream;
  }
}

function installGlobals() {
  if (['1', 'true'].includes(process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA)) return;
  globalThis.awslambda = {
    streamifyResponse(handler, options) {
      handler[STREAMING] = 'response';
      if (typeof options?.highWaterMark === 'number') handler[HIGH_WATER_MARK] = parseInt(options.highWaterMark, 10);
      return handler;
    },
    HttpResponseStream,
  };
}

// Nearest package.json decides whether .js is ESM; node_modules stops the walk.
function jsIsModule(file) {
  if (!fs.existsSync(file + '.js')) return false;
  for (let dir = path.dirname(file + '.js'); ; dir = path.dirname(dir)) {
    if (dir.endsWith('/node_modules')) return false;
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        return JSON.parse(fs.readFileSync(pj, 'utf8'))?.type === 'module';
      } catch (e) {
        console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
        return false;
      }
    }
    if (dir === '/') return false;
  }
}

const requireIfExists = (file) => (fs.existsSync(file) ? userRequire(file) : undefined);
const importIfExists = async (file) => (fs.existsSync(file) ? await import(pathToFileURL(file).href) : undefined);

async function loadModule(appRoot, moduleRoot, name) {
  const file = path.resolve(appRoot, moduleRoot, name);
  const extensionless = requireIfExists(file);
  if (extensionless) return extensionless;
  const esmJs = jsIsModule(file);
  if (!esmJs) {
    const cjs = requireIfExists(file + '.js');
    if (cjs) return cjs;
  }
  const loaded = (esmJs && (await importIfExists(file + '.js'))) || (await importIfExists(file + '.mjs')) || requireIfExists(file + '.cjs');
  if (loaded) return loaded;
  // Last: Node's own resolution (node_modules, NODE_PATH) from the task root.
  return userRequire(userRequire.resolve(name, { paths: [appRoot, moduleRoot] }));
}

async function loadHandler(appRoot, fullHandler) {
  if (fullHandler.includes('..')) {
    throw new MalformedHandlerName(`'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const base = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(base));
  const match = base.match(/^([^.]*)\.(.*)$/);
  if (!match) throw new MalformedHandlerName('Bad handler');
  const [, moduleName, exportPath] = match;

  installGlobals();
  let mod;
  try {
    mod = await loadModule(appRoot, moduleRoot, moduleName);
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserCodeSyntaxError(e);
    if (e?.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(e);
    throw e;
  }
  const fn = exportPath.split('.').reduce((obj, key) => obj && obj[key], mod);
  if (!fn) throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  if (typeof fn !== 'function') throw new HandlerNotFound(`${fullHandler} is not a function`);

  let streaming = false;
  const mode = fn[STREAMING];
  if (mode !== undefined && mode !== null && mode !== false) {
    if (mode !== 'response') throw new MalformedStreamingHandler('Only response streaming is supported.');
    streaming = true;
  }
  const hwm = parseInt(fn[HIGH_WATER_MARK], 10);
  return {
    fn,
    streaming,
    highWaterMark: Number.isNaN(hwm) ? undefined : hwm,
    isAsync: fn.constructor?.name === 'AsyncFunction',
  };
}

// ---------------------------------------------------------------------------
// The invoke loop.

// 'beforeExit' fires when the event loop is empty: that is how
// callbackWaitsForEmptyEventLoop waits, and how a handler that never
// answers is detected. One slot, replaced per invoke.
let onEmptyLoop = () => {};

const isPromise = (v) => !!v && typeof v.then === 'function';

class Runtime {
  constructor(client, handler, errorCallbacks) {
    this.client = client;
    this.handler = handler;
    this.errorCallbacks = errorCallbacks;
  }

  scheduleIteration() {
    setImmediate(() => {
      const once = this.handler.streaming ? this.handleStreaming() : this.handleOnce();
      once.catch((err) => {
        // Only a Runtime API failure or a bug gets here.
        console.log(`Unexpected Top Level Error: ${err.toString()}`);
        this.errorCallbacks.uncaughtException(err);
      });
    });
  }

  async nextInvoke() {
    const { body, headers } = await this.client.next();
    const id = headers['lambda-runtime-aws-request-id'];
    if (!id) throw new Error('invocation id is missing or invalid');
    currentRequestId = id;
    const trace = headers['lambda-runtime-trace-id'];
    if (trace) process.env._X_AMZN_TRACE_ID = trace;
    else delete process.env._X_AMZN_TRACE_ID;

    // Errors escaping the handler's own call stack now belong to this invoke.
    this.errorCallbacks.uncaughtException = (e) => this.client.postError(id, e).finally(() => process.exit(129));
    this.errorCallbacks.unhandledRejection = (e) => this.client.postError(id, e).finally(() => process.exit(128));
    return { id, body, headers };
  }

  contextData(id, headers) {
    const env = process.env;
    const deadline = Number(headers['lambda-runtime-deadline-ms']);
    const parse = (v, name) => {
      if (v === undefined) return undefined;
      try {
        return JSON.parse(v);
      } catch (e) {
        throw new Error(`Cannot parse ${name} as json: ${e.toString()}`);
      }
    };
    return {
      functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
      functionName: env.AWS_LAMBDA_FUNCTION_NAME,
      memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
      clientContext: parse(headers['lambda-runtime-client-context'], 'ClientContext'),
      identity: parse(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
      invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
      awsRequestId: id,
      tenantId: headers['lambda-runtime-aws-tenant-id'],
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
  }

  async handleOnce() {
    const { id, body, headers } = await this.nextInvoke();
    const next = () => this.scheduleIteration();
    const client = this.client;

    // Exactly one of response/error is posted per invoke.
    let reported = false;
    const complete = (result) => {
      if (reported) {
        console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
        return;
      }
      reported = true;
      client.postResponse(id, result).then(next, (e) => this.errorCallbacks.uncaughtException(e));
    };
    const postError = (err) => {
      logError('Invoke Error', err);
      client.postError(id, err).then(next, (e) => this.errorCallbacks.uncaughtException(e));
    };

    let waitForEmptyLoop = true;
    const done = (err, result) => {
      onEmptyLoop = () => {};
      if (err !== undefined && err !== null) postError(err);
      else complete(result);
    };
    const callback = (err, result) => {
      onEmptyLoop = () => {};
      if (err !== undefined && err !== null) postError(err);
      else if (!waitForEmptyLoop) complete(result);
      // Answer once timers, sockets and promises the handler left behind drain.
      else onEmptyLoop = () => setImmediate(() => complete(result));
    };

    // Only the first of callback/done/succeed/fail counts.
    let settled = false;
    const first = (f) => (...args) => {
      if (settled) return;
      f(...args);
      settled = true;
    };
    const context = {
      get callbackWaitsForEmptyEventLoop() {
        return waitForEmptyLoop;
      },
      set callbackWaitsForEmptyEventLoop(v) {
        waitForEmptyLoop = v;
      },
      done: first(done),
      succeed: first((result) => done(null, result)),
      fail: first((err) => (err === undefined || err === null ? done('handled') : done(err, null))),
    };
    const cb = first(callback);

    // Neither callback nor promise answered and the loop drained: an async
    // handler's promise can never settle now (error); a sync one means null.
    onEmptyLoop = () => {
      reported = true;
      if (this.handler.isAsync) {
        const e = new NodeJsExit();
        logError('Invoke Error', e);
        client.postError(id, e).then(next, (x) => this.errorCallbacks.uncaughtException(x));
      } else {
        client.postResponse(id, null).then(next, (x) => this.errorCallbacks.uncaughtException(x));
      }
    };

    try {
      Object.assign(context, this.contextData(id, headers));
      const result = this.handler.fn(JSON.parse(body), context, cb);
      if (isPromise(result)) result.then(context.succeed, context.fail).catch(context.fail);
    } catch (err) {
      cb(err);
    }
  }

  async handleStreaming() {
    const { id, body, headers } = await this.nextInvoke();
    let waitForEmptyLoop = true;
    const next = () => {
      onEmptyLoop = () => {};
      if (!waitForEmptyLoop) this.scheduleIteration();
      else onEmptyLoop = () => setImmediate(() => this.scheduleIteration());
    };
    const { stream, done, fail } = this.client.streamResponse(id, this.handler.highWaterMark);
    const failWith = async (err) => {
      logError('Invoke Error', err);
      await fail(err).catch(() => {});
      next();
    };
    onEmptyLoop = () => this.scheduleIteration();
    try {
      const context = this.contextData(id, headers);
      Object.defineProperty(context, 'callbackWaitsForEmptyEventLoop', {
        get: () => waitForEmptyLoop,
        set: (v) => (waitForEmptyLoop = v),
        enumerable: true,
      });
      const pending = this.handler.fn(JSON.parse(body), stream, context);
      if (!isPromise(pending)) return failWith('Streaming does not support non-async handlers.');
      const result = await pending;
      if (result !== undefined) console.warn('Streaming handlers ignore return values.');
      await done;
      if (!stream.writableFinished) return failWith('Response stream is not finished.');
      next();
    } catch (err) {
      await failWith(err);
    }
  }
}

// ---------------------------------------------------------------------------
// Start-up

patchConsole();
const client = new RuntimeApi(process.env.AWS_LAMBDA_RUNTIME_API);

// Until the first invoke, anything thrown is an init error; then the loop
// repoints these at the invoke in flight. Either way the process exits
// (129 uncaught exception, 128 unhandled rejection) and nimbus restarts it.
const errorCallbacks = {
  uncaughtException: (e) => client.postInitError(e).finally(() => process.exit(129)),
  unhandledRejection: (e) => client.postInitError(e).finally(() => process.exit(128)),
};
process.on('uncaughtException', (error) => {
  logError('Uncaught Exception', error);
  errorCallbacks.uncaughtException(error);
});
process.on('unhandledRejection', (reason, promise) => {
  const error = new UnhandledPromiseRejection(reason, promise);
  logError('Unhandled Promise Rejection', error);
  errorCallbacks.unhandledRejection(error);
});
process.on('beforeExit', () => onEmptyLoop());

// A failed load rejects this top-level await, which Node reports as an
// uncaught exception: logged, posted to /runtime/init/error, exit 129.
const handler = await loadHandler(process.env.LAMBDA_TASK_ROOT || process.cwd(), process.env._HANDLER || '');
new Runtime(client, handler, errorCallbacks).scheduleIteration();
