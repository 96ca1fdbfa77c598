using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SparkJobs.Oozie.Store;

namespace SparkJobs.Oozie.Coordinator;

/// <summary>Coordinator action statuses, as Oozie names them.</summary>
internal enum CoordActionStatus
{
    WAITING, READY, SUBMITTED, RUNNING, SUSPENDED, TIMEDOUT, SUCCEEDED, KILLED, FAILED, SKIPPED, IGNORED,
}

/// <summary>One stored coordinator job.</summary>
internal sealed record CoordJobRecord(
    string Id, string Name, string Status, string Definition, string File,
    IReadOnlyDictionary<string, string> Configuration, string User, DateTimeOffset Created,
    DateTimeOffset? EndOverride, DateTimeOffset? Pause, int? ConcurrencyOverride, int LastActionNumber,
    DateTimeOffset? LastNominal, bool Materialized);

/// <summary>One stored coordinator action.</summary>
internal sealed record CoordActionRecord(
    string JobId, int Number, DateTimeOffset NominalTime, DateTimeOffset Created, CoordActionStatus Status,
    string? WorkflowId, IReadOnlyList<DataInInstances> DataIn,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> DataOut,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? ResolvedIn, DateTimeOffset LastModified,
    string? ErrorCode = null, string? ErrorMessage = null, bool RerunFailed = false)
{
    /// <summary>Gets the action id, <c>&lt;coordId&gt;@&lt;n&gt;</c>.</summary>
    public string Id => $"{JobId}@{Number}";
}

/// <summary>The coordinator tables in the job store's SQLite file; kept apart from the workflow tables.</summary>
internal sealed class CoordinatorStore
{
    private readonly string _connectionString;
    private readonly TimeProvider _time;

    public CoordinatorStore(JobStore jobs, TimeProvider time)
    {
        Jobs = jobs;
        _time = time;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(jobs.Home, "store.db"), Pooling = false,
        }.ToString();
        using var c = Connect();
        Exec(c, null,
            """
            CREATE TABLE IF NOT EXISTS coord_jobs (id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL,
                definition TEXT NOT NULL, file TEXT NOT NULL, conf TEXT NOT NULL, user TEXT NOT NULL,
                created TEXT NOT NULL, end_override TEXT, pause TEXT, concurrency INTEGER,
                last_action INTEGER NOT NULL, last_nominal TEXT, materialized INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS coord_actions (job_id TEXT NOT NULL, number INTEGER NOT NULL,
                nominal TEXT NOT NULL, created TEXT NOT NULL, status TEXT NOT NULL, workflow_id TEXT,
                data_in TEXT NOT NULL, data_out TEXT NOT NULL, resolved_in TEXT, last_modified TEXT NOT NULL,
                rerun_failed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (job_id, number));
            CREATE TABLE IF NOT EXISTS bundle_jobs (id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL,
                definition TEXT NOT NULL, file TEXT NOT NULL, conf TEXT NOT NULL, user TEXT NOT NULL,
                kickoff TEXT NOT NULL, created TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS bundle_coords (bundle_id TEXT NOT NULL, name TEXT NOT NULL,
                coord_id TEXT, critical INTEGER NOT NULL, enabled INTEGER NOT NULL, PRIMARY KEY (bundle_id, name));
            """);

        // Stores written by earlier versions lack the later columns; add them in place.
        AddColumn(c, "coord_actions", "rerun_failed", "INTEGER NOT NULL DEFAULT 0");
        AddColumn(c, "coord_actions", "error_code", "TEXT");
        AddColumn(c, "coord_actions", "error_message", "TEXT");
        AddColumn(c, "bundle_jobs", "pause", "TEXT");
        AddColumn(c, "bundle_jobs", "end_time", "TEXT");
    }

    public JobStore Jobs { get; }

    public string NextId(string user)
    {
        // Coordinators share the workflow id counter, as in Oozie, and end in -C.
        var id = Jobs.NextJobId(user);
        return id[..^1] + "C";
    }

    public void Insert(CoordJobRecord job)
    {
        using var c = Connect();
        Exec(c, null,
            """
            INSERT INTO coord_jobs VALUES ($id, $name, $status, $def, $file, $conf, $user, $created, NULL, NULL, NULL,
                0, NULL, 0)
            """,
            ("$id", job.Id), ("$name", job.Name), ("$status", job.Status), ("$def", job.Definition),
            ("$file", job.File), ("$conf", JsonSerializer.Serialize(job.Configuration)), ("$user", job.User),
            ("$created", F(job.Created)));
    }

    public IReadOnlyList<CoordJobRecord> ListJobs(string? id = null)
    {
        using var c = Connect();
        using var cmd = Cmd(c, null, "SELECT * FROM coord_jobs WHERE $id IS NULL OR id = $id ORDER BY id", ("$id", id));
        using var r = cmd.ExecuteReader();
        var list = new List<CoordJobRecord>();
        while (r.Read())
        {
            list.Add(new CoordJobRecord(S(r, "id")!, S(r, "name")!, S(r, "status")!, S(r, "definition")!,
                S(r, "file")!, JsonSerializer.Deserialize<Dictionary<string, string>>(S(r, "conf")!)!, S(r, "user")!,
                T(r, "created")!.Value, T(r, "end_override"), T(r, "pause"),
                r.IsDBNull(r.GetOrdinal("concurrency")) ? null : r.GetInt32(r.GetOrdinal("concurrency")),
                r.GetInt32(r.GetOrdinal("last_action")), T(r, "last_nominal"),
                r.GetInt32(r.GetOrdinal("materialized")) != 0));
        }

        return list;
    }

    public CoordJobRecord? GetJob(string id) => ListJobs(id) is [var job, ..] ? job : null;

    /// <summary>
    /// Moves a coordinator from the status the scheduler read to the one it computed, only if nobody changed it
    /// meanwhile: a kill or suspend that lands between the scheduler's read and write is kept.
    /// </summary>
    public bool TrySetJobStatus(string id, string expected, string status)
    {
        using var c = Connect();
        return Exec(c, null, "UPDATE coord_jobs SET status = $s WHERE id = $id AND status = $expected",
            ("$s", status), ("$id", id), ("$expected", expected)) == 1;
    }

    public void SetJob(string id, string column, object? value)
    {
        using var c = Connect();
        Exec(c, null, $"UPDATE coord_jobs SET {column} = $v WHERE id = $id", ("$v", value), ("$id", id));
    }

    /// <summary>
    /// Stores action n and advances the job's counter in one transaction; a repeat of the same n changes nothing,
    /// so a scheduler killed at any point neither loses nor duplicates an action.
    /// </summary>
    public bool AddAction(MaterializedAction action, string jobId, DateTimeOffset created)
    {
        using var c = Connect();
        using var tx = c.BeginTransaction();
        var inserted = Exec(c, tx,
            """
            INSERT OR IGNORE INTO coord_actions (job_id, number, nominal, created, status, data_in, data_out,
                last_modified) VALUES ($job, $n, $nominal, $created, 'WAITING', $in, $out, $created)
            """,
            ("$job", jobId), ("$n", action.Number), ("$nominal", F(action.NominalTime)), ("$created", F(created)),
            ("$in", JsonSerializer.Serialize(action.DataIn)), ("$out", JsonSerializer.Serialize(action.DataOut)));
        Exec(c, tx,
            "UPDATE coord_jobs SET last_action = $n, last_nominal = $nominal WHERE id = $job AND last_action < $n",
            ("$job", jobId), ("$n", action.Number), ("$nominal", F(action.NominalTime)));
        tx.Commit();
        return inserted > 0;
    }

    public IReadOnlyList<CoordActionRecord> Actions(string jobId)
    {
        using var c = Connect();
        using var cmd = Cmd(c, null, "SELECT * FROM coord_actions WHERE job_id = $id ORDER BY number", ("$id", jobId));
        using var r = cmd.ExecuteReader();
        var list = new List<CoordActionRecord>();
        while (r.Read())
        {
            list.Add(new CoordActionRecord(S(r, "job_id")!, r.GetInt32(r.GetOrdinal("number")), T(r, "nominal")!.Value,
                T(r, "created")!.Value, Enum.Parse<CoordActionStatus>(S(r, "status")!), S(r, "workflow_id"),
                JsonSerializer.Deserialize<List<DataInInstances>>(S(r, "data_in")!)!,
                JsonSerializer.Deserialize<List<KeyValuePair<string, IReadOnlyList<string>>>>(S(r, "data_out")!)!,
                S(r, "resolved_in") is { } resolved
                    ? JsonSerializer.Deserialize<Dictionary<string, IReadOnlyList<string>>>(resolved) : null,
                T(r, "last_modified")!.Value, S(r, "error_code"), S(r, "error_message"),
                r.GetInt32(r.GetOrdinal("rerun_failed")) != 0));
        }

        return list;
    }

    public void SetAction(string jobId, int number, CoordActionStatus status, string? workflowId = null,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? resolvedIn = null,
        (string Code, string Message)? error = null)
    {
        using var c = Connect();
        Exec(c, null,
            """
            UPDATE coord_actions SET status = $s, workflow_id = COALESCE($wf, workflow_id),
                resolved_in = COALESCE($in, resolved_in), error_code = COALESCE($code, error_code),
                error_message = COALESCE($message, error_message), last_modified = $now
            WHERE job_id = $job AND number = $n
            """,
            ("$s", status.ToString()), ("$wf", workflowId),
            ("$in", resolvedIn is null ? null : JsonSerializer.Serialize(resolvedIn)),
            ("$code", error?.Code), ("$message", error?.Message),
            ("$now", F(_time.GetUtcNow())), ("$job", jobId), ("$n", number));
    }

    /// <summary>Puts a finished action back to WAITING for a rerun, optionally with re-resolved inputs.</summary>
    public void ResetAction(string jobId, int number, IReadOnlyList<DataInInstances>? dataIn, bool rerunFailed)
    {
        using var c = Connect();
        Exec(c, null,
            """
            UPDATE coord_actions SET status = 'WAITING', resolved_in = NULL, data_in = COALESCE($in, data_in),
                rerun_failed = $failed, error_code = NULL, error_message = NULL, created = $now, last_modified = $now
            WHERE job_id = $job AND number = $n
            """,
            ("$in", dataIn is null ? null : JsonSerializer.Serialize(dataIn)), ("$failed", rerunFailed ? 1 : 0),
            ("$now", F(_time.GetUtcNow())), ("$job", jobId), ("$n", number));
    }

    public void DeleteActionsAfter(string jobId, DateTimeOffset pause)
    {
        using var c = Connect();
        using var tx = c.BeginTransaction();
        Exec(c, tx,
            "DELETE FROM coord_actions WHERE job_id = $job AND nominal >= $p AND status IN ('WAITING', 'READY')",
            ("$job", jobId), ("$p", F(pause)));
        Exec(c, tx,
            """
            UPDATE coord_jobs
            SET last_action = (SELECT COALESCE(MAX(number), 0) FROM coord_actions WHERE job_id = $job),
                last_nominal = (SELECT MAX(nominal) FROM coord_actions WHERE job_id = $job), materialized = 0
            WHERE id = $job
            """, ("$job", jobId));
        tx.Commit();
    }

    private static void AddColumn(SqliteConnection c, string table, string column, string definition)
    {
        using var columns = Cmd(c, null, $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = $c",
            ("$c", column));
        if (Convert.ToInt64(columns.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            Exec(c, null, $"ALTER TABLE {table} ADD COLUMN {column} {definition}");
        }
    }

    internal SqliteConnection Connect()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        Exec(c, null, JobStore.StorePragmas);
        return c;
    }

    internal static int Exec(SqliteConnection c, SqliteTransaction? tx, string sql, params (string, object?)[] p)
    {
        using var cmd = Cmd(c, tx, sql, p);
        return cmd.ExecuteNonQuery();
    }

    internal static SqliteCommand Cmd(
        SqliteConnection c, SqliteTransaction? tx, string sql, params (string, object?)[] p)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in p)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return cmd;
    }

    internal static string? F(DateTimeOffset? t) => t?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    internal static string? S(SqliteDataReader r, string column) =>
        r.IsDBNull(r.GetOrdinal(column)) ? null : r.GetString(r.GetOrdinal(column));

    internal static DateTimeOffset? T(SqliteDataReader r, string column) =>
        S(r, column) is { } s
            ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : null;
}
