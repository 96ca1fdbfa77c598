using System.Globalization;
using SparkJobs.Oozie.El;

namespace SparkJobs.Oozie.Coordinator;

/// <summary>The three phases in which Oozie evaluates coordinator EL.</summary>
internal enum CoordElPhase
{
    /// <summary>Submission: frequencies and attributes; instance functions are only echoed.</summary>
    Submission,

    /// <summary>Materialization: current, offset, absolute and time functions resolve; latest/future echo.</summary>
    Materialization,

    /// <summary>Action start: dataIn, dataOut and actualTime resolve too.</summary>
    ActionStart,
}

/// <summary>What one coordinator EL evaluation can see; the phase decides which functions resolve.</summary>
internal sealed class CoordElContext : IElContext
{
    private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ElFunction> _functions;

    public CoordElContext(CoordElPhase phase, IReadOnlyDictionary<string, string> configuration, TimeProvider time)
    {
        Phase = phase;
        foreach (var (k, v) in ElFunctions.Constants)
        {
            _variables[k] = v;
        }

        foreach (var (k, v) in configuration)
        {
            if (k.Length > 0 && (char.IsLetter(k[0]) || k[0] is '_' or '$')
                && k.All(c => char.IsLetterOrDigit(c) || c is '_' or '$'))
            {
                _variables[k] = v.Trim();
            }
        }

        _functions = ElFunctions.Basic(time);
        RegisterFrequencies();
        RegisterCommon(configuration);
        if (phase == CoordElPhase.Submission)
        {
            foreach (var name in InstanceFunctions.Concat(ActionFunctions))
            {
                _functions["coord:" + name] = Echo(name);
            }
        }
        else
        {
            RegisterInstances();
            foreach (var name in phase == CoordElPhase.Materialization ? DeferredFunctions.Concat(ActionFunctions)
                : DeferredFunctions)
            {
                _functions["coord:" + name] = Echo(name);
            }

            if (phase == CoordElPhase.ActionStart)
            {
                _functions["coord:dataIn"] = a => Join(DataIn, ElFunctions.Text(a, 0, 1, "coord:dataIn"), "data-in");
                _functions["coord:dataOut"] = a =>
                    Join(DataOut, ElFunctions.Text(a, 0, 1, "coord:dataOut"), "data-out");
                _functions["coord:actualTime"] = a =>
                    ElFunctions.Arity(a, 0, "coord:actualTime") is not null ? OozieTime.Format(ActualTime) : null;
            }
        }
    }

    private static readonly string[] InstanceFunctions =
    [
        "current", "offset", "absolute", "latest", "future", "currentRange", "latestRange", "futureRange",
        "absoluteRange", "hoursInDay", "daysInMonth", "tzOffset", "nominalTime",
    ];

    private static readonly string[] DeferredFunctions = ["latest", "future", "latestRange", "futureRange"];

    private static readonly string[] ActionFunctions = ["dataIn", "dataOut", "actualTime"];

    public CoordElPhase Phase { get; }

    /// <summary>Gets the unit the last frequency function named; null for plain minutes.</summary>
    public FrequencyUnit? LastUnit { get; set; }

    public string Name { get; init; } = string.Empty;

    public string User { get; init; } = string.Empty;

    public string ActionId { get; set; } = string.Empty;

    public DateTimeOffset NominalTime { get; set; }

    public DateTimeOffset ActualTime { get; set; }

    public TimeZoneInfo JobZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Gets or sets the dataset an instance expression is evaluated against.</summary>
    public ResolvedDataset? Dataset { get; set; }

    /// <summary>Gets or sets whether coord:offset rounds up (start-instance) instead of down.</summary>
    public bool RoundUp { get; set; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> DataIn { get; set; } =
        new Dictionary<string, IReadOnlyList<string>>();

    public IReadOnlyDictionary<string, IReadOnlyList<string>> DataOut { get; set; } =
        new Dictionary<string, IReadOnlyList<string>>();

    public bool TryGetVariable(string name, out object? value) => _variables.TryGetValue(name, out value);

    public bool TryGetFunction(string name, out ElFunction? callable)
    {
        var found = _functions.TryGetValue(name, out var f);
        callable = f;
        return found;
    }

    /// <summary>Sets an extra variable, such as YEAR in a uri-template.</summary>
    public void SetVariable(string name, object? value) => _variables[name] = value;

    /// <summary>Removes a variable set with <see cref="SetVariable"/>.</summary>
    public void RemoveVariable(string name) => _variables.Remove(name);

    private static ElFunction Echo(string name) =>
        a => "${coord:" + name + "(" + string.Join(", ", a.Select(Literal)) + ")}";

    private static string Literal(object? value) => value switch
    {
        string s => "'" + s + "'",
        _ => ElValues.ToText(value),
    };

    private static string Join(IReadOnlyDictionary<string, IReadOnlyList<string>> map, string name, string what) =>
        map.TryGetValue(name, out var uris)
            ? string.Join(",", uris)
            : throw new ElException($"coord:{(what == "data-in" ? "dataIn" : "dataOut")}('{name}'): there is no " +
                $"{what} named [{name}]; the names are {string.Join(", ", map.Keys)}.");

    private static int Int(IReadOnlyList<object?> a, int index, int count, string name) =>
        (int)ElValues.ToLong(ElFunctions.Arity(a, count, name)[index]);

    private void RegisterFrequencies()
    {
        ElFunction Unit(string name, FrequencyUnit? unit, int factor) => a =>
        {
            LastUnit = unit;
            return (long)Int(a, 0, 1, "coord:" + name) * factor;
        };

        _functions["coord:minutes"] = Unit("minutes", null, 1);
        _functions["coord:hours"] = Unit("hours", null, 60);
        _functions["coord:days"] = Unit("days", FrequencyUnit.Day, 1);
        _functions["coord:months"] = Unit("months", FrequencyUnit.Month, 1);
        _functions["coord:endOfDays"] = Unit("endOfDays", FrequencyUnit.EndOfDay, 1);
        _functions["coord:endOfWeeks"] = Unit("endOfWeeks", FrequencyUnit.EndOfWeek, 1);
        _functions["coord:endOfMonths"] = Unit("endOfMonths", FrequencyUnit.EndOfMonth, 1);
    }

    private void RegisterCommon(IReadOnlyDictionary<string, string> configuration)
    {
        _functions["coord:conf"] = a => configuration.TryGetValue(ElFunctions.Text(a, 0, 1, "coord:conf"), out var v)
            ? v : null;
        _functions["coord:user"] = a => ElFunctions.Arity(a, 0, "coord:user") is not null ? User : null;
        _functions["coord:name"] = a => ElFunctions.Arity(a, 0, "coord:name") is not null ? Name : null;
        _functions["coord:actionId"] = a => ElFunctions.Arity(a, 0, "coord:actionId") is not null ? ActionId : null;
        _functions["coord:formatTime"] = a =>
        {
            var (ts, pattern) = (Time(ElFunctions.Text(a, 0, 2, "coord:formatTime")), ElValues.ToText(a[1]));
            try
            {
                return JavaDateFormat.Format(ts, pattern);
            }
            catch (FormatException e)
            {
                throw new ElException($"coord:formatTime: {e.Message} in [{pattern}].");
            }
        };
        _functions["coord:dateOffset"] = a =>
        {
            var ts = Time(ElFunctions.Text(a, 0, 3, "coord:dateOffset"));
            return OozieTime.Format(AddUnits(ts, (int)ElValues.ToLong(a[1]), ElValues.ToText(a[2]), TimeZoneInfo.Utc));
        };
        _functions["coord:dateTzOffset"] = a =>
        {
            var ts = Time(ElFunctions.Text(a, 0, 2, "coord:dateTzOffset"));
            var zone = Zone(ElValues.ToText(a[1]));
            return OozieTime.Format(ts + zone.GetUtcOffset(ts));
        };
        _functions["coord:epochTime"] = a =>
        {
            var ts = Time(ElFunctions.Text(a, 0, 2, "coord:epochTime"));
            return ElValues.ToBoolean(a[1]) ? ts.ToUnixTimeMilliseconds() : ts.ToUnixTimeSeconds();
        };
    }

    private void RegisterInstances()
    {
        _functions["coord:nominalTime"] = a =>
            ElFunctions.Arity(a, 0, "coord:nominalTime") is not null ? OozieTime.Format(NominalTime) : null;
        _functions["coord:current"] = a => Instance(Int(a, 0, 1, "coord:current"));
        _functions["coord:currentRange"] = a => Instance(Int(a, 0, 1, "coord:currentRange"));
        _functions["coord:offset"] = a =>
        {
            var n = Int(a, 0, 2, "coord:offset");
            var ds = NeedDataset("offset");
            var target = AddUnits(NominalTime, n, ElValues.ToText(a[1]), ds.Zone);
            var k = ds.Frequency.IndexAtOrBefore(ds.InitialInstance, target, ds.Zone);
            if (RoundUp && ds.Frequency.Nth(ds.InitialInstance, k, ds.Zone) < target)
            {
                k++;
            }

            return k < 0 ? string.Empty : OozieTime.Format(ds.Frequency.Nth(ds.InitialInstance, k, ds.Zone));
        };
        _functions["coord:absolute"] = a => OozieTime.Format(Time(ElFunctions.Text(a, 0, 1, "coord:absolute")));
        _functions["coord:absoluteRange"] = _functions["coord:absolute"];
        _functions["coord:hoursInDay"] = a =>
        {
            var zone = Dataset?.Zone ?? JobZone;
            var day = OozieTime.ToLocal(NominalTime, zone).Date.AddDays(Int(a, 0, 1, "coord:hoursInDay"));
            return (long)Math.Round(
                (OozieTime.FromLocal(day.AddDays(1), zone) - OozieTime.FromLocal(day, zone)).TotalHours);
        };
        _functions["coord:daysInMonth"] = a =>
        {
            var local = OozieTime.ToLocal(NominalTime, Dataset?.Zone ?? JobZone);
            var month = new DateTime(local.Year, local.Month, 1).AddMonths(Int(a, 0, 1, "coord:daysInMonth"));
            return (long)DateTime.DaysInMonth(month.Year, month.Month);
        };
        _functions["coord:tzOffset"] = a =>
        {
            ElFunctions.Arity(a, 0, "coord:tzOffset");
            var zone = Dataset?.Zone ?? JobZone;
            return (long)(zone.GetUtcOffset(NominalTime) - JobZone.GetUtcOffset(NominalTime)).TotalMinutes;
        };
    }

    private string Instance(int n)
    {
        var ds = NeedDataset("current");
        var k = ds.Frequency.IndexAtOrBefore(ds.InitialInstance, NominalTime, ds.Zone) + n;

        // Instances before the dataset's initial-instance do not exist and are dropped.
        return k < 0 ? string.Empty : OozieTime.Format(ds.Frequency.Nth(ds.InitialInstance, k, ds.Zone));
    }

    private ResolvedDataset NeedDataset(string function) =>
        Dataset ?? throw new ElException(
            $"coord:{function}() is only allowed in a data-in or data-out <instance>, <start-instance> or " +
            "<end-instance>.");

    private static DateTimeOffset Time(string text) =>
        OozieTime.TryParse(text, out var t)
            ? t
            : throw new ElException($"[{text}] is not an Oozie datetime such as 2009-01-01T08:00Z.");

    private static TimeZoneInfo Zone(string id) =>
        OozieTime.FindZone(id)
            ?? throw new ElException($"[{id}] is not a time zone; use UTC, GMT+hh:mm or an IANA id.");

    internal static DateTimeOffset AddUnits(DateTimeOffset time, int n, string unit, TimeZoneInfo zone)
    {
        var local = OozieTime.ToLocal(time, zone);
        return unit.ToUpperInvariant() switch
        {
            "MINUTE" => time.AddMinutes(n),
            "HOUR" => time.AddHours(n),
            "DAY" => OozieTime.FromLocal(local.AddDays(n), zone),
            "MONTH" => OozieTime.FromLocal(local.AddMonths(n), zone),
            "YEAR" => OozieTime.FromLocal(local.AddYears(n), zone),
            _ => throw new ElException(
                $"[{unit}] is not a time unit; use MINUTE, HOUR, DAY, MONTH or YEAR."),
        };
    }

    internal static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
