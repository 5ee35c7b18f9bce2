import { spawn } from 'node:child_process';
import type { PasswordCommand } from '../../machines/config.ts';
import { TuskError } from '../../machines/errors.ts';

/** More than any token (RDS IAM tokens are about 1.5 kB, Entra ID's about 2-3 kB). */
const MAX_OUTPUT_BYTES = 64 * 1024;
const MAX_REASON_CHARS = 300;

/**
 * Runs a connection's password command (pgAdmin's "password exec command"): argv without a
 * shell, so nothing in it is expanded or interpreted; its standard output, less the trailing
 * line break, is the password. Run afresh for each connect and reconnect attempt, so a token
 * that lives 15 minutes is new every time. The output is returned to the caller only: never
 * stored, logged, or put in an error.
 *
 * Failures are classified for the connection machine: a command that cannot start or exits
 * with an error would fail the same way again (CredentialNotFound, not retried), a command
 * that does not finish in time may be waiting on a network (ConnectionTimeout, retried with
 * backoff).
 */
export function runPasswordCommand(
  command: PasswordCommand,
  connectionName: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const [program, ...args] = command.argv;
  const named = `The password command of "${connectionName}" (${program})`;
  const failed = (reason: string, cause?: unknown) =>
    new TuskError(
      {
        kind: 'CredentialNotFound',
        code: 'PASSWORD_COMMAND_FAILED',
        message: `${named} ${reason}`,
      },
      cause === undefined ? {} : { cause },
    );
  return new Promise((resolve, reject) => {
    const child = spawn(program!, args, { shell: false, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let settled = false;
    const finish = (error: TuskError | null, value = '') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(
        new TuskError({
          kind: 'ConnectionTimeout',
          code: 'PASSWORD_COMMAND_TIMEOUT',
          message: `${named} did not finish within ${command.timeoutSec} s`,
        }),
      );
    }, command.timeoutSec * 1000);
    timer.unref();
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > MAX_OUTPUT_BYTES) {
        child.kill('SIGKILL');
        finish(failed(`printed more than ${MAX_OUTPUT_BYTES / 1024} kB: not a password`));
      } else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 4 * MAX_REASON_CHARS) err += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      finish(failed(`could not start (${error.code ?? error.message})`, error)),
    );
    child.on('close', (code, signal) => {
      if (code !== 0) {
        // What the command said on stderr (its last line) is the reason; stdout is never shown.
        const said = err.trim().split('\n').at(-1)?.slice(0, MAX_REASON_CHARS);
        const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
        finish(failed(said ? `${how}: ${said}` : how));
        return;
      }
      const password = Buffer.concat(out)
        .toString('utf8')
        .replace(/\r?\n$/, '');
      if (password === '') finish(failed('printed no password'));
      else finish(null, password);
    });
  });
}
