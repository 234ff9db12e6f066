namespace Kubiya.Server.Visibility;

/// <summary>
/// Tables of the visibility layer, next to the engine's: the custom search attributes of each
/// namespace, and an index of every run's search attribute values (one row per value, so
/// a KeywordList or a Text value has several) that queries reach through its primary key.
/// </summary>
internal static class VisibilitySchema
{
    public const string Sql = @"
CREATE TABLE IF NOT EXISTS search_attribute_defs(
  ns TEXT NOT NULL,
  name TEXT NOT NULL,
  type INTEGER NOT NULL,
  PRIMARY KEY(ns, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS search_attribute_values(
  ns TEXT NOT NULL,
  name TEXT NOT NULL,
  value NOT NULL,
  run_id TEXT NOT NULL,
  PRIMARY KEY(ns, name, value, run_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_sav_run ON search_attribute_values(ns, run_id, name);
CREATE TABLE IF NOT EXISTS visibility_meta(
  key TEXT PRIMARY KEY,
  value TEXT) WITHOUT ROWID;
";

    /// <summary>Version of the value index layout; a database without it is re-indexed at start-up.</summary>
    public const string IndexVersion = "1";
}
