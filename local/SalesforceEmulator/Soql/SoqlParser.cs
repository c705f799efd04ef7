using System.Globalization;

namespace SfSync.SalesforceEmulator.Soql;

/// <summary>
/// Parses the SOQL subset the emulator serves: a field list, one object, WHERE with = != &lt; &gt; &lt;= &gt;= IN, NOT IN,
/// LIKE, AND, OR, NOT and parentheses over string, number, boolean, null, date and dateTime literals, ORDER BY over
/// several fields (ASC/DESC, NULLS FIRST/LAST) and LIMIT.
/// </summary>
internal sealed class SoqlParser
{
    private readonly List<Token> _tokens;
    private int _position;

    private SoqlParser(List<Token> tokens) => _tokens = tokens;

    public static SoqlQuery Parse(string soql)
    {
        if (string.IsNullOrWhiteSpace(soql))
        {
            throw SoqlException.Malformed("the query is empty");
        }

        var parser = new SoqlParser(SoqlLexer.Tokenize(soql));
        var query = parser.Query();
        if (parser.Current.Kind != TokenKind.End)
        {
            throw SoqlException.Malformed($"unexpected token '{parser.Current.Text}' at position {parser.Current.Position}");
        }

        return query;
    }

    private Token Current => _tokens[_position];

    private SoqlQuery Query()
    {
        Expect("SELECT");
        var fields = new List<string> { FieldName() };
        while (Current.IsSymbol(","))
        {
            _position++;
            fields.Add(FieldName());
        }

        Expect("FROM");
        var sobject = FieldName();
        Condition? where = null;
        if (Current.IsWord("WHERE"))
        {
            _position++;
            where = Or();
        }

        var orderBy = new List<(string, bool, bool)>();
        if (Current.IsWord("ORDER"))
        {
            _position++;
            Expect("BY");
            do
            {
                if (orderBy.Count > 0)
                {
                    _position++;
                }

                var field = FieldName();
                var descending = false;
                if (Current.IsWord("ASC") || Current.IsWord("DESC"))
                {
                    descending = Current.IsWord("DESC");
                    _position++;
                }

                var nullsLast = descending;
                if (Current.IsWord("NULLS"))
                {
                    _position++;
                    nullsLast = Current.IsWord("LAST");
                    if (!Current.IsWord("LAST") && !Current.IsWord("FIRST"))
                    {
                        throw SoqlException.Malformed($"expected FIRST or LAST at position {Current.Position}");
                    }

                    _position++;
                }

                orderBy.Add((field, descending, nullsLast));
            }
            while (Current.IsSymbol(","));
        }

        int? limit = null;
        if (Current.IsWord("LIMIT"))
        {
            _position++;
            if (Current.Kind != TokenKind.Number || !int.TryParse(Current.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                throw SoqlException.Malformed($"LIMIT needs a whole number at position {Current.Position}");
            }

            limit = n;
            _position++;
        }

        return new SoqlQuery(fields, sobject, where, orderBy, limit);
    }

    private Condition Or()
    {
        var left = And();
        while (Current.IsWord("OR"))
        {
            _position++;
            left = new OrCondition(left, And());
        }

        return left;
    }

    private Condition And()
    {
        var left = Not();
        while (Current.IsWord("AND"))
        {
            _position++;
            left = new AndCondition(left, Not());
        }

        return left;
    }

    private Condition Not()
    {
        if (Current.IsWord("NOT"))
        {
            _position++;
            return new NotCondition(Not());
        }

        if (Current.IsSymbol("("))
        {
            _position++;
            var inner = Or();
            ExpectSymbol(")");
            return inner;
        }

        return Comparison();
    }

    private Condition Comparison()
    {
        var field = FieldName();
        if (Current.IsWord("IN") || (Current.IsWord("NOT") && _tokens[_position + 1].IsWord("IN")))
        {
            var negated = Current.IsWord("NOT");
            _position += negated ? 2 : 1;
            ExpectSymbol("(");
            var values = new List<object?> { Literal() };
            while (Current.IsSymbol(","))
            {
                _position++;
                values.Add(Literal());
            }

            ExpectSymbol(")");
            return new InCondition(field, values, negated);
        }

        if (Current.IsWord("LIKE"))
        {
            _position++;
            var pattern = Literal();
            return pattern is string ? new Comparison(field, "LIKE", pattern) : throw SoqlException.Malformed("LIKE needs a string literal");
        }

        if (Current.Kind == TokenKind.Symbol && Current.Text is "=" or "!=" or "<" or ">" or "<=" or ">=")
        {
            var op = Current.Text;
            _position++;
            return new Comparison(field, op, Literal());
        }

        throw SoqlException.Malformed($"expected an operator after '{field}' at position {Current.Position}");
    }

    private object? Literal()
    {
        var token = Current;
        _position++;
        return token.Kind switch
        {
            TokenKind.String or TokenKind.Number or TokenKind.DateTime or TokenKind.Date => token.Value,
            TokenKind.Word when token.IsWord("null") => null,
            TokenKind.Word when token.IsWord("true") => true,
            TokenKind.Word when token.IsWord("false") => false,
            _ => throw SoqlException.Malformed($"expected a value at position {token.Position}, found '{token.Text}'"),
        };
    }

    private string FieldName()
    {
        var token = Current;
        if (token.Kind != TokenKind.Word || IsKeyword(token))
        {
            throw SoqlException.Malformed($"expected a name at position {token.Position}, found '{token.Text}'");
        }

        _position++;
        return token.Text;
    }

    private void Expect(string word)
    {
        if (!Current.IsWord(word))
        {
            throw SoqlException.Malformed($"expected {word} at position {Current.Position}, found '{Current.Text}'");
        }

        _position++;
    }

    private void ExpectSymbol(string symbol)
    {
        if (!Current.IsSymbol(symbol))
        {
            throw SoqlException.Malformed($"expected '{symbol}' at position {Current.Position}, found '{Current.Text}'");
        }

        _position++;
    }

    private static bool IsKeyword(Token token) =>
        token.IsWord("SELECT") || token.IsWord("FROM") || token.IsWord("WHERE") || token.IsWord("AND") || token.IsWord("OR")
        || token.IsWord("ORDER") || token.IsWord("LIMIT") || token.IsWord("NOT") || token.IsWord("IN") || token.IsWord("LIKE");
}
