namespace SparkJobs.Oozie.Model;

/// <summary>A parsed workflow application: the contents of one workflow.xml.</summary>
/// <param name="Name">The <c>workflow-app@name</c> text; may contain EL.</param>
/// <param name="SchemaVersion">The workflow schema version, for example <c>1.0</c>.</param>
/// <param name="Nodes">Every node in document order, the start node first.</param>
/// <param name="Parameters">The <c>parameters</c> section.</param>
/// <param name="Global">The <c>global</c> section, if present.</param>
/// <param name="Location">Where the root element is.</param>
public sealed record WorkflowApp(
    string Name,
    string SchemaVersion,
    IReadOnlyList<WorkflowNode> Nodes,
    IReadOnlyList<WorkflowParameter> Parameters,
    GlobalSection? Global,
    SourceLocation Location)
{
    /// <summary>The name Oozie gives the start node.</summary>
    public const string StartNodeName = ":start:";

    /// <summary>Gets the <c>credentials</c> section: what actions may name in their <c>cred</c> attribute.</summary>
    public IReadOnlyList<CredentialDefinition> CredentialDefinitions { get; init; } = [];

    /// <summary>Gets the workflow job's <c>sla:info</c>, if it has one.</summary>
    public SlaInfo? Sla { get; init; }

    /// <summary>Finds a node by name.</summary>
    /// <param name="name">The node name.</param>
    /// <returns>The node, or <see langword="null"/> when none has that name.</returns>
    public WorkflowNode? Find(string name) => Nodes.FirstOrDefault(n => n.Name == name);
}

/// <summary>One <c>parameters/property</c>: a required property with an optional default.</summary>
/// <param name="Name">The property name.</param>
/// <param name="DefaultValue">The default, or <see langword="null"/> when the property is required.</param>
/// <param name="Location">Where it is declared.</param>
public sealed record WorkflowParameter(string Name, string? DefaultValue, SourceLocation Location);

/// <summary>The <c>global</c> section, applied to every action.</summary>
/// <param name="JobTracker">The job-tracker or resource-manager.</param>
/// <param name="NameNode">The name-node.</param>
/// <param name="Configuration">The global configuration properties.</param>
public sealed record GlobalSection(string? JobTracker, string? NameNode, IReadOnlyList<ConfigProperty> Configuration);

/// <summary>One <c>credentials/credential</c>: how an action obtains a token for a secured service.</summary>
/// <param name="Name">The name actions use in <c>cred</c>.</param>
/// <param name="Type">The credential type, for example <c>hcat</c>, <c>hive2</c> or <c>hbase</c>.</param>
/// <param name="Properties">The credential's properties.</param>
/// <param name="Location">Where it is declared.</param>
public sealed record CredentialDefinition(
    string Name, string Type, IReadOnlyList<ConfigProperty> Properties, SourceLocation Location);

/// <summary>
/// An <c>sla:info</c> element of a workflow or an action. The values are the raw text (they may contain EL);
/// durations are minutes once evaluated, with <c>MINUTES</c>, <c>HOURS</c> and <c>DAYS</c> as units.
/// </summary>
/// <param name="SchemaVersion">The SLA schema version, <c>0.1</c> or <c>0.2</c>.</param>
/// <param name="NominalTime">The time the SLA is measured from, an Oozie datetime.</param>
/// <param name="ShouldStart">Minutes after the nominal time by which the job should start; optional.</param>
/// <param name="ShouldEnd">Minutes after the nominal time by which the job should end.</param>
/// <param name="MaxDuration">The longest the job should run, in minutes; optional.</param>
/// <param name="AlertEvents">Which misses are mailed: a comma list of start_miss, end_miss, duration_miss.</param>
/// <param name="AlertContact">The addresses alerts go to, comma-separated.</param>
/// <param name="NotificationMessage">Text included in every alert.</param>
/// <param name="UpstreamApps">The applications this one depends on, for the alert text.</param>
/// <param name="Location">Where the element is.</param>
public sealed record SlaInfo(
    string SchemaVersion,
    string NominalTime,
    string? ShouldStart,
    string ShouldEnd,
    string? MaxDuration,
    string? AlertEvents,
    string? AlertContact,
    string? NotificationMessage,
    string? UpstreamApps,
    SourceLocation Location);

/// <summary>One <c>configuration/property</c> of an action or the global section.</summary>
/// <param name="Name">The property name.</param>
/// <param name="Value">The property value; may contain EL.</param>
public sealed record ConfigProperty(string Name, string Value);

/// <summary>How a transition leaves a node.</summary>
public enum TransitionKind
{
    /// <summary>The start node's <c>to</c>, a join's <c>to</c> or a decision case.</summary>
    Next,

    /// <summary>An action's <c>ok</c>.</summary>
    Ok,

    /// <summary>An action's <c>error</c>.</summary>
    Error,

    /// <summary>A fork path.</summary>
    Fork,
}

/// <summary>An edge of the workflow graph.</summary>
/// <param name="To">The target node's name.</param>
/// <param name="Kind">Which kind of edge it is.</param>
/// <param name="Location">Where the edge is written.</param>
public sealed record Transition(string To, TransitionKind Kind, SourceLocation Location);

/// <summary>A node of the workflow graph.</summary>
/// <param name="Name">The node name.</param>
/// <param name="Location">Where the node's element is.</param>
public abstract record WorkflowNode(string Name, SourceLocation Location)
{
    /// <summary>Gets the type Oozie shows in a job's action list, for example <c>:START:</c> or <c>shell</c>.</summary>
    public abstract string TypeName { get; }

    /// <summary>Gets the transitions leaving this node.</summary>
    public abstract IReadOnlyList<Transition> Transitions { get; }
}

/// <summary>The <c>start</c> node.</summary>
/// <param name="To">The first node to run.</param>
/// <param name="Location">Where it is.</param>
public sealed record StartNode(string To, SourceLocation Location) : WorkflowNode(WorkflowApp.StartNodeName, Location)
{
    /// <inheritdoc />
    public override string TypeName => ":START:";

    /// <inheritdoc />
    public override IReadOnlyList<Transition> Transitions => [new(To, TransitionKind.Next, Location)];
}

/// <summary>The <c>end</c> node: reaching it makes the job SUCCEEDED.</summary>
/// <param name="Name">The node name.</param>
/// <param name="Location">Where it is.</param>
public sealed record EndNode(string Name, SourceLocation Location) : WorkflowNode(Name, Location)
{
    /// <inheritdoc />
    public override string TypeName => ":END:";

    /// <inheritdoc />
    public override IReadOnlyList<Transition> Transitions => [];
}

/// <summary>A <c>kill</c> node: reaching it makes the job KILLED with the message.</summary>
/// <param name="Name">The node name.</param>
/// <param name="Message">The message, EL-evaluated when the node is reached.</param>
/// <param name="Location">Where it is.</param>
public sealed record KillNode(string Name, string Message, SourceLocation Location) : WorkflowNode(Name, Location)
{
    /// <inheritdoc />
    public override string TypeName => ":KILL:";

    /// <inheritdoc />
    public override IReadOnlyList<Transition> Transitions => [];
}

/// <summary>One <c>switch/case</c>: a predicate and where to go when it is true.</summary>
/// <param name="Predicate">The EL predicate text.</param>
/// <param name="To">The target node.</param>
/// <param name="Location">Where the case is.</param>
public sealed record DecisionCase(string Predicate, string To, SourceLocation Location);

/// <summary>A <c>decision</c> node: the first true case wins, otherwise the default.</summary>
/// <param name="Name">The node name.</param>
/// <param name="Cases">The cases in document order.</param>
/// <param name="DefaultTo">The default target.</param>
/// <param name="Location">Where it is.</param>
public sealed record DecisionNode(
    string Name, IReadOnlyList<DecisionCase> Cases, string DefaultTo, SourceLocation Location)
    : WorkflowNode(Name, Location)
{
    /// <inheritdoc />
    public override string TypeName => "switch";

    /// <inheritdoc />
    public override IReadOnlyList<Transition> Transitions =>
        [.. Cases.Select(c => new Transition(c.To, TransitionKind.Next, c.Location)),
            new(DefaultTo, TransitionKind.Next, Location)];
}

/// <summary>A <c>fork</c> node: all paths run in parallel.</summary>
/// <param name="Name">The node name.</param>
/// <param name="Paths">The start node of each path.</param>
/// <param name="Location">Where it is.</param>
public sealed record ForkNode(string Name, IReadOnlyList<string> Paths, SourceLocation Location)
    : WorkflowNode(Name, Location)
{
    /// <inheritdoc />
    public override string TypeName => ":FORK:";

    /// <inheritdoc />
    public override IReadOnlyList<Transition> Transitions =>
        [.. Paths.Select(p => new Transition(p, TransitionKind.Fork, Location))];
}

/// <summary>A <c>join</c> node: waits for every path of its fork.</summary>
/// <param name="Name">The node name.</param>
/// <param name="To">Where to go once all paths arrived.</param>
/// <param name="Location">Where it is.</param>
public sealed record JoinNode(string Name, string To, SourceLocation Location) : WorkflowNode(Name, Location)
{
    /// <inheritdoc />
    public override string TypeName => ":JOIN:";

    /// <inheritdoc />
    public override IReadOnlyList<Transition> Transitions => [new(To, TransitionKind.Next, Location)];
}

/// <summary>How an action is retried when it fails with a retryable error code.</summary>
/// <param name="Max">The number of retries, capped at 3.</param>
/// <param name="IntervalMinutes">Minutes between retries.</param>
/// <param name="Exponential">Whether the wait doubles each time.</param>
public sealed record RetryPolicy(int Max, int IntervalMinutes, bool Exponential)
{
    /// <summary>Gets the policy of an action without retry attributes.</summary>
    public static RetryPolicy None { get; } = new(0, 10, false);
}

/// <summary>An <c>action</c> node.</summary>
/// <param name="Name">The node name.</param>
/// <param name="Body">The typed action element.</param>
/// <param name="OkTo">The <c>ok@to</c> target.</param>
/// <param name="ErrorTo">The <c>error@to</c> target.</param>
/// <param name="Retry">The retry attributes.</param>
/// <param name="Credentials">The <c>cred</c> names.</param>
/// <param name="Location">Where it is.</param>
public sealed record ActionNode(
    string Name,
    ActionBody Body,
    string OkTo,
    string ErrorTo,
    RetryPolicy Retry,
    IReadOnlyList<string> Credentials,
    SourceLocation Location) : WorkflowNode(Name, Location)
{
    /// <inheritdoc />
    public override string TypeName => Body.TypeName;

    /// <summary>Gets the location of the <c>ok</c> element.</summary>
    public SourceLocation? OkLocation { get; init; }

    /// <summary>Gets the action's <c>sla:info</c>, if it has one.</summary>
    public SlaInfo? Sla { get; init; }

    /// <summary>Gets the location of the <c>error</c> element.</summary>
    public SourceLocation? ErrorLocation { get; init; }

    /// <inheritdoc />
    public override IReadOnlyList<Transition> Transitions =>
        [
            new(OkTo, TransitionKind.Ok, OkLocation ?? Location),
            new(ErrorTo, TransitionKind.Error, ErrorLocation ?? Location),
        ];
}
