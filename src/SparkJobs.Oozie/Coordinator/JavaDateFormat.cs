using System.Globalization;
using System.Text;

namespace SparkJobs.Oozie.Coordinator;

/// <summary>Formats a time with a Java SimpleDateFormat pattern, in UTC, for <c>coord:formatTime</c>.</summary>
internal static class JavaDateFormat
{
    public static string Format(DateTimeOffset time, string pattern)
    {
        var t = time.ToUniversalTime();
        var sb = new StringBuilder();
        for (var i = 0; i < pattern.Length;)
        {
            var c = pattern[i];
            if (c == '\'')
            {
                var close = pattern.IndexOf('\'', i + 1);
                if (close == i + 1)
                {
                    sb.Append('\'');
                    i += 2;
                    continue;
                }

                close = close < 0 ? pattern.Length : close;
                sb.Append(pattern, i + 1, close - i - 1);
                i = close + 1;
                continue;
            }

            if (!char.IsAsciiLetter(c))
            {
                sb.Append(c);
                i++;
                continue;
            }

            var n = 1;
            while (i + n < pattern.Length && pattern[i + n] == c)
            {
                n++;
            }

            sb.Append(Field(t, c, n));
            i += n;
        }

        return sb.ToString();
    }

    private static string Field(DateTimeOffset t, char letter, int count)
    {
        string Num(int value) => value.ToString(CultureInfo.InvariantCulture).PadLeft(count, '0');
        var culture = CultureInfo.InvariantCulture.DateTimeFormat;
        return letter switch
        {
            'y' or 'Y' => count == 2 ? (t.Year % 100).ToString("00", CultureInfo.InvariantCulture)
                : Num(t.Year),
            'M' or 'L' => count >= 4 ? culture.GetMonthName(t.Month)
                : count == 3 ? culture.GetAbbreviatedMonthName(t.Month) : Num(t.Month),
            'd' => Num(t.Day),
            'D' => Num(t.DayOfYear),
            'H' => Num(t.Hour),
            'k' => Num(t.Hour == 0 ? 24 : t.Hour),
            'K' => Num(t.Hour % 12),
            'h' => Num(t.Hour % 12 == 0 ? 12 : t.Hour % 12),
            'm' => Num(t.Minute),
            's' => Num(t.Second),
            'S' => Num(t.Millisecond),
            'E' => count >= 4 ? culture.GetDayName(t.DayOfWeek) : culture.GetAbbreviatedDayName(t.DayOfWeek),
            'u' => Num(t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek),
            'a' => t.Hour < 12 ? "AM" : "PM",
            'z' => count >= 4 ? "Coordinated Universal Time" : "UTC",
            'Z' => "+0000",
            'X' => "Z",
            'G' => "AD",
            _ => throw new FormatException($"the pattern letter '{letter}' is not supported"),
        };
    }
}
