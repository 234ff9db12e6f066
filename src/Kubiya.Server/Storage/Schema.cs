namespace Kubiya.Server.Storage;

/// <summary>The database schema; every statement is idempotent so opening an existing file is safe.</summary>
internal static class Schema
{
    public const string Sql = @"
CREATE TABLE IF NOT EXISTS namespaces(
  name TEXT PRIMARY KEY,
  id TEXT NOT NULL,
  data BLOB);
CREATE TABLE IF NOT EXISTS executions(
  ns TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  first_run_id TEXT,
  state BLOB NOT NULL,
  status INTEGER NOT NULL,
  workflow_type TEXT NOT NULL,
  task_queue TEXT NOT NULL,
  start_time INTEGER NOT NULL,
  execution_time INTEGER NOT NULL,
  close_time INTEGER,
  history_length INTEGER NOT NULL,
  parent_workflow_id TEXT,
  parent_run_id TEXT,
  memo BLOB,
  search_attributes BLOB,
  PRIMARY KEY(ns, run_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_exec_wid ON executions(ns, workflow_id, start_time);
CREATE INDEX IF NOT EXISTS ix_exec_status ON executions(ns, status, start_time);
CREATE INDEX IF NOT EXISTS ix_exec_start ON executions(ns, start_time);
CREATE INDEX IF NOT EXISTS ix_exec_close ON executions(ns, close_time);
CREATE INDEX IF NOT EXISTS ix_exec_type ON executions(ns, workflow_type, start_time);
CREATE INDEX IF NOT EXISTS ix_exec_queue ON executions(ns, task_queue, start_time);
CREATE TABLE IF NOT EXISTS current_executions(
  ns TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  PRIMARY KEY(ns, workflow_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS history(
  run_id TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY(run_id, event_id)) WITHOUT ROWID;
";
}
