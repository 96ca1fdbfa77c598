using System.Globalization;

namespace SparkJobs.Oozie.Coordinator;

/// <summary>
/// A five-field cron frequency (minute, hour, day-of-month, month, day-of-week) with Quartz's extensions
/// <c>? L W #</c>; day-of-week 1-7 is SUN-SAT. It is evaluated in local time so daily schedules keep their
/// wall-clock time across DST.
/// </summary>
internal sealed class CronSchedule
{
    private static readonly string[] MonthNames =
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly bool[] _minutes = new bool[60];
    private readonly bool[] _hours = new bool[24];
    private readonly bool[] _months = new bool[13];
    private readonly bool[] _daysOfMonth = new bool[32];
    private readonly bool[] _daysOfWeek = new bool[8];
    private bool _domAny;
    private bool _dowAny;
    private bool _lastDay;
    private bool _lastWeekday;
    private int _nearestWeekday;
    private int _nthDay;
    private int _nth;
    private int _lastDayOfWeek;

    private CronSchedule(string text) => Text = text;

    /// <summary>Gets the expression as written.</summary>
    public string Text { get; }

    /// <summary>Gets a rough period, for checks that compare frequencies.</summary>
    public long ApproximateMinutes { get; private set; }

    /// <summary>Parses an expression; returns null and a reason when it is invalid.</summary>
    public static CronSchedule? Parse(string text, out string? error)
    {
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        error = null;
        if (fields.Length != 5)
        {
            error = $"a cron frequency has 5 fields (minute hour day-of-month month day-of-week), not {fields.Length}";
            return null;
        }

        var cron = new CronSchedule(text.Trim());
        try
        {
            Fill(cron._minutes, fields[0], 0, 59, null, "minute");
            Fill(cron._hours, fields[1], 0, 23, null, "hour");
            cron.ParseDayOfMonth(fields[2]);
            Fill(cron._months, fields[3], 1, 12, MonthNames, "month");
            cron.ParseDayOfWeek(fields[4]);
        }
        catch (FormatException e)
        {
            error = e.Message;
            return null;
        }

        if (fields[2] == "?" && fields[4] == "?")
        {
            error = "day-of-month and day-of-week cannot both be '?'";
            return null;
        }

        var first = cron.Next(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc);
        var second = first is null ? null : cron.Next(first.Value, TimeZoneInfo.Utc);
        if (second is null)
        {
            error = "the expression never fires";
            return null;
        }

        cron.ApproximateMinutes = (long)(second.Value - first!.Value).TotalMinutes;
        return cron;
    }

    /// <summary>Gets the first fire time strictly after a time, or null if none within five years.</summary>
    public DateTimeOffset? Next(DateTimeOffset after, TimeZoneInfo zone)
    {
        var local = OozieTime.ToLocal(after, zone);
        var day = local.Date;
        for (var i = 0; i < 366 * 5; i++, day = day.AddDays(1))
        {
            if (!_months[day.Month] || !DayMatches(day))
            {
                continue;
            }

            for (var h = 0; h < 24; h++)
            {
                if (!_hours[h])
                {
                    continue;
                }

                for (var m = 0; m < 60; m++)
                {
                    if (_minutes[m])
                    {
                        var candidate = OozieTime.FromLocal(day.AddHours(h).AddMinutes(m), zone);
                        if (candidate > after)
                        {
                            return candidate;
                        }
                    }
                }
            }
        }

        return null;
    }

    private bool DayMatches(DateTime day)
    {
        var dom = DomMatches(day);
        var dow = DowMatches(day);

        // Like Unix cron, a day restricted in both fields fires when either matches.
        return (_domAny, _dowAny) switch
        {
            (true, true) => true,
            (true, false) => dow,
            (false, true) => dom,
            _ => dom || dow,
        };
    }

    private bool DomMatches(DateTime day)
    {
        var last = DateTime.DaysInMonth(day.Year, day.Month);
        if (_lastDay)
        {
            return day.Day == last;
        }

        if (_lastWeekday)
        {
            var d = new DateTime(day.Year, day.Month, last);
            while (d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                d = d.AddDays(-1);
            }

            return day.Day == d.Day;
        }

        if (_nearestWeekday > 0)
        {
            var target = new DateTime(day.Year, day.Month, Math.Min(_nearestWeekday, last));
            target = target.DayOfWeek switch
            {
                DayOfWeek.Saturday => target.Day == 1 ? target.AddDays(2) : target.AddDays(-1),
                DayOfWeek.Sunday => target.Day == last ? target.AddDays(-2) : target.AddDays(1),
                _ => target,
            };
            return day.Day == target.Day;
        }

        return _daysOfMonth[day.Day];
    }

    private bool DowMatches(DateTime day)
    {
        var quartzDay = (int)day.DayOfWeek + 1;
        if (_nth > 0)
        {
            return quartzDay == _nthDay && (day.Day - 1) / 7 + 1 == _nth;
        }

        if (_lastDayOfWeek > 0)
        {
            return quartzDay == _lastDayOfWeek && day.AddDays(7).Month != day.Month;
        }

        return _daysOfWeek[quartzDay];
    }

    private void ParseDayOfMonth(string field)
    {
        _domAny = field is "?" or "*";
        if (field == "?")
        {
            return;
        }

        if (field == "L")
        {
            _lastDay = true;
        }
        else if (field == "LW")
        {
            _lastWeekday = true;
        }
        else if (field.EndsWith('W'))
        {
            _nearestWeekday = Number(field[..^1], 1, 31, null, "day-of-month");
        }
        else
        {
            Fill(_daysOfMonth, field, 1, 31, null, "day-of-month");
        }
    }

    private void ParseDayOfWeek(string field)
    {
        _dowAny = field is "?" or "*";
        if (field == "?")
        {
            return;
        }

        var hash = field.IndexOf('#', StringComparison.Ordinal);
        if (hash > 0)
        {
            _nthDay = Number(field[..hash], 1, 7, DayNames, "day-of-week");
            _nth = Number(field[(hash + 1)..], 1, 5, null, "day-of-week '#'");
        }
        else if (field.Length > 1 && field.EndsWith('L'))
        {
            _lastDayOfWeek = Number(field[..^1], 1, 7, DayNames, "day-of-week");
        }
        else if (field == "L")
        {
            _daysOfWeek[7] = true;
        }
        else
        {
            Fill(_daysOfWeek, field, 1, 7, DayNames, "day-of-week");
        }
    }

    private static void Fill(bool[] set, string field, int min, int max, string[]? names, string what)
    {
        foreach (var item in field.Split(','))
        {
            var step = 1;
            var range = item;
            var slash = item.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                step = Number(item[(slash + 1)..], 1, max, null, what + " step");
                range = item[..slash];
            }

            int from, to;
            if (range is "*" or "?")
            {
                (from, to) = (min, max);
            }
            else if (range.IndexOf('-', StringComparison.Ordinal) is var dash and > 0)
            {
                (from, to) = (Number(range[..dash], min, max, names, what),
                    Number(range[(dash + 1)..], min, max, names, what));
            }
            else
            {
                from = Number(range, min, max, names, what);
                to = slash >= 0 ? max : from;
            }

            if (from > to)
            {
                throw new FormatException($"the {what} range '{range}' runs backwards");
            }

            for (var v = from; v <= to; v += step)
            {
                set[v] = true;
            }
        }
    }

    private static int Number(string text, int min, int max, string[]? names, string what)
    {
        var named = names is null ? -1 : Array.IndexOf(names, text.ToUpperInvariant());
        if (named >= 0)
        {
            return named + min;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"'{text}' is not a valid {what} (allowed {min}-{max}" +
                (names is null ? ")" : $" or {string.Join(",", names)})"));
    }
}
