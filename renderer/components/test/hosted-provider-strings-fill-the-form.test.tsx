import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../../../machines/config.ts';
import { renderWithServices } from '../../test/fixtures.tsx';
import { ConnectionForm } from '../ConnectionForm.tsx';

/*
 * The strings hosted PostgreSQL services hand out (their dashboards' and docs' formats, with
 * made-up hosts and secrets), pasted into the import field: each must fill the form with
 * everything it says, and Save must send it as a config, the secrets apart.
 */
const field = (label: string) =>
  screen.getByLabelText(label, { selector: 'input, select' }) as HTMLInputElement;

function importString(text: string) {
  fireEvent.change(screen.getByLabelText('Import connection string'), { target: { value: text } });
  fireEvent.click(screen.getByRole('button', { name: 'Import' }));
}

const renderForm = () =>
  renderWithServices(<ConnectionForm editId={null} onClose={() => {}} onSaved={() => {}} />, {
    handlers: (t) => t.handle('save_connection', () => null),
  });

type Saved = { config: ConnectionConfig; password?: string; sslPassword?: string };

async function save(transport: ReturnType<typeof renderForm>['transport']): Promise<Saved> {
  fireEvent.click(screen.getByRole('button', { name: 'Save' }));
  await waitFor(() =>
    expect(transport.calls.some((c) => c.command === 'save_connection')).toBe(true),
  );
  return transport.calls.find((c) => c.command === 'save_connection')!.args as Saved;
}

interface Case {
  provider: string;
  text: string;
  /** What the form's fields show after the import. */
  fields: Record<string, string | boolean>;
  /** What the saved config says (a partial match). */
  config: Record<string, unknown>;
  password?: string;
  sslPassword?: string;
  /** A password command typed after the import (token providers). */
  command?: string;
  argv?: string[];
}

const cases: Case[] = [
  {
    provider: 'Neon (console string, channel binding)',
    text: 'postgresql://alex:npg_AbC123dEf@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require',
    fields: {
      Host: 'ep-cool-darkness-123456.us-east-2.aws.neon.tech',
      Database: 'neondb',
      User: 'alex',
      'SSL mode': 'require',
      'Channel binding': 'require',
    },
    config: { sslMode: 'require', channelBinding: 'require' },
    password: 'npg_AbC123dEf',
  },
  {
    provider: 'Neon without SNI (endpoint in options)',
    text: 'postgresql://alex:npg_AbC123dEf@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require&options=endpoint%3Dep-cool-darkness-123456',
    fields: { 'Startup options': 'endpoint=ep-cool-darkness-123456' },
    config: {
      options: expect.objectContaining({ startupOptions: 'endpoint=ep-cool-darkness-123456' }),
    },
    password: 'npg_AbC123dEf',
  },
  {
    provider: 'Supabase transaction pooler (Prisma parameters dropped)',
    text: 'postgresql://postgres.abcdefghijklmnop:sb-secret-1@aws-0-us-east-1.pooler.supabase.com:6543/postgres?pgbouncer=true&connection_limit=1',
    fields: {
      Host: 'aws-0-us-east-1.pooler.supabase.com',
      Port: '6543',
      User: 'postgres.abcdefghijklmnop',
    },
    config: { port: 6543 },
    password: 'sb-secret-1',
  },
  {
    provider: 'Supabase session pooler',
    text: 'postgres://postgres.abcdefghijklmnop:sb-secret-2@aws-0-eu-central-1.pooler.supabase.com:5432/postgres?sslmode=require',
    fields: { Host: 'aws-0-eu-central-1.pooler.supabase.com', 'SSL mode': 'require' },
    config: { username: 'postgres.abcdefghijklmnop' },
    password: 'sb-secret-2',
  },
  {
    provider: 'AWS RDS with an IAM token (password command)',
    text: 'host=mydb.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com port=5432 dbname=postgres user=iam_user sslmode=verify-full sslrootcert=/opt/rds/global-bundle.pem',
    fields: {
      'SSL mode': 'verify-full',
      'CA certificate path': '/opt/rds/global-bundle.pem',
      User: 'iam_user',
    },
    command:
      'aws rds generate-db-auth-token --hostname mydb.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com --port 5432 --region us-east-1 --username iam_user',
    argv: [
      'aws',
      'rds',
      'generate-db-auth-token',
      '--hostname',
      'mydb.c1a2b3c4d5e6.us-east-1.rds.amazonaws.com',
      '--port',
      '5432',
      '--region',
      'us-east-1',
      '--username',
      'iam_user',
    ],
    config: { sslCaCert: '/opt/rds/global-bundle.pem', passwordInKeyring: false },
  },
  {
    provider: 'Azure Database for PostgreSQL with Entra ID (password command)',
    text: "host=mydemoserver.postgres.database.azure.com port=5432 dbname=postgres user='myadmin@contoso.com' sslmode=require",
    fields: { User: 'myadmin@contoso.com', 'SSL mode': 'require' },
    command:
      'az account get-access-token --resource-type oss-rdbms --query "accessToken" --output tsv',
    argv: [
      'az',
      'account',
      'get-access-token',
      '--resource-type',
      'oss-rdbms',
      '--query',
      'accessToken',
      '--output',
      'tsv',
    ],
    config: { host: 'mydemoserver.postgres.database.azure.com' },
  },
  {
    provider: 'Google Cloud SQL with client certificates',
    text: "sslmode=verify-ca sslrootcert=server-ca.pem sslcert=client-cert.pem sslkey=client-key.pem sslpassword='key-phrase-9' hostaddr=34.123.45.67 port=5432 user=postgres dbname=postgres",
    fields: {
      Host: '34.123.45.67',
      'Host address': '34.123.45.67',
      'SSL mode': 'verify-ca',
      'CA certificate path': 'server-ca.pem',
      'Certificate file': 'client-cert.pem',
      'Key file': 'client-key.pem',
    },
    config: {
      hostaddr: '34.123.45.67',
      sslCert: 'client-cert.pem',
      sslKey: 'client-key.pem',
      sslKeyPassphraseInKeyring: true,
    },
    sslPassword: 'key-phrase-9',
  },
  {
    provider: 'DigitalOcean Managed PostgreSQL',
    text: 'postgresql://doadmin:do-secret-3@db-postgresql-nyc3-12345-do-user-1234567-0.b.db.ondigitalocean.com:25060/defaultdb?sslmode=require',
    fields: { Port: '25060', Database: 'defaultdb', User: 'doadmin' },
    config: { sslMode: 'require' },
    password: 'do-secret-3',
  },
  {
    provider: 'Aiven',
    text: 'postgres://avnadmin:aiven-secret-4@pg-3b8d4f-myproject.aivencloud.com:12691/defaultdb?sslmode=require',
    fields: { Host: 'pg-3b8d4f-myproject.aivencloud.com', Port: '12691' },
    config: { username: 'avnadmin' },
    password: 'aiven-secret-4',
  },
  {
    provider: 'CockroachDB Serverless (cluster routing in options)',
    text: 'postgresql://maxroach:crdb-secret-5@free-tier.gcp-us-central1.cockroachlabs.cloud:26257/defaultdb?sslmode=verify-full&sslrootcert=%2Fhome%2Fmax%2F.postgresql%2Froot.crt&options=--cluster%3Dmy-cluster-123',
    fields: {
      Port: '26257',
      'SSL mode': 'verify-full',
      'CA certificate path': '/home/max/.postgresql/root.crt',
      'Startup options': '--cluster=my-cluster-123',
    },
    config: { options: expect.objectContaining({ startupOptions: '--cluster=my-cluster-123' }) },
    password: 'crdb-secret-5',
  },
  {
    provider: 'PlanetScale (system trust store, direct TLS)',
    text: 'postgresql://pscale_api_abc.xyz:pscale_pw_secret6@us-east-3.pg.psdb.cloud:5432/postgres?sslmode=verify-full&sslrootcert=system&sslnegotiation=direct',
    fields: {
      'SSL mode': 'verify-full',
      "Trust the server's certificate from": 'system',
      'TLS negotiation': 'direct',
    },
    config: { sslCaCert: 'system', sslNegotiation: 'direct' },
    password: 'pscale_pw_secret6',
  },
  {
    provider: 'Xata (branch in the database name)',
    text: 'postgresql://abc123:xau_secret7@us-east-1.sql.xata.sh/mydb:main?sslmode=require',
    fields: { Host: 'us-east-1.sql.xata.sh', Database: 'mydb:main' },
    config: { sslMode: 'require' },
    password: 'xau_secret7',
  },
  {
    provider: 'Prisma Postgres',
    text: 'postgres://a1b2c3d4e5:sk_secret8@db.prisma.io:5432/postgres?sslmode=require',
    fields: { Host: 'db.prisma.io', User: 'a1b2c3d4e5' },
    config: { sslMode: 'require' },
    password: 'sk_secret8',
  },
];

describe('hosted providers’ connection strings fill the form', () => {
  it.each(cases)('$provider', async (c) => {
    const { transport } = renderForm();
    importString(c.text);
    expect(screen.getByRole('status').textContent).toContain('Imported');
    for (const [label, value] of Object.entries(c.fields)) {
      expect(field(label).value, label).toBe(value);
    }
    if (c.command) {
      fireEvent.change(field('Password from'), { target: { value: 'command' } });
      fireEvent.change(field('Password command'), { target: { value: c.command } });
    }
    const saved = await save(transport);
    expect(saved.config).toMatchObject(c.config);
    if (c.argv) expect(saved.config.passwordCommand?.argv).toEqual(c.argv);
    expect(saved.password).toBe(c.password);
    expect(saved.sslPassword).toBe(c.sslPassword);
    // The secrets go as save_connection's own arguments (the keyring), never in the config.
    const text = JSON.stringify(saved.config);
    for (const secret of [c.password, c.sslPassword].filter(Boolean)) {
      expect(text).not.toContain(secret);
    }
  });

  it("reads a driver's ssl=true as sslmode=require, not as nothing", () => {
    renderForm();
    importString('postgres://u:p@h.example/db?ssl=true');
    expect(field('SSL mode').value).toBe('require');
    expect(screen.getByRole('status').textContent).toContain('left out ssl');
  });

  it('says which ORM parameters it left out', () => {
    renderForm();
    importString('postgresql://u:p@h.example:6543/db?pgbouncer=true&connection_limit=1');
    expect(screen.getByRole('status').textContent).toContain(
      'left out pgbouncer, connection_limit',
    );
  });
});
