using System.Globalization;

namespace SfSync.FunctionsHost;

/// <summary>The six-field NCRONTAB expressions of timer triggers: second minute hour day month day-of-week.</summary>
internal sealed class Crontab
{
    private readonly HashSet<int>[] _fields;

    private Crontab(HashSet<int>[] fields) => _fields = fields;

    public static Crontab Parse(string expression)
    {
        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6)
        {
            throw new FormatException($"'{expression}' is not a six-field NCRONTAB expression (second minute hour day month day-of-week).");
        }

        (int Min, int Max)[] ranges = [(0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];
        return new Crontab(parts.Select((part, i) => Field(part, ranges[i].Min, ranges[i].Max)).ToArray());
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/> (UTC), searched up to a week ahead.</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        var t = new DateTimeOffset(after.UtcTicks - (after.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(1);
        for (var i = 0; i < 7 * 24 * 3600; i++, t = t.AddSeconds(1))
        {
            if (_fields[0].Contains(t.Second) && _fields[1].Contains(t.Minute) && _fields[2].Contains(t.Hour)
                && _fields[3].Contains(t.Day) && _fields[4].Contains(t.Month) && _fields[5].Contains((int)t.DayOfWeek))
            {
                return t;
            }
        }

        return null;
    }

    private static HashSet<int> Field(string text, int min, int max)
    {
        var values = new HashSet<int>();
        foreach (var item in text.Split(','))
        {
            var step = 1;
            var range = item;
            if (item.Contains('/', StringComparison.Ordinal))
            {
                range = item[..item.IndexOf('/', StringComparison.Ordinal)];
                step = int.Parse(item[(item.IndexOf('/', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
            }

            var (from, to) = range == "*" ? (min, max)
                : range.Contains('-', StringComparison.Ordinal) ? (int.Parse(range.Split('-')[0], CultureInfo.InvariantCulture), int.Parse(range.Split('-')[1], CultureInfo.InvariantCulture))
                : (int.Parse(range, CultureInfo.InvariantCulture), item.Contains('/', StringComparison.Ordinal) ? max : int.Parse(range, CultureInfo.InvariantCulture));
            if (from < min || to > max || step < 1)
            {
                throw new FormatException($"'{item}' is outside {min}-{max}.");
            }

            for (var v = from; v <= to; v += step)
            {
                values.Add(v);
            }
        }

        return values;
    }
}
