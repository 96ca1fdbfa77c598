using System.Globalization;
using System.Text.RegularExpressions;
using SparkJobs.Oozie.El;

namespace SparkJobs.Oozie.Coordinator;

/// <summary>Turns a coordinator definition into actions: nominal times and the dataset instances each needs.</summary>
internal sealed partial class Materializer(CoordinatorDefinition definition, TimeProvider time)
{
    public CoordinatorDefinition Definition => definition;

    /// <summary>Gets the nominal time of the action after a given one (action 1 when previous is null).</summary>
    public DateTimeOffset? NextNominalTime(int previousNumber, DateTimeOffset? previous)
    {
        var f = definition.Frequency;
        var next = f.Unit == FrequencyUnit.Cron
            ? previous is null ? definition.Start : f.Cron!.Next(previous.Value, definition.Zone)
            : f.Nth(definition.Start, previousNumber, definition.Zone);
        return next is { } t && t < definition.End ? t : null;
    }

    /// <summary>Lists every action from start to end (end exclusive), as a dry run shows them.</summary>
    public IEnumerable<MaterializedAction> All(DateTimeOffset? until = null)
    {
        DateTimeOffset? nominal = null;
        for (var n = 1; ; n++)
        {
            nominal = NextNominalTime(n - 1, nominal);
            if (nominal is null || (until is { } u && nominal >= u))
            {
                yield break;
            }

            yield return Materialize(n, nominal.Value, time.GetUtcNow());
        }
    }

    /// <summary>Resolves one action's data-in instances and data-out URIs at materialization.</summary>
    public MaterializedAction Materialize(int number, DateTimeOffset nominal, DateTimeOffset actual)
    {
        // One context serves every action: building its function table per action cost more than the evaluation.
        var el = _materializeContext ??= NewContext(CoordElPhase.Materialization, number, nominal, actual);
        (el.NominalTime, el.ActualTime, el.Dataset, el.RoundUp, el.LastUnit) = (nominal, actual, null, false, null);
        var inputs = new List<DataInInstances>();
        foreach (var input in definition.App.Inputs)
        {
            var ds = definition.Datasets[input.Dataset];
            el.Dataset = ds;
            if (input.StartInstance is not null && input.EndInstance is not null)
            {
                el.RoundUp = true;
                var start = Evaluate(input.StartInstance, el, input.Name);
                el.RoundUp = false;
                var end = Evaluate(input.EndInstance, el, input.Name);
                if (IsDeferred(start) || IsDeferred(end))
                {
                    inputs.Add(new DataInInstances(input.Name, ds.Name, [start, end], true));
                    continue;
                }

                inputs.Add(new DataInInstances(input.Name, ds.Name, Range(ds, start, end), false));
            }
            else
            {
                var list = input.Instances.Select(i => Evaluate(i, el, input.Name)).Where(v => v.Length > 0).ToList();
                inputs.Add(new DataInInstances(input.Name, ds.Name, list, false));
            }
        }

        var outputs = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        foreach (var output in definition.App.Outputs)
        {
            var ds = definition.Datasets[output.Dataset];
            el.Dataset = ds;
            var instance = Evaluate(output.Instance, el, output.Name);
            outputs.Add(new(output.Name, instance.Length == 0 ? [] : [Uri(ds, Parse(instance, output.Name))]));
        }

        return new MaterializedAction(number, nominal, inputs, outputs);
    }

    /// <summary>Gets the URIs of a data-in's instances; echoed latest/future stay as written until resolved.</summary>
    public IReadOnlyList<string> Uris(DataInInstances input)
    {
        var ds = definition.Datasets[input.Dataset];
        return input.IsRange || input.Instances.Any(IsDeferred)
            ? input.Instances
            : [.. input.Instances.Select(i => Uri(ds, Parse(i, input.Name)))];
    }

    /// <summary>Fills a uri-template for one instance; YEAR to MINUTE are zero-padded UTC values.</summary>
    public string Uri(ResolvedDataset ds, DateTimeOffset instance)
    {
        var t = instance.ToUniversalTime();
        var el = TemplateContext;
        el.SetVariable("YEAR", t.Year.ToString("0000", CultureInfo.InvariantCulture));
        el.SetVariable("MONTH", t.Month.ToString("00", CultureInfo.InvariantCulture));
        el.SetVariable("DAY", t.Day.ToString("00", CultureInfo.InvariantCulture));
        el.SetVariable("HOUR", t.Hour.ToString("00", CultureInfo.InvariantCulture));
        el.SetVariable("MINUTE", t.Minute.ToString("00", CultureInfo.InvariantCulture));
        try
        {
            return ElEvaluator.EvaluateText(ds.UriTemplate, el);
        }
        catch (ElException e)
        {
            throw new OozieException("E1004",
                $"Dataset '{ds.Name}': the uri-template [{ds.UriTemplate}] could not be resolved: {e.Message}; " +
                "it may use ${YEAR} ${MONTH} ${DAY} ${HOUR} ${MINUTE} and job properties.");
        }
    }

    private CoordElContext? _templateContext;

    private CoordElContext? _materializeContext;

    private CoordElContext TemplateContext =>
        _templateContext ??= NewContext(CoordElPhase.Materialization, 0, definition.Start, definition.Start);

    /// <summary>Creates an EL context for an action in a phase.</summary>
    public CoordElContext NewContext(CoordElPhase phase, int number, DateTimeOffset nominal, DateTimeOffset actual) =>
        new(phase, definition.Configuration, time)
        {
            Name = definition.Name,
            User = definition.User,
            JobZone = definition.Zone,
            NominalTime = nominal,
            ActualTime = actual,
        };

    /// <summary>Gets whether an instance is an echoed latest/future call, resolved when the action starts.</summary>
    public static bool IsDeferred(string instance) => DeferredPattern().IsMatch(instance);

    /// <summary>Splits an echoed latest/future call into its function, n and (for future) limit.</summary>
    public static (string Function, int N, int Limit) ParseDeferred(string instance)
    {
        var m = DeferredPattern().Match(instance);
        return (m.Groups[1].Value, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            m.Groups[3].Success ? int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0);
    }

    /// <summary>Lists instances between two times inclusive, newest first as Oozie does.</summary>
    public static List<string> Range(ResolvedDataset ds, string start, string end)
    {
        if (end.Length == 0)
        {
            return [];
        }

        var from = start.Length == 0 ? ds.InitialInstance : Parse(start, ds.Name);
        var to = Parse(end, ds.Name);
        var k0 = Math.Max(0, ds.Frequency.IndexAtOrBefore(ds.InitialInstance, from, ds.Zone));
        if (ds.Frequency.Nth(ds.InitialInstance, k0, ds.Zone) < from)
        {
            k0++;
        }

        var k1 = ds.Frequency.IndexAtOrBefore(ds.InitialInstance, to, ds.Zone);
        var list = new List<string>();
        for (var k = k1; k >= k0; k--)
        {
            list.Add(OozieTime.Format(ds.Frequency.Nth(ds.InitialInstance, k, ds.Zone)));
        }

        return list;
    }

    private static DateTimeOffset Parse(string instance, string name) =>
        OozieTime.TryParse(instance, out var t)
            ? t
            : throw new OozieException("E1004", $"The instance of '{name}' evaluated to [{instance}], which is not " +
                "a datetime; use coord:current(n), coord:offset(n, unit), coord:latest(n) or a fixed datetime.");

    private static string Evaluate(string text, CoordElContext el, string name)
    {
        try
        {
            return ElEvaluator.EvaluateText(text, el).Trim();
        }
        catch (ElException e)
        {
            throw new OozieException("E1004", $"The instance [{text}] of '{name}' could not be evaluated: {e.Message}");
        }
    }

    [GeneratedRegex(@"^\$\{coord:(latest|future|latestRange|futureRange)\((-?\d+)(?:, (\d+))?\)\}$")]
    private static partial Regex DeferredPattern();
}
