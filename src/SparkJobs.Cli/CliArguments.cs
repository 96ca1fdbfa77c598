using System.Globalization;

namespace SparkJobs.Cli;

/// <summary>Oozie's single-dash command line: a command, then <c>-option [value]</c> pairs and <c>-Dk=v</c>.</summary>
internal sealed class CliArguments
{
    // Options that take no value; every other option takes the next argument.
    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal)
    {
        "run", "dryrun", "submit", "version", "status", "verbose", "help", "json", "refresh", "nocleanup", "failed",
        "once",
    };

    public string Command { get; private init; } = string.Empty;

    public Dictionary<string, string?> Options { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Defines { get; } = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new UsageException("no command given.");
        }

        var result = new CliArguments { Command = args[0] };
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("-D", StringComparison.Ordinal))
            {
                var define = arg.Length > 2
                    ? arg[2..]
                    : (++i < args.Count ? args[i] : throw new UsageException("-D needs key=value."));
                var eq = define.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    throw new UsageException($"-D{define} is not key=value; write for example -Dqueue=default.");
                }

                result.Defines[define[..eq]] = define[(eq + 1)..];
            }
            else if (arg.Length > 1 && arg[0] == '-')
            {
                var name = arg.TrimStart('-');
                if (Flags.Contains(name))
                {
                    result.Options[name] = null;
                }
                else if (i + 1 < args.Count)
                {
                    result.Options[name] = args[++i];
                }
                else
                {
                    throw new UsageException($"-{name} needs a value, or is not an option oozie-lite knows.");
                }
            }
            else
            {
                result.Positional.Add(arg);
            }
        }

        return result;
    }

    public bool Has(string option) => Options.ContainsKey(option);

    public string Required(string option) =>
        Options.TryGetValue(option, out var v) && v is not null
            ? v
            : throw new UsageException($"-{option} is required.");

    /// <summary>Reads <c>-offset</c>, which in Oozie counts from 1; 1 when absent.</summary>
    public int Offset()
    {
        var text = Options.GetValueOrDefault("offset");
        if (text is null)
        {
            return 1;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var offset) && offset >= 1
            ? offset
            : throw new UsageException($"-offset {text} is not a number from 1.");
    }

    /// <summary>Gets the page of <paramref name="items"/> that -offset and -len choose; all by default.</summary>
    public IEnumerable<T> Page<T>(IReadOnlyList<T> items)
    {
        var len = Options.GetValueOrDefault("len");
        var length = int.MaxValue;
        if (len is not null
            && (!int.TryParse(len, NumberStyles.Integer, CultureInfo.InvariantCulture, out length) || length < 1))
        {
            throw new UsageException($"-len {len} is not a positive number.");
        }

        return items.Skip(Offset() - 1).Take(length);
    }
}

/// <summary>The command line is wrong; the message says what is wrong.</summary>
internal sealed class UsageException(string message) : Exception(message);
