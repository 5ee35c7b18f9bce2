import { describe, expect, it } from 'vitest';
import { planScript } from '../plan.ts';

const plan = (sql: string, readonly = false) => planScript(sql, readonly);

describe('splitting with the real parser', () => {
  it('maps UTF-8 byte offsets to JavaScript offsets, past accents and emoji', async () => {
    const sql = "select 'é🐘';  /* ü */ select 2;\n\n  -- 🐘 note\ninsert into t values ('ß')";
    const { statements } = await plan(sql);
    expect(statements.map((s) => [s.sql, s.line, s.command])).toEqual([
      ["select 'é🐘'", 1, 'SELECT'],
      ['select 2', 1, 'SELECT'],
      ["insert into t values ('ß')", 4, 'INSERT'],
    ]);
    for (const s of statements) expect(sql.slice(s.start, s.end)).toBe(s.sql);
  });

  it('keeps a semicolon inside a string, a dollar-quoted body and a comment in its statement', async () => {
    const sql = "select ';' as a; do $$ begin perform 1; end $$; select 1 /* ; */";
    const { statements } = await plan(sql);
    expect(statements.map((s) => s.command)).toEqual(['SELECT', 'DO', 'SELECT']);
    expect(statements[1]?.sql).toBe('do $$ begin perform 1; end $$');
  });

  it('reports a syntax error with its position in JavaScript characters of the script', async () => {
    const sql = "select '🐘';\nselect from where";
    const result = await plan(sql);
    expect(result.statements).toEqual([]);
    expect(result.error).toMatchObject({ kind: 'QueryFailed', code: '42601' });
    expect(result.error?.position).toBe(sql.indexOf('where') + 1);
  });

  it('turns psql meta-commands into refused statements naming their line', async () => {
    const sql = 'SET x.y = 1;\n\\connect template1\nselect 1;\n  \\i other.sql\n';
    const { statements, error } = await plan(sql);
    expect(error).toBeUndefined();
    expect(statements.map((s) => [s.index, s.line, s.command, s.refusal?.slice(0, 35)])).toEqual([
      [0, 1, 'SET', undefined],
      [1, 2, '\\connect', 'Line 2 is the psql meta-command \\co'],
      [2, 3, 'SELECT', undefined],
      [3, 4, '\\i', 'Line 4 is the psql meta-command \\i,'],
    ]);
  });

  it('a meta-command after a last statement without a semicolon stays out of it', async () => {
    const { statements } = await plan('select 1\n\\connect other\n');
    expect(statements.map((s) => [s.sql, s.command])).toEqual([
      ['select 1', 'SELECT'],
      ['\\connect other', '\\connect'],
    ]);
  });

  it('with meta-commands and a syntax error, the error shown is the SQL one', async () => {
    const sql = '\\connect db\nselect 1;\nselect from where;';
    expect((await plan(sql)).error?.position).toBe(sql.indexOf('where') + 1);
  });

  it('an empty or comment-only text has no statements', async () => {
    expect((await plan('  \n')).statements).toEqual([]);
    expect((await plan('-- nothing')).statements).toEqual([]);
  });
});

describe('classification', () => {
  it('names command tags and says what changes data or schema', async () => {
    const { statements } = await plan(
      [
        'select 1',
        'with d as (delete from t where x = 1 returning *) select * from d',
        'explain analyze update t set x = 1 where x = 2',
        'explain select * from t',
        'copy t from stdin',
        'copy t to stdout',
        'call p()',
        'truncate t',
        'create table u (x int)',
        'alter table u add y int',
        'drop table u',
        'grant select on t to public',
        'merge into t using s on t.x = s.x when matched then delete',
        'begin',
        'set search_path = public',
        'vacuum t',
      ].join(';\n'),
    );
    expect(statements.map((s) => [s.command, s.changes])).toEqual([
      ['SELECT', false],
      ['SELECT', true],
      ['EXPLAIN', true],
      ['EXPLAIN', false],
      ['COPY', true],
      ['COPY', false],
      ['CALL', true],
      ['TRUNCATE TABLE', true],
      ['CREATE TABLE', true],
      ['ALTER TABLE', true],
      ['DROP TABLE', true],
      ['GRANT', true],
      ['MERGE', true],
      ['BEGIN', false],
      ['SET', false],
      ['VACUUM', false],
    ]);
  });

  it('flags UPDATE and DELETE without WHERE, also inside a CTE', async () => {
    const { statements } = await plan(
      'update t set x = 1; update t set x = 1 where x = 2; delete from t; delete from t where true; with d as (delete from t) select 1',
    );
    expect(statements.map((s) => s.unfiltered)).toEqual([true, false, true, false, true]);
  });
});

describe('read-only refusals', () => {
  const refused = [
    "select dblink_exec('dbname=x', 'insert into t values (1)')",
    "select * from dblink('dbname=x', 'select 1') as r(x int)",
    "copy t to program 'cat'",
    "copy (select 1) to '/tmp/out'",
    'lock t in row exclusive mode',
    'lock t',
    'begin read write',
    'set transaction read write',
    'set session characteristics as transaction read write',
    'set default_transaction_read_only = off',
    "select set_config('transaction_read_only', 'off', true)",
    "do $$ begin perform dblink_exec('x', 'y'); end $$",
    'select pg_terminate_backend(1)',
  ];
  const allowed = [
    'select * from t',
    'copy t to stdout',
    'lock t in access share mode',
    'begin read only',
    'begin',
    'set default_transaction_read_only = on',
    "select set_config('search_path', 'public', false)",
  ];

  it('refuses on a read-only connection what a read-only transaction still lets through', async () => {
    const { statements } = await plan(refused.join(';\n'), true);
    expect(statements.map((s) => [s.sql, typeof s.refusal])).toEqual(
      refused.map((sql) => [sql, 'string']),
    );
    expect(statements[4]?.refusal).toMatch(/ROW EXCLUSIVE/);
    expect(statements[5]?.refusal).toMatch(/ACCESS EXCLUSIVE/);
  });

  it('allows reads and harmless statements, and refuses nothing on a read-write connection', async () => {
    const readOnly = await plan(allowed.join(';\n'), true);
    expect(readOnly.statements.map((s) => s.refusal)).toEqual(allowed.map(() => undefined));
    const readWrite = await plan(refused.join(';\n'), false);
    expect(readWrite.statements.map((s) => s.refusal)).toEqual(refused.map(() => undefined));
  });
});
