using System.Globalization;

namespace SparkJobs.Oozie.El;

/// <summary>JSP 2.0 EL coercion rules over null, bool, long, double, string and string maps.</summary>
internal static class ElValues
{
    public static string ToText(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FormatDouble(d),
        IReadOnlyDictionary<string, string> map =>
            "{" + string.Join(", ", map.Select(kv => $"{kv.Key}={kv.Value}")) + "}",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    // Java's Double.toString: integral values keep ".0" and large or small ones use "1.0E10" notation.
    public static string FormatDouble(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "Infinity" : "-Infinity";
        }

        var abs = Math.Abs(d);
        if (abs is >= 1e-3 and < 1e7 || d == 0)
        {
            var text = d.ToString("R", CultureInfo.InvariantCulture);
            return text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";
        }

        var exp = d.ToString("0.0################E0", CultureInfo.InvariantCulture);
        return exp;
    }

    public static bool ToBoolean(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => string.Equals(s, "true", StringComparison.OrdinalIgnoreCase),
        _ => throw new ElException($"Cannot convert {Describe(value)} to a boolean; compare it with eq or ne instead."),
    };

    public static bool IsFloating(object? value) =>
        value is double || (value is string s && s.IndexOfAny(['.', 'e', 'E']) >= 0);

    public static long ToLong(object? value) => value switch
    {
        null => 0,
        long l => l,
        double d => (long)d,
        bool => throw new ElException("Cannot convert a boolean to a number."),
        string s when s.Length == 0 => 0,
        string s when long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => (long)d,
        _ => throw new ElException($"Cannot convert {Describe(value)} to a number."),
    };

    public static double ToDouble(object? value) => value switch
    {
        null => 0,
        long l => l,
        double d => d,
        bool => throw new ElException("Cannot convert a boolean to a number."),
        string s when s.Length == 0 => 0,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => throw new ElException($"Cannot convert {Describe(value)} to a number."),
    };

    public static bool IsEmpty(object? value) => value switch
    {
        null => true,
        string s => s.Length == 0,
        IReadOnlyDictionary<string, string> map => map.Count == 0,
        _ => false,
    };

    public static bool AreEqual(object? a, object? b)
    {
        if (a is null && b is null)
        {
            return true;
        }

        if (a is null || b is null)
        {
            return false;
        }

        if (a is double || b is double)
        {
            return ToDouble(a) == ToDouble(b);
        }

        if (a is long || b is long)
        {
            return ToLong(a) == ToLong(b);
        }

        if (a is bool || b is bool)
        {
            return ToBoolean(a) == ToBoolean(b);
        }

        if (a is string || b is string)
        {
            return string.Equals(ToText(a), ToText(b), StringComparison.Ordinal);
        }

        return a.Equals(b);
    }

    public static bool Compare(string op, object? a, object? b)
    {
        if (a is null || b is null)
        {
            return op is "<=" or ">=" && a is null && b is null;
        }

        int order;
        if (a is double || b is double)
        {
            order = ToDouble(a).CompareTo(ToDouble(b));
        }
        else if (a is long || b is long)
        {
            order = IsFloating(a) || IsFloating(b)
                ? ToDouble(a).CompareTo(ToDouble(b))
                : ToLong(a).CompareTo(ToLong(b));
        }
        else if (a is string sa && b is string sb)
        {
            order = string.CompareOrdinal(sa, sb);
        }
        else
        {
            throw new ElException($"Cannot compare {Describe(a)} with {Describe(b)}.");
        }

        return op switch
        {
            "<" => order < 0,
            ">" => order > 0,
            "<=" => order <= 0,
            _ => order >= 0,
        };
    }

    public static object Arithmetic(string op, object? a, object? b)
    {
        if (a is null && b is null)
        {
            return 0L;
        }

        if (op == "/")
        {
            return ToDouble(a) / ToDouble(b);
        }

        if (IsFloating(a) || IsFloating(b))
        {
            var (x, y) = (ToDouble(a), ToDouble(b));
            return op switch { "+" => x + y, "-" => x - y, "*" => x * y, _ => x % y };
        }

        var (l, r) = (ToLong(a), ToLong(b));
        if (op == "%" && r == 0)
        {
            throw new ElException("Division by zero in a mod expression.");
        }

        return op switch { "+" => l + r, "-" => l - r, "*" => l * r, _ => l % r };
    }

    public static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}'",
        _ => ToText(value),
    };
}
