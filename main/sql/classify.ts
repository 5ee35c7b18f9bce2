/**
 * What a statement is, from its parse tree (libpg-query's JSON): PostgreSQL's command tag, whether
 * it changes data or schema, whether it is an UPDATE/DELETE without WHERE, and, for a read-only
 * connection, why it is refused before it runs. The server's read-only transaction is the
 * guarantee (main/sql/read-only.ts); the refusals here cover what a read-only transaction still
 * lets through and that changes something all the same, plus a clear word for the statements
 * that try to turn read-only off (the server would refuse or undo those too, less legibly).
 */

type Node = Record<string, unknown>;

const nodeType = (stmt: Node): string => Object.keys(stmt)[0] ?? '';

const transactionTags: Record<string, string> = {
  TRANS_STMT_BEGIN: 'BEGIN',
  TRANS_STMT_START: 'START TRANSACTION',
  TRANS_STMT_COMMIT: 'COMMIT',
  TRANS_STMT_ROLLBACK: 'ROLLBACK',
  TRANS_STMT_SAVEPOINT: 'SAVEPOINT',
  TRANS_STMT_RELEASE: 'RELEASE',
  TRANS_STMT_ROLLBACK_TO: 'ROLLBACK',
  TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED',
  TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
};

const fixedTags: Record<string, string> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
  TruncateStmt: 'TRUNCATE TABLE',
  VariableShowStmt: 'SHOW',
  CreateStmt: 'CREATE TABLE',
  ViewStmt: 'CREATE VIEW',
  IndexStmt: 'CREATE INDEX',
  CopyStmt: 'COPY',
  CallStmt: 'CALL',
  DoStmt: 'DO',
  ExplainStmt: 'EXPLAIN',
  LockStmt: 'LOCK TABLE',
  CreateSchemaStmt: 'CREATE SCHEMA',
  CreatedbStmt: 'CREATE DATABASE',
  DropdbStmt: 'DROP DATABASE',
  CreateSeqStmt: 'CREATE SEQUENCE',
  AlterSeqStmt: 'ALTER SEQUENCE',
  CreateRoleStmt: 'CREATE ROLE',
  AlterRoleStmt: 'ALTER ROLE',
  DropRoleStmt: 'DROP ROLE',
  CreateExtensionStmt: 'CREATE EXTENSION',
  CreateTrigStmt: 'CREATE TRIGGER',
  CommentStmt: 'COMMENT',
  PrepareStmt: 'PREPARE',
  ExecuteStmt: 'EXECUTE',
  DeallocateStmt: 'DEALLOCATE',
  DiscardStmt: 'DISCARD',
  ListenStmt: 'LISTEN',
  UnlistenStmt: 'UNLISTEN',
  NotifyStmt: 'NOTIFY',
  ClusterStmt: 'CLUSTER',
  ReindexStmt: 'REINDEX',
  RefreshMatViewStmt: 'REFRESH MATERIALIZED VIEW',
  CheckPointStmt: 'CHECKPOINT',
  DeclareCursorStmt: 'DECLARE CURSOR',
  FetchStmt: 'FETCH',
  ClosePortalStmt: 'CLOSE CURSOR',
  GrantRoleStmt: 'GRANT ROLE',
};

const objectWords = (objtype: unknown): string =>
  typeof objtype === 'string' ? objtype.replace(/^OBJECT_/, '').replaceAll('_', ' ') : 'OBJECT';

/** PostgreSQL's command tag for a statement, as CommandComplete would name it. */
export function commandTag(stmt: Node): string {
  const type = nodeType(stmt);
  const node = (stmt[type] ?? {}) as Node;
  switch (type) {
    case 'SelectStmt':
      return node.intoClause ? 'SELECT INTO' : 'SELECT';
    case 'TransactionStmt':
      return transactionTags[String(node.kind)] ?? 'BEGIN';
    case 'VariableSetStmt':
      return String(node.kind).startsWith('VAR_RESET') ? 'RESET' : 'SET';
    case 'DropStmt':
      return `DROP ${objectWords(node.removeType)}`;
    case 'AlterTableStmt':
      return `ALTER ${objectWords(node.objtype)}`;
    case 'RenameStmt':
      return `ALTER ${objectWords(node.renameType)}`;
    case 'CreateTableAsStmt':
      return node.objtype === 'OBJECT_MATVIEW' ? 'CREATE MATERIALIZED VIEW' : 'CREATE TABLE AS';
    case 'CreateFunctionStmt':
      return node.is_procedure ? 'CREATE PROCEDURE' : 'CREATE FUNCTION';
    case 'GrantStmt':
      return node.is_grant ? 'GRANT' : 'REVOKE';
    case 'VacuumStmt':
      return node.is_vacuumcmd ? 'VACUUM' : 'ANALYZE';
    default:
      return fixedTags[type] ?? fallbackTag(type);
  }
}

/** `CreateEventTrigStmt` → `CREATE EVENT TRIG`: rare statements get a readable, if rough, tag. */
const fallbackTag = (type: string): string =>
  type
    .replace(/Stmt$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();

/** Node types that change schema or data whatever their options. */
const changing =
  /^(Insert|Update|Delete|Merge|Truncate|Call|Do|Create|Alter|Drop|Define|Rename|Comment|Grant|Reassign|SecLabel|ImportForeignSchema|Index|View|Rule|CompositeType|Reindex|Cluster|RefreshMatView)/;

const writes = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

/** A SELECT/INSERT/... whose WITH clause holds a data-modifying statement. */
function modifyingCte(node: Node): boolean {
  const ctes = ((node.withClause as Node | undefined)?.ctes ?? []) as Node[];
  return ctes.some((cte) => {
    const query = ((cte.CommonTableExpr as Node | undefined)?.ctequery ?? {}) as Node;
    return writes.has(nodeType(query)) || modifyingCte((query[nodeType(query)] ?? {}) as Node);
  });
}

const hasOption = (options: unknown, name: string): boolean =>
  Array.isArray(options) &&
  options.some((o) => (o as { DefElem?: { defname?: string } }).DefElem?.defname === name);

/** Changes data or schema (the production confirmation's question). */
export function changes(stmt: Node): boolean {
  const type = nodeType(stmt);
  const node = (stmt[type] ?? {}) as Node;
  if (changing.test(type)) return true;
  if (type === 'SelectStmt') return Boolean(node.intoClause) || modifyingCte(node);
  if (type === 'CopyStmt') return node.is_from === true;
  if (type === 'ExplainStmt') {
    return hasOption(node.options, 'analyze') && changes((node.query ?? {}) as Node);
  }
  if (type === 'PrepareStmt') return changes((node.query ?? {}) as Node);
  return false;
}

/** An UPDATE or DELETE without WHERE, at the top or in a CTE (DataGrip's and DBeaver's warning). */
export function unfiltered(stmt: Node): boolean {
  const type = nodeType(stmt);
  const node = (stmt[type] ?? {}) as Node;
  if ((type === 'UpdateStmt' || type === 'DeleteStmt') && !node.whereClause) return true;
  if (type === 'ExplainStmt')
    return hasOption(node.options, 'analyze') && unfiltered((node.query ?? {}) as Node);
  const ctes = ((node.withClause as Node | undefined)?.ctes ?? []) as Node[];
  return ctes.some((cte) =>
    unfiltered(((cte.CommonTableExpr as Node | undefined)?.ctequery ?? {}) as Node),
  );
}
