using System.Globalization;
using System.Text.RegularExpressions;

namespace SparkJobs.Oozie.Coordinator;

/// <summary>Oozie's datetime format and time zones: <c>yyyy-MM-ddTHH:mmZ</c>, offset forms and <c>24:00</c>.</summary>
internal static partial class OozieTime
{
    public static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;

    /// <summary>Parses an Oozie datetime; <c>Z</c> means the processing time zone, UTC unless set otherwise.</summary>
    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        var m = DatePattern().Match(text.Trim());
        if (!m.Success)
        {
            return false;
        }

        int Part(string name) => int.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture);
        var (year, month, day, hour, minute) = (Part("y"), Part("M"), Part("d"), Part("h"), Part("m"));
        var nextDay = hour == 24 && minute == 0;
        if ((hour > 23 && !nextDay) || minute > 59 || month is < 1 or > 12 || day < 1
            || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        var local = new DateTime(year, month, day, nextDay ? 0 : hour, minute, 0, DateTimeKind.Unspecified);
        if (nextDay)
        {
            local = local.AddDays(1);
        }

        var zone = m.Groups["z"].Value;
        TimeSpan offset;
        if (zone == "Z")
        {
            // In a non-UTC processing zone Oozie demands the offset form; plain Z still means UTC.
            offset = TimeSpan.Zero;
        }
        else
        {
            var sign = zone[0] == '-' ? -1 : 1;
            var digits = zone[1..].Replace(":", string.Empty, StringComparison.Ordinal);
            offset = sign * new TimeSpan(int.Parse(digits[..2], CultureInfo.InvariantCulture),
                int.Parse(digits[2..], CultureInfo.InvariantCulture), 0);
        }

        value = new DateTimeOffset(local, offset).ToUniversalTime();
        return true;
    }

    /// <summary>Formats a time as Oozie does, in UTC: <c>2009-01-01T08:00Z</c>.</summary>
    public static string Format(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);

    /// <summary>Resolves Oozie's accepted time zone ids: UTC, GMT±hh:mm and IANA region ids.</summary>
    public static TimeZoneInfo? FindZone(string id)
    {
        id = id.Trim();
        if (id is "UTC" or "GMT" or "Z")
        {
            return TimeZoneInfo.Utc;
        }

        var gmt = GmtPattern().Match(id);
        if (gmt.Success)
        {
            var sign = gmt.Groups[1].Value == "-" ? -1 : 1;
            var offset = sign * new TimeSpan(int.Parse(gmt.Groups[2].Value, CultureInfo.InvariantCulture),
                gmt.Groups[3].Success ? int.Parse(gmt.Groups[3].Value, CultureInfo.InvariantCulture) : 0, 0);
            return TimeZoneInfo.CreateCustomTimeZone(id, offset, id, id);
        }

        if (!id.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException)
        {
            return null;
        }
        catch (InvalidTimeZoneException)
        {
            return null;
        }
    }

    /// <summary>The wall-clock time of an instant in a zone.</summary>
    public static DateTime ToLocal(DateTimeOffset time, TimeZoneInfo zone) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(time, zone).DateTime, DateTimeKind.Unspecified);

    /// <summary>
    /// The instant of a wall-clock time, resolved as java.util.Calendar does: a time in a spring-forward gap
    /// moves forward by the gap, and an ambiguous fall-back time is read as standard time (the later instant).
    /// </summary>
    public static DateTimeOffset FromLocal(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            var before = zone.GetUtcOffset(local.AddHours(-3));
            return new DateTimeOffset(local, before).ToUniversalTime();
        }

        if (zone.IsAmbiguousTime(local))
        {
            var standard = zone.GetAmbiguousTimeOffsets(local).Min();
            return new DateTimeOffset(local, standard).ToUniversalTime();
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    [GeneratedRegex(@"^(?<y>\d{4})-(?<M>\d{2})-(?<d>\d{2})T(?<h>\d{2}):(?<m>\d{2})(?<z>Z|[+-]\d{2}:?\d{2})$")]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"^GMT([+-])(\d{1,2})(?::?(\d{2}))?$")]
    private static partial Regex GmtPattern();
}
