namespace SparkJobs.Oozie.Model;

/// <summary>The typed content of an action element; each action type is its own record.</summary>
/// <param name="Location">Where the action-type element is.</param>
public abstract record ActionBody(SourceLocation Location)
{
    /// <summary>Gets Oozie's name for the action type, for example <c>shell</c>.</summary>
    public abstract string TypeName { get; }

    /// <summary>Gets a value indicating whether oozie-lite can run this action locally.</summary>
    public virtual bool RunsLocally => true;
}

/// <summary>A <c>shell</c> action (<c>uri:oozie:shell-action:0.1</c> to <c>1.0</c>).</summary>
/// <param name="Location">Where it is.</param>
public sealed record ShellAction(SourceLocation Location) : ActionBody(Location)
{
    /// <inheritdoc />
    public override string TypeName => "shell";

    /// <summary>Gets the job-tracker or resource-manager.</summary>
    public string? JobTracker { get; init; }

    /// <summary>Gets the name-node.</summary>
    public string? NameNode { get; init; }

    /// <summary>Gets the action configuration.</summary>
    public IReadOnlyList<ConfigProperty> Configuration { get; init; } = [];

    /// <summary>Gets the program to run.</summary>
    public string Exec { get; init; } = string.Empty;

    /// <summary>Gets the arguments, one list element per <c>argument</c>.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Gets the <c>env-var</c> entries, each <c>NAME=VALUE</c>.</summary>
    public IReadOnlyList<string> EnvironmentVariables { get; init; } = [];

    /// <summary>Gets the files to localise, each optionally with <c>#link</c>.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Gets the archives to localise and unpack, each optionally with <c>#link</c>.</summary>
    public IReadOnlyList<string> Archives { get; init; } = [];

    /// <summary>Gets a value indicating whether stdout is captured as Java properties into action data.</summary>
    public bool CaptureOutput { get; init; }
}

/// <summary>An <c>fs</c> action: file-system operations run in document order.</summary>
/// <param name="Operations">The operations.</param>
/// <param name="Location">Where it is.</param>
public sealed record FsAction(IReadOnlyList<FsOperation> Operations, SourceLocation Location) : ActionBody(Location)
{
    /// <inheritdoc />
    public override string TypeName => "fs";

    /// <summary>Gets the name-node that relative paths would be resolved against.</summary>
    public string? NameNode { get; init; }
}

/// <summary>One operation of an <c>fs</c> action.</summary>
/// <param name="Location">Where it is.</param>
public abstract record FsOperation(SourceLocation Location);

/// <summary>Creates a directory and its parents.</summary>
/// <param name="Path">The directory.</param>
/// <param name="Location">Where it is.</param>
public sealed record FsMkdir(string Path, SourceLocation Location) : FsOperation(Location);

/// <summary>Deletes a path recursively; a missing path is not an error.</summary>
/// <param name="Path">The path.</param>
/// <param name="Location">Where it is.</param>
public sealed record FsDelete(string Path, SourceLocation Location) : FsOperation(Location);

/// <summary>Moves a path.</summary>
/// <param name="Source">The existing path.</param>
/// <param name="Target">The new path.</param>
/// <param name="Location">Where it is.</param>
public sealed record FsMove(string Source, string Target, SourceLocation Location) : FsOperation(Location);

/// <summary>Creates an empty file, or leaves an existing empty file alone.</summary>
/// <param name="Path">The file.</param>
/// <param name="Location">Where it is.</param>
public sealed record FsTouchz(string Path, SourceLocation Location) : FsOperation(Location);

/// <summary>Changes permissions.</summary>
/// <param name="Path">The path.</param>
/// <param name="Permissions">Octal (<c>755</c>) or symbolic (<c>-rwxr-xr-x</c>) permissions.</param>
/// <param name="DirFiles">Whether the files of a directory change too.</param>
/// <param name="Recursive">Whether subdirectories change too.</param>
/// <param name="Location">Where it is.</param>
public sealed record FsChmod(string Path, string Permissions, bool DirFiles, bool Recursive, SourceLocation Location)
    : FsOperation(Location);

/// <summary>An action element that has no executor; kept so the rest of the graph can still be checked.</summary>
/// <param name="ElementName">The action-type element's local name.</param>
/// <param name="Namespace">The element's namespace.</param>
/// <param name="Location">Where it is.</param>
public sealed record UnknownAction(string ElementName, string Namespace, SourceLocation Location) : ActionBody(Location)
{
    /// <inheritdoc />
    public override string TypeName => ElementName;

    /// <inheritdoc />
    public override bool RunsLocally => false;
}
