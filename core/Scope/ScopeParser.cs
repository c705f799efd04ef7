namespace SfSync.Scope;

/// <summary>
/// Parses a scope filter (docs/scope.md):
/// <code>
/// filter     := or
/// or         := and ("OR" and)*
/// and        := unary ("AND" unary)*
/// unary      := "NOT" unary | "(" or ")" | condition
/// condition  := field op literal | field ["NOT"] "IN" "(" literal ("," literal)* ")" | field "LIKE" string
/// op         := "=" | "!=" | "&lt;&gt;" | "&lt;" | "&lt;=" | "&gt;" | "&gt;="
/// literal    := string | number | "true" | "false" | "null"
/// </code>
/// Keywords are case-insensitive, as in SOQL; a syntax error throws <see cref="ScopeSyntaxException"/> with its position.
/// </summary>
internal sealed class ScopeParser
{
    private static readonly string[] Keywords = ["AND", "OR", "NOT", "IN", "LIKE", "NULL", "TRUE", "FALSE"];

    private readonly IReadOnlyList<ScopeToken> _tokens;
    private int _next;

    private ScopeParser(IReadOnlyList<ScopeToken> tokens) => _tokens = tokens;

    public static ScopeExpression Parse(string text)
    {
        var parser = new ScopeParser(ScopeLexer.Tokenize(text));
        if (parser.Peek.Kind == TokenKind.End)
        {
            throw new ScopeSyntaxException("the filter is empty", 1);
        }

        var expression = parser.Or();
        if (parser.Peek.Kind != TokenKind.End)
        {
            throw new ScopeSyntaxException($"expected AND, OR or the end, found {Describe(parser.Peek)}", parser.Peek.Position);
        }

        return expression;
    }

    private ScopeToken Peek => _tokens[_next];

    private ScopeToken Take() => _tokens[_next++];

    private ScopeExpression Or()
    {
        var left = And();
        while (Peek.IsKeyword("OR"))
        {
            Take();
            left = new ScopeOr(left, And());
        }

        return left;
    }

    private ScopeExpression And()
    {
        var left = Unary();
        while (Peek.IsKeyword("AND"))
        {
            Take();
            left = new ScopeAnd(left, Unary());
        }

        return left;
    }

    private ScopeExpression Unary()
    {
        if (Peek.IsKeyword("NOT"))
        {
            Take();
            return new ScopeNot(Unary());
        }

        if (Peek.Kind == TokenKind.OpenParen)
        {
            Take();
            var inner = Or();
            Expect(TokenKind.CloseParen, "')'");
            return inner;
        }

        return Condition();
    }

    private ScopeExpression Condition()
    {
        var field = Take();
        if (field.Kind != TokenKind.Identifier || Keywords.Any(field.IsKeyword))
        {
            throw new ScopeSyntaxException($"expected a field name, found {Describe(field)}", field.Position);
        }

        var op = Take();
        if (op.Kind == TokenKind.Operator)
        {
            return new ScopeComparison(field.Text, Operator(op.Text), Literal());
        }

        if (op.IsKeyword("LIKE"))
        {
            var pattern = Take();
            if (pattern.Kind != TokenKind.String)
            {
                throw new ScopeSyntaxException($"LIKE needs a quoted pattern, found {Describe(pattern)}", pattern.Position);
            }

            return new ScopeLike(field.Text, LikePatterns.FromRaw(pattern.Raw));
        }

        var negated = false;
        if (op.IsKeyword("NOT"))
        {
            negated = true;
            op = Take();
        }

        if (op.IsKeyword("IN"))
        {
            Expect(TokenKind.OpenParen, "'(' after IN");
            var values = new List<ScopeLiteral> { Literal() };
            while (Peek.Kind == TokenKind.Comma)
            {
                Take();
                values.Add(Literal());
            }

            Expect(TokenKind.CloseParen, "',' or ')' in the IN list");
            return new ScopeIn(field.Text, values, negated);
        }

        throw new ScopeSyntaxException($"expected an operator (=, !=, <, <=, >, >=, IN, NOT IN, LIKE) after {field.Text}, found {Describe(op)}", op.Position);
    }

    private ScopeLiteral Literal()
    {
        var token = Take();
        return token.Kind switch
        {
            TokenKind.String => new ScopeLiteral(LiteralKind.String, token.Text),
            TokenKind.Number => new ScopeLiteral(LiteralKind.Number, token.Text),
            TokenKind.Identifier when token.IsKeyword("NULL") => ScopeLiteral.Null,
            TokenKind.Identifier when token.IsKeyword("TRUE") => new ScopeLiteral(LiteralKind.Boolean, "true"),
            TokenKind.Identifier when token.IsKeyword("FALSE") => new ScopeLiteral(LiteralKind.Boolean, "false"),
            TokenKind.Identifier => throw new ScopeSyntaxException($"expected a value ('text', a number, true, false or null), found {token.Text} (strings need quotes; date literals are not supported)", token.Position),
            _ => throw new ScopeSyntaxException($"expected a value ('text', a number, true, false or null), found {Describe(token)}", token.Position),
        };
    }

    private void Expect(TokenKind kind, string what)
    {
        var token = Take();
        if (token.Kind != kind)
        {
            throw new ScopeSyntaxException($"expected {what}, found {Describe(token)}", token.Position);
        }
    }

    private static ScopeOperator Operator(string text) => text switch
    {
        "=" => ScopeOperator.Equal,
        "!=" => ScopeOperator.NotEqual,
        "<" => ScopeOperator.Less,
        "<=" => ScopeOperator.LessOrEqual,
        ">" => ScopeOperator.Greater,
        _ => ScopeOperator.GreaterOrEqual,
    };

    private static string Describe(ScopeToken token) => token.Kind switch
    {
        TokenKind.End => "the end of the filter",
        TokenKind.String => "a string",
        _ => $"'{token.Text}'",
    };
}
