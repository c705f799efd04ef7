namespace SfSync.Scope;

/// <summary>
/// A scope filter as a tree, parsed by <see cref="ScopeParser"/> from the grammar of docs/scope.md. Nothing in it is
/// SOQL text: the evaluator reads it, and SOQL is rendered from it only through <c>Soql</c>'s escaping.
/// </summary>
internal abstract record ScopeExpression
{
    /// <summary>Every field the filter reads, as written.</summary>
    public abstract IEnumerable<string> Fields { get; }
}

/// <summary><c>left AND right</c>.</summary>
internal sealed record ScopeAnd(ScopeExpression Left, ScopeExpression Right) : ScopeExpression
{
    public override IEnumerable<string> Fields => Left.Fields.Concat(Right.Fields);
}

/// <summary><c>left OR right</c>.</summary>
internal sealed record ScopeOr(ScopeExpression Left, ScopeExpression Right) : ScopeExpression
{
    public override IEnumerable<string> Fields => Left.Fields.Concat(Right.Fields);
}

/// <summary><c>NOT operand</c>.</summary>
internal sealed record ScopeNot(ScopeExpression Operand) : ScopeExpression
{
    public override IEnumerable<string> Fields => Operand.Fields;
}

/// <summary><c>Field op literal</c>.</summary>
internal sealed record ScopeComparison(string Field, ScopeOperator Operator, ScopeLiteral Value) : ScopeExpression
{
    public override IEnumerable<string> Fields => [Field];
}

/// <summary><c>Field IN (literal, ...)</c>, or <c>NOT IN</c> when <see cref="Negated"/>.</summary>
internal sealed record ScopeIn(string Field, IReadOnlyList<ScopeLiteral> Values, bool Negated) : ScopeExpression
{
    public override IEnumerable<string> Fields => [Field];

    public bool Equals(ScopeIn? other) => other is not null && Field == other.Field && Negated == other.Negated && Values.SequenceEqual(other.Values);

    public override int GetHashCode() => HashCode.Combine(Field, Negated, Values.Count);
}

/// <summary><c>Field LIKE 'pattern'</c>: <c>%</c> any run of characters, <c>_</c> one character, <c>\%</c> and <c>\_</c>
/// themselves.</summary>
internal sealed record ScopeLike(string Field, LikePattern Pattern) : ScopeExpression
{
    public override IEnumerable<string> Fields => [Field];
}

internal enum ScopeOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

internal enum LiteralKind
{
    Null,
    String,
    Number,
    Boolean,
}

/// <summary>A literal: <c>null</c>, <c>'text'</c>, a number or <c>true</c>/<c>false</c>. <see cref="Text"/> holds the
/// string, the number in invariant form, or <c>true</c>/<c>false</c>.</summary>
internal sealed record ScopeLiteral(LiteralKind Kind, string? Text)
{
    public static ScopeLiteral Null { get; } = new(LiteralKind.Null, null);
}

/// <summary>A LIKE pattern as parts: literal text, <c>%</c> and <c>_</c>. Kept apart so that rendering escapes the text
/// and never a wildcard, and a literal <c>%</c> can never become one.</summary>
internal sealed record LikePattern(IReadOnlyList<LikePart> Parts)
{
    public bool Equals(LikePattern? other) => other is not null && Parts.SequenceEqual(other.Parts);

    public override int GetHashCode() => Parts.Count;
}

internal enum LikePartKind
{
    Text,
    AnyRun,
    AnyOne,
}

internal sealed record LikePart(LikePartKind Kind, string Text = "");
