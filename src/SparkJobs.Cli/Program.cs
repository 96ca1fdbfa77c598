using SparkJobs.Cli;
using SparkJobs.Hosting;
using SparkJobs.Oozie;

try
{
    return await new OozieCli(Console.Out, Console.Error, TimeProvider.System).RunAsync(args);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"Error: {e.Message} Run 'oozie-lite help' for every command and option.");
    return ExitCodes.UserError;
}
catch (WorkflowValidationException e)
{
    foreach (var error in e.Errors)
    {
        Console.Error.WriteLine(error);
    }

    Console.Error.WriteLine($"Error: {e.ErrorCode}: the workflow has {e.Errors.Count} problem(s); nothing was run.");
    return ExitCodes.Failure;
}
catch (OozieException e)
{
    Console.Error.WriteLine($"Error: {e.ErrorCode}: {e.Message}");
    return ExitCodes.Failure;
}
