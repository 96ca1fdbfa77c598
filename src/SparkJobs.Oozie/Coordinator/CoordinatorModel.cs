using SparkJobs.Oozie.Model;

namespace SparkJobs.Oozie.Coordinator;

/// <summary>A parsed coordinator.xml; attribute values are kept as written (they may hold EL).</summary>
internal sealed record CoordinatorApp(
    string Name,
    string Version,
    string Frequency,
    string Start,
    string End,
    string TimeZone,
    CoordinatorControls Controls,
    IReadOnlyList<string> Includes,
    IReadOnlyList<DatasetDefinition> Datasets,
    IReadOnlyList<DataInEvent> Inputs,
    InputLogicNode? InputLogic,
    IReadOnlyList<DataOutEvent> Outputs,
    CoordinatorWorkflow Workflow,
    IReadOnlyList<WorkflowParameter> Parameters,
    SourceLocation Location,
    IReadOnlyDictionary<string, SourceLocation> AttributeLocations);

/// <summary>The controls block: timeout, concurrency, execution and throttle, as written.</summary>
internal sealed record CoordinatorControls(string? Timeout, string? Concurrency, string? Execution, string? Throttle);

/// <summary>A dataset: where instances of some data live and how often they appear.</summary>
internal sealed record DatasetDefinition(
    string Name,
    string Frequency,
    string InitialInstance,
    string TimeZone,
    string UriTemplate,
    string? DoneFlag,
    SourceLocation Location);

/// <summary>An input event: the dataset instances an action needs.</summary>
internal sealed record DataInEvent(
    string Name,
    string Dataset,
    IReadOnlyList<string> Instances,
    string? StartInstance,
    string? EndInstance,
    SourceLocation Location);

/// <summary>An output event: the dataset instance an action produces.</summary>
internal sealed record DataOutEvent(
    string Name, string Dataset, string Instance, bool NoCleanup, SourceLocation Location);

/// <summary>One node of input-logic (coordinator 0.5): and, or, combine, or a data-in reference.</summary>
internal sealed record InputLogicNode(
    string Kind,
    string? Name,
    int? Min,
    int? Wait,
    string? DataIn,
    IReadOnlyList<InputLogicNode> Children,
    SourceLocation Location);

/// <summary>The workflow an action runs and the configuration it passes.</summary>
internal sealed record CoordinatorWorkflow(
    string AppPath,
    IReadOnlyList<KeyValuePair<string, string>> Configuration,
    SourceLocation Location);

/// <summary>A parsed bundle.xml.</summary>
internal sealed record BundleApp(
    string Name,
    string Version,
    string? KickOffTime,
    IReadOnlyList<BundleCoordinator> Coordinators,
    IReadOnlyList<WorkflowParameter> Parameters,
    SourceLocation Location);

/// <summary>One coordinator of a bundle.</summary>
internal sealed record BundleCoordinator(
    string Name,
    string AppPath,
    IReadOnlyList<KeyValuePair<string, string>> Configuration,
    bool Critical,
    bool Enabled,
    SourceLocation Location);
