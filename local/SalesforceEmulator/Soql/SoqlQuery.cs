using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SfSync.SalesforceEmulator.Soql;

/// <summary>A parsed SOQL query: SELECT fields FROM object [WHERE condition] [ORDER BY ...] [LIMIT n].</summary>
internal sealed record SoqlQuery(IReadOnlyList<string> Fields, string Object, Condition? Where, IReadOnlyList<(string Field, bool Descending, bool NullsLast)> OrderBy, int? Limit);

/// <summary>A WHERE clause node, evaluated against a record's values (field name → value, case-insensitive names).</summary>
internal abstract record Condition
{
    public abstract bool Matches(Func<string, object?> value);

    public abstract IEnumerable<string> FieldNames();
}

internal sealed record AndCondition(Condition Left, Condition Right) : Condition
{
    public override bool Matches(Func<string, object?> value) => Left.Matches(value) && Right.Matches(value);

    public override IEnumerable<string> FieldNames() => Left.FieldNames().Concat(Right.FieldNames());
}

internal sealed record OrCondition(Condition Left, Condition Right) : Condition
{
    public override bool Matches(Func<string, object?> value) => Left.Matches(value) || Right.Matches(value);

    public override IEnumerable<string> FieldNames() => Left.FieldNames().Concat(Right.FieldNames());
}

internal sealed record NotCondition(Condition Inner) : Condition
{
    public override bool Matches(Func<string, object?> value) => !Inner.Matches(value);

    public override IEnumerable<string> FieldNames() => Inner.FieldNames();
}

internal sealed record Comparison(string Field, string Operator, object? Literal) : Condition
{
    public override IEnumerable<string> FieldNames() => [Field];

    public override bool Matches(Func<string, object?> value)
    {
        var actual = value(Field);
        return Operator switch
        {
            "=" => SoqlValues.AreEqual(actual, Literal),
            "!=" => !SoqlValues.AreEqual(actual, Literal),
            "LIKE" => actual is string text && Literal is string pattern && SoqlValues.Like(text, pattern),
            _ => actual is not null && Literal is not null && SoqlValues.Compare(actual, Literal) is { } order && Operator switch
            {
                "<" => order < 0,
                "<=" => order <= 0,
                ">" => order > 0,
                ">=" => order >= 0,
                _ => false,
            },
        };
    }
}

internal sealed record InCondition(string Field, IReadOnlyList<object?> Literals, bool Negated) : Condition
{
    public override IEnumerable<string> FieldNames() => [Field];

    public override bool Matches(Func<string, object?> value)
    {
        var actual = value(Field);
        return Literals.Any(l => SoqlValues.AreEqual(actual, l)) != Negated;
    }
}

/// <summary>The value of an Id or reference field in a comparison: ids are case-sensitive and order by their base-62 digits
/// (0-9, A-Z, a-z), which is ordinal order of the 18-character form; a 15-character literal is compared by its first 15.</summary>
internal sealed record SoqlId(string Value)
{
    public static string Normalize(string literal) => Org.SalesforceIds.Normalize(literal) ?? literal;
}

/// <summary>SOQL comparison rules: text compares case-insensitively, dateTime equality ignores milliseconds.</summary>
internal static class SoqlValues
{
    public static bool AreEqual(object? actual, object? literal)
    {
        if (actual is null || literal is null)
        {
            return actual is null && literal is null;
        }

        if (actual is DateTimeOffset a && literal is DateTimeOffset b)
        {
            return TruncateToSecond(a) == TruncateToSecond(b);
        }

        return Compare(actual, literal) == 0;
    }

    public static int? Compare(object actual, object literal) => (actual, literal) switch
    {
        (SoqlId a, SoqlId b) => string.CompareOrdinal(a.Value, b.Value),
        (SoqlId a, string b) => string.CompareOrdinal(a.Value, SoqlId.Normalize(b)),
        (string a, string b) => string.Compare(a, b, StringComparison.OrdinalIgnoreCase),
        (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
        (bool a, bool b) => a.CompareTo(b),
        (decimal a, decimal b) => a.CompareTo(b),
        (string a, decimal b) when decimal.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) => n.CompareTo(b),
        _ => null,
    };

    /// <summary>LIKE: % any run, _ one character, case-insensitive; \% and \_ are literal.</summary>
    public static bool Like(string text, string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length && pattern[i + 1] is '%' or '_')
            {
                regex.Append(Regex.Escape(pattern[++i].ToString()));
            }
            else
            {
                regex.Append(c switch { '%' => ".*", '_' => ".", _ => Regex.Escape(c.ToString()) });
            }
        }

        return Regex.IsMatch(text, regex.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
    }

    private static DateTimeOffset TruncateToSecond(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
