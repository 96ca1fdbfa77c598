using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SparkJobs.Oozie.Store;

/// <summary>The SQLite job store: the single source of truth that every oozie-lite process reads.</summary>
public sealed class JobStore
{
    private const string TimeFormat = "O";
    private readonly string _connectionString;
    private readonly TimeProvider _time;

    private JobStore(string home, TimeProvider time)
    {
        Home = home;
        _time = time;
        // Pooled connections keep SQLite's parsed schema and WAL index mapped between calls. Sharing the file
        // with other processes stays safe: an idle pooled connection holds no transaction or lock, and each
        // statement starts a fresh read of the WAL, so it sees every commit another process has made.
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(home, "store.db"),
            Pooling = true,
        }.ToString();
    }

    /// <summary>Gets the store directory (store.db and jobs/).</summary>
    public string Home { get; }

    /// <summary>Gets the store's creation time as <c>yyMMddHHmmssSSS</c>, the middle part of job ids.</summary>
    public string Epoch { get; private set; } = string.Empty;

    /// <summary>Gets the default store directory: $OOZIE_LITE_HOME, else ~/.oozie-lite.</summary>
    /// <returns>The directory path.</returns>
    public static string DefaultHome()
    {
        var env = Environment.GetEnvironmentVariable("OOZIE_LITE_HOME");
        return string.IsNullOrWhiteSpace(env)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".oozie-lite")
            : Path.GetFullPath(env);
    }

    /// <summary>Opens the store, creating it when needed.</summary>
    /// <param name="home">The store directory.</param>
    /// <param name="time">The clock.</param>
    /// <returns>The open store.</returns>
    public static JobStore Open(string home, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(time);
        Directory.CreateDirectory(home);
        var store = new JobStore(Path.GetFullPath(home), time);
        store.Initialize();
        return store;
    }

    /// <summary>Gets the directory for one job's working directories and logs.</summary>
    /// <param name="jobId">The job id.</param>
    /// <returns>The directory path.</returns>
    public string JobDirectory(string jobId) => Path.Combine(Home, "jobs", jobId);

    /// <summary>Allocates the next job id: <c>0000001-&lt;epoch&gt;-oozie-&lt;user&gt;-W</c>.</summary>
    /// <param name="user">The user.</param>
    /// <returns>The new id.</returns>
    public string NextJobId(string user)
    {
        using var connection = Connect();
        using var tx = connection.BeginTransaction();
        var next = Convert.ToInt64(
            Scalar(connection,
                "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'counter' RETURNING value"),
            CultureInfo.InvariantCulture);
        tx.Commit();
        return $"{next:D7}-{Epoch}-oozie-{user}-W";
    }

    /// <summary>Inserts or replaces a job.</summary>
    /// <param name="job">The job.</param>
    public void SaveJob(WorkflowJobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        Execute(
            """
            INSERT OR REPLACE INTO jobs (id, app_name, app_path, status, run, user, grp, created, started,
                last_modified, ended, conf, definition)
            VALUES ($id, $name, $path, $status, $run, $user, $grp, $created, $started, $modified, $ended, $conf, $def)
            """,
            ("$id", job.Id), ("$name", job.AppName), ("$path", job.AppPath), ("$status", job.Status.ToString()),
            ("$run", job.Run), ("$user", job.User), ("$grp", job.Group), ("$created", Format(job.Created)),
            ("$started", Format(job.Started)), ("$modified", Format(job.LastModified)), ("$ended", Format(job.Ended)),
            ("$conf", JsonSerializer.Serialize(job.Configuration)), ("$def", job.Definition));
    }

    /// <summary>Changes a job's status and stamps its times.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="status">The new status.</param>
    public void SetJobStatus(string jobId, JobStatus status)
    {
        var now = Format(_time.GetUtcNow());
        var final = status is JobStatus.SUCCEEDED or JobStatus.KILLED or JobStatus.FAILED;
        Execute(
            """
            UPDATE jobs SET status = $status, last_modified = $now,
                started = CASE WHEN $status = 'RUNNING' AND started IS NULL THEN $now ELSE started END,
                ended = CASE WHEN $final THEN $now ELSE ended END
            WHERE id = $id
            """,
            ("$status", status.ToString()), ("$now", now), ("$final", final), ("$id", jobId));
    }

    /// <summary>Changes a job's status only when it is currently one of the given ones.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="from">The statuses it may have now.</param>
    /// <param name="to">The new status.</param>
    /// <returns>Whether the status changed.</returns>
    public bool TryChangeStatus(string jobId, IReadOnlyCollection<JobStatus> from, JobStatus to)
    {
        ArgumentNullException.ThrowIfNull(from);
        var now = Format(_time.GetUtcNow());
        var allowed = string.Join(",", from.Select(s => $"'{s}'"));
        using var connection = Connect();
        using var command = Command(connection,
            $"UPDATE jobs SET status = $to, last_modified = $now, " +
            $"ended = CASE WHEN $to = 'KILLED' THEN $now ELSE ended END WHERE id = $id AND status IN ({allowed})",
            ("$to", to.ToString()), ("$now", now), ("$id", jobId));
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>Moves a PREP job to RUNNING under the given runner, in one step only one process can win.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="runner">The runner, as <c>pid:start</c>.</param>
    /// <returns>Whether the job was PREP and is now RUNNING under that runner.</returns>
    public bool TryStartRun(string jobId, string runner)
    {
        var now = Format(_time.GetUtcNow());
        using var connection = Connect();
        using var command = Command(connection,
            """
            UPDATE jobs SET status = 'RUNNING', runner = $runner, last_modified = $now,
                started = COALESCE(started, $now)
            WHERE id = $id AND status = 'PREP'
            """,
            ("$runner", runner), ("$now", now), ("$id", jobId));
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>
    /// Takes a RUNNING job over from a runner that is gone: the runner changes only if it is still the one the
    /// caller saw, so when several processes try at once exactly one wins.
    /// </summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="deadRunner">The runner the caller found dead, or null when none was recorded.</param>
    /// <param name="runner">The new runner, as <c>pid:start</c>.</param>
    /// <returns>Whether this call took the job over.</returns>
    public bool TryClaim(string jobId, string? deadRunner, string runner)
    {
        using var connection = Connect();
        using var command = Command(connection,
            "UPDATE jobs SET runner = $runner WHERE id = $id AND status = 'RUNNING' AND runner IS $dead",
            ("$runner", runner), ("$id", jobId), ("$dead", deadRunner));
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>Gives a job its final status and clears its runner, in one step.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="status">The final status.</param>
    public void FinishRun(string jobId, JobStatus status) =>
        Execute(
            "UPDATE jobs SET status = $status, last_modified = $now, ended = $now, runner = NULL WHERE id = $id",
            ("$status", status.ToString()), ("$now", Format(_time.GetUtcNow())), ("$id", jobId));

    /// <summary>Reads which process runs a job.</summary>
    /// <param name="jobId">The job id.</param>
    /// <returns>The runner as <c>pid:start</c>, or null when none is recorded.</returns>
    public string? GetRunner(string jobId)
    {
        using var connection = Connect();
        using var command = Command(connection, "SELECT runner FROM jobs WHERE id = $id", ("$id", jobId));
        return command.ExecuteScalar() as string;
    }

    /// <summary>Records which process runs a job, or clears it; a job whose runner is gone was interrupted.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="runner">The runner, as <c>pid:start-ticks</c>, or null.</param>
    public void SetRunner(string jobId, string? runner) =>
        Execute("UPDATE jobs SET runner = $runner WHERE id = $id", ("$runner", runner), ("$id", jobId));

    /// <summary>Lists RUNNING jobs with their runner, so interrupted ones can be found.</summary>
    /// <returns>Job ids and runners.</returns>
    public IReadOnlyList<(string Id, string? Runner)> RunningJobs()
    {
        using var connection = Connect();
        using var command = Command(connection, "SELECT id, runner FROM jobs WHERE status = 'RUNNING' ORDER BY id");
        using var reader = command.ExecuteReader();
        var list = new List<(string, string?)>();
        while (reader.Read())
        {
            list.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return list;
    }

    /// <summary>Reads a job.</summary>
    /// <param name="jobId">The job id.</param>
    /// <returns>The job, or null when there is none with that id.</returns>
    public WorkflowJobRecord? GetJob(string jobId) =>
        QueryJobs("SELECT * FROM jobs WHERE id = $id", ("$id", jobId)).FirstOrDefault();

    /// <summary>Lists jobs, newest first.</summary>
    /// <param name="length">How many at most.</param>
    /// <param name="statuses">Only these statuses, or all when empty.</param>
    /// <param name="names">Only these app names, or all when empty.</param>
    /// <returns>The jobs.</returns>
    public IReadOnlyList<WorkflowJobRecord> ListJobs(int length, IReadOnlyCollection<string> statuses,
        IReadOnlyCollection<string> names)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        ArgumentNullException.ThrowIfNull(names);
        return QueryJobs("SELECT * FROM jobs ORDER BY created DESC, id DESC")
            .Where(j => statuses.Count == 0 || statuses.Contains(j.Status.ToString()))
            .Where(j => names.Count == 0 || names.Contains(j.AppName))
            .Take(length)
            .ToList();
    }

    /// <summary>Inserts or replaces an action.</summary>
    /// <param name="action">The action.</param>
    public void SaveAction(WorkflowActionRecord action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Execute(
            """
            INSERT OR REPLACE INTO actions (id, job_id, name, type, status, transition, start_time, end_time,
                error_code, error_message, data, external_id, external_status, retries, log_path, process_start,
                seq)
            VALUES ($id, $job, $name, $type, $status, $transition, $start, $end, $code, $message, $data, $ext,
                $extStatus, $retries, $log, $processStart,
                COALESCE((SELECT seq FROM actions WHERE id = $id), (SELECT COUNT(*) FROM actions WHERE job_id = $job)))
            """,
            ("$id", action.Id), ("$job", action.JobId), ("$name", action.Name), ("$type", action.Type),
            ("$status", action.Status.ToString()), ("$transition", action.Transition),
            ("$start", Format(action.StartTime)), ("$end", Format(action.EndTime)), ("$code", action.ErrorCode),
            ("$message", action.ErrorMessage), ("$data", JsonSerializer.Serialize(action.Data)),
            ("$ext", action.ExternalId), ("$extStatus", action.ExternalStatus), ("$retries", action.Retries),
            ("$log", action.LogPath), ("$processStart", action.ProcessStart));
        Execute("UPDATE jobs SET last_modified = $now WHERE id = $id",
            ("$now", Format(_time.GetUtcNow())), ("$id", action.JobId));
    }

    /// <summary>Reads a job's actions in the order they were first reached.</summary>
    /// <param name="jobId">The job id.</param>
    /// <returns>The actions.</returns>
    public IReadOnlyList<WorkflowActionRecord> GetActions(string jobId)
    {
        using var connection = Connect();
        using var command = Command(
            connection, "SELECT * FROM actions WHERE job_id = $id ORDER BY seq", ("$id", jobId));
        using var reader = command.ExecuteReader();
        var list = new List<WorkflowActionRecord>();
        while (reader.Read())
        {
            list.Add(new WorkflowActionRecord(
                Text(reader, "id")!, Text(reader, "job_id")!, Text(reader, "name")!, Text(reader, "type")!,
                Enum.Parse<ActionStatus>(Text(reader, "status")!))
            {
                Transition = Text(reader, "transition"),
                StartTime = Time(reader, "start_time"),
                EndTime = Time(reader, "end_time"),
                ErrorCode = Text(reader, "error_code"),
                ErrorMessage = Text(reader, "error_message"),
                Data = JsonSerializer.Deserialize<Dictionary<string, string>>(Text(reader, "data") ?? "{}") ?? [],
                ExternalId = Text(reader, "external_id"),
                ExternalStatus = Text(reader, "external_status"),
                Retries = reader.GetInt32(reader.GetOrdinal("retries")),
                LogPath = Text(reader, "log_path"),
                ProcessStart = reader.IsDBNull(reader.GetOrdinal("process_start"))
                    ? null
                    : reader.GetInt64(reader.GetOrdinal("process_start")),
            });
        }

        return list;
    }

    /// <summary>Records that an SLA event was alerted; false when it already was (by any process).</summary>
    /// <param name="slaId">The job or action id the SLA belongs to.</param>
    /// <param name="slaEvent">The event, for example END_MISS.</param>
    /// <returns>Whether this call recorded it, so the caller is the one to send the alert.</returns>
    public bool TryRecordSlaAlert(string slaId, string slaEvent)
    {
        using var connection = Connect();
        using var command = Command(connection,
            "INSERT OR IGNORE INTO sla_alerts (sla_id, event, time) VALUES ($id, $event, $time)",
            ("$id", slaId), ("$event", slaEvent), ("$time", Format(_time.GetUtcNow())));
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>Appends a line to the job log.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="line">The line, without a time stamp.</param>
    public void AppendLog(string jobId, string line) =>
        Execute("INSERT INTO job_log (job_id, time, line) VALUES ($id, $time, $line)",
            ("$id", jobId), ("$time", Format(_time.GetUtcNow())), ("$line", line));

    /// <summary>Reads the job log, each line prefixed with its UTC time.</summary>
    /// <param name="jobId">The job id.</param>
    /// <returns>The lines in order.</returns>
    public IReadOnlyList<string> GetLog(string jobId)
    {
        using var connection = Connect();
        using var command = Command(connection, "SELECT time, line FROM job_log WHERE job_id = $id ORDER BY seq",
            ("$id", jobId));
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            var time = DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture);
            lines.Add($"{time:yyyy-MM-dd HH:mm:ss,fff} {reader.GetString(1)}");
        }

        return lines;
    }

    private void Initialize()
    {
        using var connection = Connect();
        Execute(connection, "PRAGMA journal_mode=WAL");
        Execute(connection,
            """
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, app_name TEXT NOT NULL, app_path TEXT NOT NULL,
                status TEXT NOT NULL, run INTEGER NOT NULL, user TEXT NOT NULL, grp TEXT, created TEXT NOT NULL,
                started TEXT, last_modified TEXT NOT NULL, ended TEXT, conf TEXT NOT NULL, definition TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS actions (id TEXT PRIMARY KEY, job_id TEXT NOT NULL, name TEXT NOT NULL,
                type TEXT NOT NULL, status TEXT NOT NULL, transition TEXT, start_time TEXT, end_time TEXT,
                error_code TEXT, error_message TEXT, data TEXT NOT NULL, external_id TEXT, external_status TEXT,
                retries INTEGER NOT NULL, log_path TEXT, seq INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS job_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL,
                time TEXT NOT NULL, line TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS actions_job ON actions (job_id);
            CREATE INDEX IF NOT EXISTS job_log_job ON job_log (job_id);
            CREATE TABLE IF NOT EXISTS sla_alerts (sla_id TEXT NOT NULL, event TEXT NOT NULL, time TEXT NOT NULL,
                PRIMARY KEY (sla_id, event));
            """);
        // Stores made before these columns existed gain them here.
        AddColumn(connection, "jobs", "runner", "TEXT");
        AddColumn(connection, "actions", "process_start", "INTEGER");

        var epoch = _time.GetUtcNow().ToString("yyMMddHHmmssfff", CultureInfo.InvariantCulture);
        Execute(connection,
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('epoch', $e), ('counter', '0')", ("$e", epoch));
        Epoch = (string)Scalar(connection, "SELECT value FROM meta WHERE key = 'epoch'")!;
    }

    private static void AddColumn(SqliteConnection connection, string table, string column, string type)
    {
        using var columns = Command(connection,
            $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = $column", ("$column", column));
        if (Convert.ToInt64(columns.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            Execute(connection, $"ALTER TABLE {table} ADD COLUMN {column} {type}");
        }
    }

    private List<WorkflowJobRecord> QueryJobs(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Connect();
        using var command = Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var list = new List<WorkflowJobRecord>();
        while (reader.Read())
        {
            list.Add(new WorkflowJobRecord(
                Text(reader, "id")!, Text(reader, "app_name")!, Text(reader, "app_path")!,
                Enum.Parse<JobStatus>(Text(reader, "status")!), reader.GetInt32(reader.GetOrdinal("run")),
                Text(reader, "user")!, Text(reader, "grp"), Time(reader, "created")!.Value, Time(reader, "started"),
                Time(reader, "last_modified")!.Value, Time(reader, "ended"),
                JsonSerializer.Deserialize<Dictionary<string, string>>(Text(reader, "conf")!) ?? [],
                Text(reader, "definition")!));
        }

        return list;
    }

    /// <summary>The per-connection settings every store connection uses.</summary>
    internal const string StorePragmas = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL";

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();

        // Several processes share the file: wait for a writer instead of failing with SQLITE_BUSY. A pooled
        // connection keeps the settings; setting them again on every checkout costs in-memory statements only.
        // With WAL, synchronous=NORMAL keeps every commit across a killed process (what recovery relies on)
        // and skips the fsync per commit that FULL costs; only a power loss may drop the latest commits.
        using var pragma = connection.CreateCommand();
        pragma.CommandText = StorePragmas;
        pragma.ExecuteNonQuery();
        return connection;
    }

    private void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Connect();
        Execute(connection, sql, parameters);
    }

    private static void Execute(
        SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = Command(connection, sql);
        return command.ExecuteScalar();
    }

    private static SqliteCommand Command(
        SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static string? Format(DateTimeOffset? time) =>
        time?.ToUniversalTime().ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static string? Text(SqliteDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
    }

    private static DateTimeOffset? Time(SqliteDataReader reader, string column) =>
        Text(reader, column) is { } text
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : null;
}
