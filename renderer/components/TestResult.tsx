import type { TestConnectionResult, TestStageName } from '../../machines/diagnostics.types.ts';
import { formatMs } from '../lib/format.ts';

const stageText: Record<TestStageName, string> = {
  'ssh-tcp': 'SSH connection',
  'ssh-handshake': 'SSH host key',
  'ssh-auth': 'SSH authentication',
  forward: 'Forward to the database',
  dns: 'DNS',
  tcp: 'TCP',
  tls: 'TLS',
  auth: 'Authentication',
  server: 'Server info',
};

/** Each stage with its time; the failing one with its error, SQLSTATE and hint. */
export function TestResult({ result }: { result: TestConnectionResult }) {
  return (
    <section
      className={result.success ? 'test-result test-ok' : 'test-result test-failed'}
      aria-label="Test result"
    >
      <p className="test-summary">
        {result.success
          ? `Test succeeded in ${formatMs(result.latencyMs)}`
          : `Test failed after ${formatMs(result.latencyMs)}`}
        {result.version && <span className="muted"> · {result.version.split(' on ')[0]}</span>}
      </p>
      <ol className="stages">
        {result.stages.map((stage) => (
          <li key={stage.name} className={stage.ok ? 'stage stage-ok' : 'stage stage-failed'}>
            <span className="stage-mark" aria-hidden="true">
              {stage.ok ? '✓' : '✕'}
            </span>
            <span className="stage-name">{stageText[stage.name]}</span>
            <span className="stage-ms">{formatMs(stage.ms)}</span>
            <span className="visually-hidden">{stage.ok ? 'passed' : 'failed'}</span>
            {stage.detail && <span className="stage-detail">{stage.detail}</span>}
            {stage.error && (
              <div className="stage-error">
                <span>{stage.error.message}</span>
                {stage.error.code && <code className="sqlstate">SQLSTATE {stage.error.code}</code>}
                {stage.error.fingerprint && (
                  <code className="fingerprint">{stage.error.fingerprint}</code>
                )}
                {(stage.hint ?? stage.error.hint) && (
                  <p className="hint">{stage.hint ?? stage.error.hint}</p>
                )}
              </div>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
