using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SfSync.Merge;

namespace SfSync.Scope;

/// <summary>
/// Whether a record's values satisfy a filter — SOQL's semantics, so a list view's filter means here what it means in
/// Salesforce: text compares case-insensitively, a blank value equals <c>null</c> and nothing else, <c>!=</c> and
/// <c>NOT IN</c> match a blank value, and orderings never do. A literal number compares numerically (a value that is no
/// number does not match it), <c>true</c>/<c>false</c> compare with the value's text case aside. Pure.
/// </summary>
internal static class ScopeEvaluator
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    /// <param name="value">A field's value by name (as the filter spells it), null when blank or absent.</param>
    public static bool Matches(ScopeExpression expression, Func<string, string?> value) => expression switch
    {
        ScopeAnd and => Matches(and.Left, value) && Matches(and.Right, value),
        ScopeOr or => Matches(or.Left, value) || Matches(or.Right, value),
        ScopeNot not => !Matches(not.Operand, value),
        ScopeComparison comparison => Compare(Blankless(value(comparison.Field)), comparison.Operator, comparison.Value),
        ScopeIn @in => @in.Values.Any(v => Compare(Blankless(value(@in.Field)), ScopeOperator.Equal, v)) != @in.Negated,
        ScopeLike like => Blankless(value(like.Field)) is { } text && Regex(like.Pattern).IsMatch(text),
        _ => throw new ArgumentOutOfRangeException(nameof(expression), expression, "Unknown scope expression."),
    };

    private static string? Blankless(string? value) => FieldValue.IsBlank(value) ? null : value;

    private static bool Compare(string? value, ScopeOperator op, ScopeLiteral literal)
    {
        if (op == ScopeOperator.NotEqual)
        {
            return !Compare(value, ScopeOperator.Equal, literal);
        }

        if (literal.Kind == LiteralKind.Null || value is null)
        {
            return op == ScopeOperator.Equal && literal.Kind == LiteralKind.Null && value is null;
        }

        int order;
        switch (literal.Kind)
        {
            case LiteralKind.Number:
                if (!decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
                {
                    return false;
                }

                order = number.CompareTo(decimal.Parse(literal.Text!, CultureInfo.InvariantCulture));
                break;
            case LiteralKind.Boolean:
                if (op != ScopeOperator.Equal)
                {
                    return false;
                }

                return string.Equals(value.Trim(), literal.Text, StringComparison.OrdinalIgnoreCase);
            default:
                order = string.Compare(value, literal.Text, StringComparison.OrdinalIgnoreCase);
                break;
        }

        return op switch
        {
            ScopeOperator.Equal => order == 0,
            ScopeOperator.Less => order < 0,
            ScopeOperator.LessOrEqual => order <= 0,
            ScopeOperator.Greater => order > 0,
            _ => order >= 0,
        };
    }

    private static Regex Regex(LikePattern pattern)
    {
        var builder = new StringBuilder("^");
        foreach (var part in pattern.Parts)
        {
            builder.Append(part.Kind switch
            {
                LikePartKind.AnyRun => ".*",
                LikePartKind.AnyOne => ".",
                _ => System.Text.RegularExpressions.Regex.Escape(part.Text),
            });
        }

        return new Regex(builder.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant, PatternTimeout);
    }
}
