using SfSync.Scope;

namespace SfSync.Salesforce.Rest;

/// <summary>
/// A scope filter as a SOQL condition, built only through <see cref="Soql"/>: field names must be API names and every
/// literal is escaped, so no value of a filter can end its literal or add a clause. Also the filter's canonical text
/// (one spelling per meaning), which its fingerprint is taken from.
/// </summary>
internal static class ScopeSoql
{
    public static string Render(ScopeExpression expression) => expression switch
    {
        ScopeAnd and => $"({Render(and.Left)} AND {Render(and.Right)})",
        ScopeOr or => $"({Render(or.Left)} OR {Render(or.Right)})",
        ScopeNot not => $"(NOT {Render(not.Operand)})",
        ScopeComparison c => $"{Soql.Name(c.Field)} {Operator(c.Operator)} {Literal(c.Value)}",
        ScopeIn @in => $"{Soql.Name(@in.Field)} {(@in.Negated ? "NOT IN" : "IN")} ({string.Join(", ", @in.Values.Select(Literal))})",
        ScopeLike like => $"{Soql.Name(like.Field)} LIKE {Soql.LikeLiteral(like.Pattern.Parts.Select(p => (p.Kind switch { LikePartKind.AnyRun => "%", LikePartKind.AnyOne => "_", _ => p.Text }, p.Kind != LikePartKind.Text)))}",
        _ => throw new ArgumentOutOfRangeException(nameof(expression), expression, "Unknown scope expression."),
    };

    private static string Literal(ScopeLiteral literal) => literal.Kind switch
    {
        LiteralKind.Null => "null",
        LiteralKind.String => Soql.Literal(literal.Text!),
        // Numbers and booleans were parsed into their invariant text; nothing else can be in them.
        _ => literal.Text!,
    };

    private static string Operator(ScopeOperator op) => op switch
    {
        ScopeOperator.Equal => "=",
        ScopeOperator.NotEqual => "!=",
        ScopeOperator.Less => "<",
        ScopeOperator.LessOrEqual => "<=",
        ScopeOperator.Greater => ">",
        _ => ">=",
    };
}
