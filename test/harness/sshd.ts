import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFile,
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnReaper } from '../../main/app/reaper.ts';

/*
 * Debian's OpenSSH server for tests, as its own process on a free loopback port: a host key
 * made for the run, one throwaway user (`tusk-ssh-test`, no shell, no home, a random password
 * kept in a root-only file) who may log in with a password or any of the run's keys and may
 * forward only to the given PostgreSQL ports. Nothing of the system's is changed but that user
 * (created if missing) and /run/sshd (sshd's privilege-separation directory, created if
 * missing). Everything else lives in a directory of its own, removed by dispose().
 */

const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd';
export const SSH_TEST_USER = 'tusk-ssh-test';
const SECRETS_DIR = '/run/tusk-ssh-test';

export interface ClientKeys {
  /** ed25519, OpenSSH format, no passphrase. */
  plain: string;
  /** ed25519, OpenSSH format, with `passphrase`. */
  openssh: string;
  /** RSA, PEM (PKCS#1) format, with `passphrase`. */
  pem: string;
  passphrase: string;
}

export interface SshServer {
  readonly host: '127.0.0.1';
  port: number;
  readonly user: string;
  readonly password: string;
  readonly keys: ClientKeys;
  /** sshd's own log (it runs with -e), one line per entry. */
  readonly log: string[];
  /** The run's directory: config, host key, client keys, agent sockets. */
  readonly dir: string;
  /** Successful logins so far ("Accepted ... for tusk-ssh-test"). */
  logins(): number;
  /** One process per SSH connection (its sshd, started in inetd mode), while it runs. */
  sessions(): Promise<number[]>;
  /** Kills every connection's sshd process, as an admin would: the clients see the link drop. */
  killSessions(): Promise<void>;
  /**
   * `[127.0.0.1]:port type key`: the line a known_hosts file needs to trust this server, on its
   * own port or on another that leads to it (a proxy's).
   */
  knownHostsLine(port?: number): Promise<string>;
  /** A new host key (the server was "reinstalled"), effective at once for new connections. */
  replaceHostKey(): Promise<void>;
  /** Stops the listener and every connection. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** An ssh-agent holding the plain key, on a socket of its own; stopped by dispose(). */
  agent(): Promise<string>;
  dispose(): Promise<void>;
}

export interface SshdOptions {
  /** Where forwarding may go: `127.0.0.1:<port>` for each, or `any` (tests making proxies). */
  permitOpen: number[] | 'any';
}

export async function startSshd(options: SshdOptions): Promise<SshServer> {
  const password = await testUser();
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = await mkdtemp('/tmp/tusk-sshd-');
  // sshd reads the authorized keys as the user, who must pass through; the rest stays 0600.
  await chmod(dir, 0o711);
  const log: string[] = [];
  const agents: ChildProcess[] = [];
  let listener: net.Server | undefined;
  const sessionProcs = new Set<ChildProcess>();
  let disposing: Promise<void> | undefined;
  const stopReaper = reapAfterExit(dir);
  try {
    const hostKey = join(dir, 'ssh_host_ed25519_key');
    const keygen = (file: string, ...args: string[]) =>
      run('ssh-keygen', ['-q', '-f', file, '-C', 'tusk-test', ...args]);
    await keygen(hostKey, '-t', 'ed25519', '-N', '');
    const passphrase = randomBytes(12).toString('base64url');
    const keys: ClientKeys = {
      plain: join(dir, 'id_plain'),
      openssh: join(dir, 'id_openssh'),
      pem: join(dir, 'id_pem'),
      passphrase,
    };
    await Promise.all([
      keygen(keys.plain, '-t', 'ed25519', '-N', ''),
      keygen(keys.openssh, '-t', 'ed25519', '-N', passphrase),
      keygen(keys.pem, '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', passphrase),
    ]);
    const publics = await Promise.all(
      [keys.plain, keys.openssh, keys.pem].map((k) => readFile(`${k}.pub`, 'utf8')),
    );
    await writeFile(join(dir, 'authorized_keys'), publics.join(''), { mode: 0o644 });
    await writeFile(join(dir, 'sshd_config'), config(dir, hostKey, options), { mode: 0o600 });

    // inetd mode (`sshd -i`): this process listens and starts one sshd per connection, so each
    // connection's sshd is a child of ours: counted exactly, killed one by one, and reaped by
    // us (a listener sshd's children outlive it as zombies where PID 1 reaps nothing).
    const accept = (socket: net.Socket) => {
      const proc = spawn(SSHD, ['-i', '-e', '-f', join(dir, 'sshd_config')], {
        stdio: [socket, socket, 'pipe'],
      });
      // The child has the connection now; our copy of the descriptor closes without a goodbye.
      socket.destroy();
      if (!proc.pid) return;
      sessionProcs.add(proc);
      proc.once('exit', () => sessionProcs.delete(proc));
      void appendFile(join(dir, 'sessions.pid'), `${proc.pid}\n`).catch(() => undefined);
      let buffered = '';
      proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        log.push(...lines);
      });
    };
    const listen = (port: number) =>
      new Promise<net.Server>((resolve, reject) => {
        const next = net.createServer({ pauseOnConnect: true }, accept);
        next.once('error', reject);
        next.listen(port, '127.0.0.1', () => {
          next.off('error', reject);
          resolve(next);
        });
      });
    listener = await listen(0);
    const { port } = listener.address() as AddressInfo;

    const sessions = async () => [...sessionProcs].map((p) => p.pid!);
    // The unprivileged child of each connection's sshd first, reaped by its parent; then that
    // sshd, reaped by us.
    const killSessions = async () => {
      const procs = [...sessionProcs];
      const grandchildren = (await Promise.all(procs.map((p) => childrenOf(p.pid!)))).flat();
      for (const pid of grandchildren) kill(pid);
      const deadline = Date.now() + 2_000;
      while (
        Date.now() < deadline &&
        (await Promise.all(grandchildren.map(exists))).some(Boolean)
      ) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await Promise.all(
        procs.map((proc) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return undefined;
          const exited = new Promise((resolve) => proc.once('exit', resolve));
          kill(proc.pid!);
          return exited;
        }),
      );
    };

    const server: SshServer = {
      host: '127.0.0.1',
      port,
      user: SSH_TEST_USER,
      password,
      keys,
      log,
      dir,
      logins: () => log.filter((l) => /^Accepted \S+ for tusk-ssh-test /.test(l)).length,
      sessions,
      killSessions,
      async knownHostsLine(on = port) {
        const [type, key] = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(/\s+/);
        return `[127.0.0.1]:${on} ${type} ${key}`;
      },
      async replaceHostKey() {
        await rm(hostKey, { force: true });
        await rm(`${hostKey}.pub`, { force: true });
        await keygen(hostKey, '-t', 'ed25519', '-N', '');
        await server.stop();
        await server.start();
      },
      async stop() {
        const closing = listener;
        listener = undefined;
        // New connections are refused at once; the ones open are cut.
        if (closing) await new Promise((resolve) => closing.close(resolve));
        await killSessions();
      },
      async start() {
        if (disposing) throw new Error('this sshd has been disposed');
        listener ??= await listen(port).catch((cause) => {
          throw new Error(`sshd cannot listen on ${port} again`, { cause });
        });
      },
      async agent() {
        const socket = join(dir, `agent-${agents.length}.sock`);
        const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
        agents.push(agent);
        await until(async () => net.connect(socket), 5_000);
        await run('ssh-add', ['-q', keys.plain], {
          env: { ...process.env, SSH_AUTH_SOCK: socket },
        });
        return socket;
      },
      dispose() {
        disposing ??= (async () => {
          await server.stop();
          for (const agent of agents) {
            if (agent.exitCode === null && agent.pid) {
              const exited = new Promise((resolve) => agent.once('exit', resolve));
              kill(agent.pid);
              await exited;
            }
          }
          await rm(dir, { recursive: true, force: true });
          stopReaper();
        })();
        return disposing;
      },
    };
    Object.defineProperty(server, 'password', { enumerable: false });
    return server;
  } catch (error) {
    listener?.close();
    await rm(dir, { recursive: true, force: true });
    stopReaper();
    throw error;
  }
}

function config(dir: string, hostKey: string, options: SshdOptions): string {
  return [
    '# Written by test/harness/sshd.ts: one user, forwarding to the test servers only.',
    // Run per connection in inetd mode (sshd -i): the harness listens, on 127.0.0.1 only.
    `HostKey ${hostKey}`,
    'PidFile none',
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    // The keys file sits under /tmp (mode 1777), which StrictModes would refuse.
    'StrictModes no',
    'PasswordAuthentication yes',
    'PubkeyAuthentication yes',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'PermitRootLogin no',
    `AllowUsers ${SSH_TEST_USER}`,
    'AllowTcpForwarding local',
    `PermitOpen ${options.permitOpen === 'any' ? 'any' : options.permitOpen.map((p) => `127.0.0.1:${p}`).join(' ')}`,
    'AllowAgentForwarding no',
    'X11Forwarding no',
    'PermitTTY no',
    'ClientAliveInterval 0',
    'MaxStartups 100',
    'MaxSessions 100',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

/**
 * The test user, created if missing, with a password made once per boot and kept in a root-only
 * file: parallel test files share it. The first to create the file sets the password; the
 * others wait for it to be set.
 */
async function testUser(): Promise<string> {
  await mkdir(SECRETS_DIR, { recursive: true, mode: 0o700 });
  const file = join(SECRETS_DIR, 'password');
  const ready = join(SECRETS_DIR, 'ready');
  const password = randomBytes(18).toString('base64url');
  let mine = true;
  await writeFile(file, password, { flag: 'wx', mode: 0o600 }).catch((error) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    mine = false;
  });
  if (mine) {
    await run('useradd', [
      '--system',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      SSH_TEST_USER,
    ]).catch(async (error) => {
      // 9: the user exists already (made by an earlier boot's run); keep it.
      if ((error as { code?: number }).code !== 9) throw error;
    });
    await new Promise<void>((resolve, reject) => {
      const chpasswd = spawn('chpasswd', [], { stdio: ['pipe', 'ignore', 'inherit'] });
      chpasswd.once('error', reject);
      chpasswd.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`chpasswd: ${code}`)),
      );
      chpasswd.stdin?.end(`${SSH_TEST_USER}:${password}\n`);
    });
    await writeFile(ready, '');
    return password;
  }
  await until(async () => readFile(ready), 10_000);
  return readFile(file, 'utf8');
}

async function until<T>(attempt: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await attempt();
      if (value instanceof net.Socket) {
        await new Promise<void>((resolve, reject) => {
          value.once('connect', () => {
            value.destroy();
            resolve();
          });
          value.once('error', reject);
        });
      }
      return value;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Direct children of a process, from /proc (its `children` list, else a scan of every process). */
async function childrenOf(pid: number): Promise<number[]> {
  const listed = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => null);
  if (listed !== null) return listed.trim().split(/\s+/).filter(Boolean).map(Number);
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid ...; comm may hold spaces and parentheses, so split after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) found.push(Number(entry));
  }
  return found;
}

/** Still in the process table, zombie or not. */
const exists = (pid: number) =>
  readFile(`/proc/${pid}/stat`, 'utf8').then(
    () => true,
    () => false,
  );

/** Running, not a zombie (killed, waiting for its parent to reap it). */
export async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  return stat !== '' && state !== 'Z';
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

// However this process dies, its end of the pipe closes: the shell then kills each
// connection's sshd it recorded (and that sshd's child) and deletes the directory.
const REAPER = `for pid in $(cat "$1/sessions.pid" 2>/dev/null); do
  if [ "$(cat /proc/$pid/comm 2>/dev/null)" = sshd ]; then
    kill -9 $(ps -o pid= --ppid "$pid") 2>/dev/null; kill -9 "$pid" 2>/dev/null
  fi
done
rm -rf "$1"`;

function reapAfterExit(dir: string): () => void {
  return spawnReaper(REAPER, 'tusk-sshd-reaper', [dir]);
}
