namespace SparkJobs.Oozie.Model;

/// <summary>An action type that needs a Hadoop cluster (or a server oozie-lite does not run) to execute.</summary>
/// <param name="Location">Where the action-type element is.</param>
public abstract record ClusterAction(SourceLocation Location) : ActionBody(Location)
{
    /// <inheritdoc />
    public override bool RunsLocally => false;

    /// <summary>Gets the job-tracker or resource-manager.</summary>
    public string? JobTracker { get; init; }

    /// <summary>Gets the name-node.</summary>
    public string? NameNode { get; init; }

    /// <summary>Gets the action configuration.</summary>
    public IReadOnlyList<ConfigProperty> Configuration { get; init; } = [];

    /// <summary>Gets the files to ship with the action.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Gets the archives to ship with the action.</summary>
    public IReadOnlyList<string> Archives { get; init; } = [];
}

/// <summary>A <c>map-reduce</c> action.</summary>
/// <param name="Location">Where it is.</param>
public sealed record MapReduceAction(SourceLocation Location) : ClusterAction(Location)
{
    /// <inheritdoc />
    public override string TypeName => "map-reduce";

    /// <summary>Gets whether it is a streaming job.</summary>
    public bool Streaming { get; init; }

    /// <summary>Gets whether it is a pipes job.</summary>
    public bool Pipes { get; init; }

    /// <summary>Gets the config-class.</summary>
    public string? ConfigClass { get; init; }
}

/// <summary>A <c>pig</c> action.</summary>
/// <param name="Script">The script path.</param>
/// <param name="Location">Where it is.</param>
public sealed record PigAction(string Script, SourceLocation Location) : ClusterAction(Location)
{
    /// <inheritdoc />
    public override string TypeName => "pig";

    /// <summary>Gets the param entries.</summary>
    public IReadOnlyList<string> Parameters { get; init; } = [];

    /// <summary>Gets the arguments.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}

/// <summary>A <c>hive</c> action (<c>uri:oozie:hive-action</c>).</summary>
/// <param name="Location">Where it is.</param>
public sealed record HiveAction(SourceLocation Location) : ClusterAction(Location)
{
    /// <inheritdoc />
    public override string TypeName => "hive";

    /// <summary>Gets the script path, if the query is not inline.</summary>
    public string? Script { get; init; }

    /// <summary>Gets the inline query.</summary>
    public string? Query { get; init; }

    /// <summary>Gets the param entries.</summary>
    public IReadOnlyList<string> Parameters { get; init; } = [];

    /// <summary>Gets the arguments.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}

/// <summary>A <c>hive2</c> action (<c>uri:oozie:hive2-action</c>).</summary>
/// <param name="JdbcUrl">The HiveServer2 JDBC URL.</param>
/// <param name="Location">Where it is.</param>
public sealed record Hive2Action(string JdbcUrl, SourceLocation Location) : ClusterAction(Location)
{
    /// <inheritdoc />
    public override string TypeName => "hive2";

    /// <summary>Gets the script path.</summary>
    public string? Script { get; init; }

    /// <summary>Gets the inline query.</summary>
    public string? Query { get; init; }

    /// <summary>Gets the arguments.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}

/// <summary>A <c>sqoop</c> action (<c>uri:oozie:sqoop-action</c>).</summary>
/// <param name="Location">Where it is.</param>
public sealed record SqoopAction(SourceLocation Location) : ClusterAction(Location)
{
    /// <inheritdoc />
    public override string TypeName => "sqoop";

    /// <summary>Gets the command line, when given as one <c>command</c>.</summary>
    public string? Command { get; init; }

    /// <summary>Gets the arguments, when given as <c>arg</c> elements.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}

/// <summary>A <c>java</c> action.</summary>
/// <param name="MainClass">The main class.</param>
/// <param name="Location">Where it is.</param>
public sealed record JavaAction(string MainClass, SourceLocation Location) : ClusterAction(Location)
{
    /// <inheritdoc />
    public override string TypeName => "java";

    /// <inheritdoc />
    public override bool RunsLocally => true;

    /// <summary>Gets the JVM options.</summary>
    public IReadOnlyList<string> JavaOptions { get; init; } = [];

    /// <summary>Gets the arguments.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Gets a value indicating whether System.out properties are captured.</summary>
    public bool CaptureOutput { get; init; }
}

/// <summary>A <c>spark</c> action (<c>uri:oozie:spark-action</c>).</summary>
/// <param name="Master">The Spark master.</param>
/// <param name="Name">The application name.</param>
/// <param name="Jar">The application jar or Python file.</param>
/// <param name="Location">Where it is.</param>
public sealed record SparkAction(string Master, string Name, string Jar, SourceLocation Location)
    : ClusterAction(Location)
{
    /// <inheritdoc />
    public override string TypeName => "spark";

    /// <inheritdoc />
    public override bool RunsLocally => true;

    /// <summary>Gets the deploy mode.</summary>
    public string? Mode { get; init; }

    /// <summary>Gets the main class.</summary>
    public string? Class { get; init; }

    /// <summary>Gets the spark-opts text.</summary>
    public string? SparkOptions { get; init; }

    /// <summary>Gets the arguments.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}

/// <summary>A <c>distcp</c> action (<c>uri:oozie:distcp-action</c>).</summary>
/// <param name="Location">Where it is.</param>
public sealed record DistcpAction(SourceLocation Location) : ClusterAction(Location)
{
    /// <inheritdoc />
    public override string TypeName => "distcp";

    /// <summary>Gets the arguments.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}

/// <summary>An <c>email</c> action (<c>uri:oozie:email-action</c>).</summary>
/// <param name="To">The recipients.</param>
/// <param name="Subject">The subject.</param>
/// <param name="Body">The body.</param>
/// <param name="Location">Where it is.</param>
public sealed record EmailAction(string To, string Subject, string Body, SourceLocation Location)
    : ClusterAction(Location)
{
    /// <inheritdoc />
    public override string TypeName => "email";

    /// <inheritdoc />
    public override bool RunsLocally => true;

    /// <summary>Gets the cc recipients.</summary>
    public string? Cc { get; init; }

    /// <summary>Gets the bcc recipients (0.2).</summary>
    public string? Bcc { get; init; }

    /// <summary>Gets the content type (0.2).</summary>
    public string? ContentType { get; init; }

    /// <summary>Gets the attachments (0.2).</summary>
    public string? Attachment { get; init; }
}

/// <summary>An <c>ssh</c> action (<c>uri:oozie:ssh-action</c>).</summary>
/// <param name="Host">The user@host.</param>
/// <param name="Command">The command.</param>
/// <param name="Location">Where it is.</param>
public sealed record SshAction(string Host, string Command, SourceLocation Location) : ClusterAction(Location)
{
    /// <inheritdoc />
    public override string TypeName => "ssh";

    /// <summary>Gets the arguments.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Gets a value indicating whether stdout is captured.</summary>
    public bool CaptureOutput { get; init; }
}

/// <summary>A <c>sub-workflow</c> action.</summary>
/// <param name="AppPath">The child application path.</param>
/// <param name="PropagateConfiguration">Whether the parent's configuration is passed down.</param>
/// <param name="Location">Where it is.</param>
public sealed record SubWorkflowAction(string AppPath, bool PropagateConfiguration, SourceLocation Location)
    : ClusterAction(Location)
{
    /// <inheritdoc />
    public override string TypeName => "sub-workflow";

    /// <inheritdoc />
    public override bool RunsLocally => true;
}

/// <summary>A <c>git</c> action (<c>uri:oozie:git-action:1.0</c>).</summary>
/// <param name="GitUri">The repository URI.</param>
/// <param name="DestinationUri">Where to clone it.</param>
/// <param name="Location">Where it is.</param>
public sealed record GitAction(string GitUri, string DestinationUri, SourceLocation Location)
    : ClusterAction(Location)
{
    /// <inheritdoc />
    public override string TypeName => "git";

    /// <summary>Gets the branch.</summary>
    public string? Branch { get; init; }

    /// <summary>Gets the SSH key path.</summary>
    public string? KeyPath { get; init; }
}
