using SparkJobs.Storage;

namespace SparkJobs.Oozie.Coordinator;

/// <summary>Checks an action's data dependencies by polling storage, resolving latest/future and input-logic.</summary>
internal sealed class InputChecker(CoordinatorDefinition definition, Materializer materializer, FileSystems fileSystems)
{
    /// <summary>How far back coord:latest searches, in instances.</summary>
    private const int LatestSearchLimit = 10_000;

    /// <summary>Returns the URIs per data-in when the action may run, or null while it must keep waiting.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>?> CheckAsync(CoordActionRecord action,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var available = new Dictionary<string, (List<string> All, List<string> Present)>(StringComparer.Ordinal);
        foreach (var input in action.DataIn)
        {
            var ds = definition.Datasets[input.Dataset];
            var uris = await ResolveAsync(input, ds, action, cancellationToken);
            if (uris is null)
            {
                available[input.Name] = ([input.Name], []);
                continue;
            }

            var present = new List<string>();
            foreach (var uri in uris)
            {
                if (await ExistsAsync(ds, uri, cancellationToken))
                {
                    present.Add(uri);
                }
            }

            available[input.Name] = (uris, present);
        }

        var waited = now - (action.NominalTime > action.Created ? action.NominalTime : action.Created);
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (definition.App.InputLogic is null)
        {
            foreach (var (name, (all, present)) in available)
            {
                if (present.Count != all.Count)
                {
                    return null;
                }

                result[name] = all;
            }

            return result;
        }

        var logic = Evaluate(definition.App.InputLogic, available, waited, result);
        if (logic is null)
        {
            return null;
        }

        foreach (var (name, (all, present)) in available)
        {
            result.TryAdd(name, present.Count == all.Count ? all : present);
        }

        return result;
    }

    private static List<string>? Evaluate(InputLogicNode node,
        Dictionary<string, (List<string> All, List<string> Present)> available, TimeSpan waited,
        Dictionary<string, IReadOnlyList<string>> result)
    {
        List<string>? uris;
        switch (node.Kind)
        {
            case "data-in":
                var (all, present) = available[node.DataIn!];
                var min = node.Min ?? all.Count;
                var fullWait = node.Wait is { } w && waited < TimeSpan.FromMinutes(w);
                uris = present.Count == all.Count || (!fullWait && present.Count >= min && present.Count > 0)
                    ? present : null;
                if (uris is not null)
                {
                    result[node.DataIn!] = uris;
                }

                break;
            case "and":
                var parts = node.Children.Select(c => Evaluate(c, available, waited, result)).ToList();
                uris = parts.All(p => p is not null) ? [.. parts.SelectMany(p => p!)] : null;
                break;
            case "or":
                uris = node.Children.Select(c => Evaluate(c, available, waited, result))
                    .FirstOrDefault(p => p is not null);
                break;
            default:
                // combine: an instance counts as present when any of the datasets has it.
                var union = node.Children.Select(c => available[c.DataIn ?? string.Empty]).ToList();
                var combined = union.SelectMany(u => u.Present).Distinct().ToList();
                var needed = node.Min ?? union.Max(u => u.All.Count);
                uris = combined.Count >= needed ? combined : null;
                break;
        }

        if (uris is not null && node.Name is { } name)
        {
            result[name] = uris;
        }

        return uris;
    }

    private async Task<List<string>?> ResolveAsync(DataInInstances input, ResolvedDataset ds, CoordActionRecord action,
        CancellationToken cancellationToken)
    {
        if (!input.IsRange && !input.Instances.Any(Materializer.IsDeferred))
        {
            return [.. materializer.Uris(input)];
        }

        var times = new List<string>();
        foreach (var instance in input.Instances)
        {
            if (!Materializer.IsDeferred(instance))
            {
                times.Add(instance);
                continue;
            }

            var (function, n, limit) = Materializer.ParseDeferred(instance);
            var found = function.StartsWith("latest", StringComparison.Ordinal)
                ? await LatestAsync(ds, n, action.Created, cancellationToken)
                : await FutureAsync(ds, n, limit, action.NominalTime, cancellationToken);
            if (found is null)
            {
                return null;
            }

            times.Add(OozieTime.Format(found.Value));
        }

        var list = input.IsRange ? Materializer.Range(ds, times[0], times[1]) : times;
        return [.. list.Select(t => materializer.Uri(ds, OozieTime.TryParse(t, out var v) ? v : default))];
    }

    private async Task<DateTimeOffset?> LatestAsync(ResolvedDataset ds, int n, DateTimeOffset bound,
        CancellationToken cancellationToken)
    {
        var k = ds.Frequency.IndexAtOrBefore(ds.InitialInstance, bound, ds.Zone);
        for (var seen = 0; k >= 0 && k > -LatestSearchLimit; k--)
        {
            var t = ds.Frequency.Nth(ds.InitialInstance, k, ds.Zone);
            if (await ExistsAsync(ds, materializer.Uri(ds, t), cancellationToken) && seen++ == -n)
            {
                return t;
            }
        }

        return null;
    }

    private async Task<DateTimeOffset?> FutureAsync(ResolvedDataset ds, int n, int limit, DateTimeOffset nominal,
        CancellationToken cancellationToken)
    {
        var k0 = Math.Max(0, ds.Frequency.IndexAtOrBefore(ds.InitialInstance, nominal, ds.Zone));
        for (int j = 0, seen = 0; j < limit; j++)
        {
            var t = ds.Frequency.Nth(ds.InitialInstance, k0 + j, ds.Zone);
            if (await ExistsAsync(ds, materializer.Uri(ds, t), cancellationToken) && seen++ == n)
            {
                return t;
            }
        }

        return null;
    }

    /// <summary>Whether an instance is there: its done-flag file, or with an empty done-flag the directory.</summary>
    public async Task<bool> ExistsAsync(ResolvedDataset ds, string uri, CancellationToken cancellationToken)
    {
        var path = StoragePath.Parse(uri);
        var target = ds.DoneFlagOrDefault.Length == 0 ? path : path.Combine(ds.DoneFlagOrDefault);
        return await fileSystems.For(target).ExistsAsync(target, cancellationToken);
    }
}
