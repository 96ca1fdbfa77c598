namespace SparkJobs.Oozie.Coordinator;

/// <summary>The unit a coordinator or dataset frequency counts in.</summary>
internal enum FrequencyUnit
{
    /// <summary>Fixed minutes: plain numbers, coord:minutes and coord:hours; drifts across DST.</summary>
    Minute,

    /// <summary>Calendar days in the job time zone: keeps the wall-clock time across DST.</summary>
    Day,

    /// <summary>Calendar months in the job time zone.</summary>
    Month,

    /// <summary>Days, starting at the end of the local day of the start.</summary>
    EndOfDay,

    /// <summary>Weeks, starting at the end of the local week of the start.</summary>
    EndOfWeek,

    /// <summary>Months, starting at the end of the local month of the start.</summary>
    EndOfMonth,

    /// <summary>A five-field cron expression.</summary>
    Cron,
}

/// <summary>A resolved frequency: how nominal times or dataset instances follow each other.</summary>
/// <param name="Value">How many units apart (unused for cron).</param>
/// <param name="Unit">The unit.</param>
/// <param name="Cron">The cron schedule when the unit is <see cref="FrequencyUnit.Cron"/>.</param>
internal sealed record Frequency(int Value, FrequencyUnit Unit, CronSchedule? Cron = null)
{
    /// <summary>Gets the length in minutes, a day as 24 h and a month as 30 days, as Oozie's checks count.</summary>
    public long ApproximateMinutes => Unit switch
    {
        FrequencyUnit.Minute => Value,
        FrequencyUnit.Day or FrequencyUnit.EndOfDay => Value * 1440L,
        FrequencyUnit.EndOfWeek => Value * 7 * 1440L,
        FrequencyUnit.Month or FrequencyUnit.EndOfMonth => Value * 30 * 1440L,
        _ => Cron!.ApproximateMinutes,
    };

    /// <summary>Moves a start to the first time the frequency really begins (end of day/week/month, cron).</summary>
    public DateTimeOffset AlignStart(DateTimeOffset start, TimeZoneInfo zone)
    {
        var local = OozieTime.ToLocal(start, zone);
        switch (Unit)
        {
            case FrequencyUnit.EndOfDay:
                return OozieTime.FromLocal(local.Date.AddDays(1), zone);
            case FrequencyUnit.EndOfWeek:
                // java.util.Calendar in the default (US) locale starts weeks on Sunday.
                var daysToSunday = 7 - (int)local.DayOfWeek;
                return OozieTime.FromLocal(local.Date.AddDays(daysToSunday), zone);
            case FrequencyUnit.EndOfMonth:
                return OozieTime.FromLocal(new DateTime(local.Year, local.Month, 1).AddMonths(1), zone);
            case FrequencyUnit.Cron:
                return Cron!.Next(start.AddMinutes(-1), zone) ?? DateTimeOffset.MaxValue;
            default:
                return start;
        }
    }

    /// <summary>Gets the k-th time after an (aligned) origin; calendar units step in local wall-clock time.</summary>
    public DateTimeOffset Nth(DateTimeOffset origin, long k, TimeZoneInfo zone)
    {
        switch (Unit)
        {
            case FrequencyUnit.Minute:
                return origin.AddMinutes(k * Value);
            case FrequencyUnit.Day or FrequencyUnit.EndOfDay:
                return OozieTime.FromLocal(OozieTime.ToLocal(origin, zone).AddDays(k * Value), zone);
            case FrequencyUnit.EndOfWeek:
                return OozieTime.FromLocal(OozieTime.ToLocal(origin, zone).AddDays(k * Value * 7), zone);
            case FrequencyUnit.Month or FrequencyUnit.EndOfMonth:
                return OozieTime.FromLocal(OozieTime.ToLocal(origin, zone).AddMonths((int)(k * Value)), zone);
            default:
                var t = origin;
                for (var i = 0L; i < k; i++)
                {
                    t = Cron!.Next(t, zone) ?? DateTimeOffset.MaxValue;
                }

                return t;
        }
    }

    /// <summary>Gets the largest k with <c>Nth(origin, k) &lt;= time</c> (negative before the origin).</summary>
    public long IndexAtOrBefore(DateTimeOffset origin, DateTimeOffset time, TimeZoneInfo zone)
    {
        var minutes = (time - origin).TotalMinutes;
        if (Unit == FrequencyUnit.Minute)
        {
            return (long)Math.Floor(minutes / Value);
        }

        var k = (long)Math.Floor(minutes / ApproximateMinutes);
        while (Nth(origin, k + 1, zone) <= time)
        {
            k++;
        }

        while (Nth(origin, k, zone) > time)
        {
            k--;
        }

        return k;
    }

    /// <summary>Gets the frequency as Oozie's job JSON and CLI show it: a count, or the cron text.</summary>
    public string OozieValue => Unit == FrequencyUnit.Cron
        ? Cron!.Text
        : Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Gets Oozie's time unit: MINUTE, DAY, MONTH, END_OF_DAY, END_OF_WEEK, END_OF_MONTH or CRON.</summary>
    public string OozieTimeUnit => Unit switch
    {
        FrequencyUnit.EndOfDay => "END_OF_DAY",
        FrequencyUnit.EndOfWeek => "END_OF_WEEK",
        FrequencyUnit.EndOfMonth => "END_OF_MONTH",
        var u => u.ToString().ToUpperInvariant(),
    };

    /// <inheritdoc />
    public override string ToString() => Unit == FrequencyUnit.Cron ? Cron!.Text : $"{Value} {Unit}";
}
