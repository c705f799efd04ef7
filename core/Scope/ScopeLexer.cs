using System.Globalization;
using System.Text;

namespace SfSync.Scope;

internal enum TokenKind
{
    Identifier,
    String,
    Number,
    Operator,
    OpenParen,
    CloseParen,
    Comma,
    End,
}

/// <param name="Text">An identifier or keyword as written, a string decoded, a number in invariant form, an operator.</param>
/// <param name="Raw">A string's body as written between its quotes (a LIKE pattern needs its escapes).</param>
/// <param name="Position">1-based character where the token starts.</param>
internal sealed record ScopeToken(TokenKind Kind, string Text, int Position, string Raw = "")
{
    public bool IsKeyword(string keyword) => Kind == TokenKind.Identifier && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Cuts a filter into tokens; SOQL's lexical rules where the grammar shares them (quotes, escapes, operators).</summary>
internal static class ScopeLexer
{
    public static IReadOnlyList<ScopeToken> Tokenize(string text)
    {
        var tokens = new List<ScopeToken>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                tokens.Add(new ScopeToken(TokenKind.End, "", i + 1));
                return tokens;
            }

            var start = i;
            var c = text[i];
            if (char.IsAsciiLetter(c))
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                if (i < text.Length && text[i] == '.')
                {
                    throw new ScopeSyntaxException($"'{text[start..(i + 1)]}…' is a relationship field; only the object's own fields can be filtered on", start + 1);
                }

                tokens.Add(new ScopeToken(TokenKind.Identifier, text[start..i], start + 1));
            }
            else if (char.IsAsciiDigit(c) || (c is '-' or '+' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                i++;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                if (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] is ':' or '-'))
                {
                    throw new ScopeSyntaxException($"'{Word(text, start)}' is not a number (dates and date literals are not supported)", start + 1);
                }

                var number = text[start..i];
                if (!decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                {
                    throw new ScopeSyntaxException($"'{number}' is not a number", start + 1);
                }

                tokens.Add(new ScopeToken(TokenKind.Number, value.ToString("G29", CultureInfo.InvariantCulture), start + 1)); // one spelling: 2.50 is 2.5
            }
            else if (c == '\'')
            {
                i++;
                var decoded = new StringBuilder();
                var closed = false;
                while (i < text.Length)
                {
                    var d = text[i];
                    if (d == '\'')
                    {
                        closed = true;
                        break;
                    }

                    if (d == '\\')
                    {
                        if (i + 1 >= text.Length)
                        {
                            break;
                        }

                        decoded.Append(Unescape(text[i + 1], i + 1));
                        i += 2;
                        continue;
                    }

                    decoded.Append(d);
                    i++;
                }

                if (!closed)
                {
                    throw new ScopeSyntaxException("the string that starts here is not closed with '", start + 1);
                }

                tokens.Add(new ScopeToken(TokenKind.String, decoded.ToString(), start + 1, text[(start + 1)..i]));
                i++;
            }
            else if (c is '=' or '!' or '<' or '>')
            {
                var pair = i + 1 < text.Length ? text.Substring(i, 2) : "";
                var op = pair is "!=" or "<=" or ">=" or "<>" ? pair : c.ToString();
                if (op == "!")
                {
                    throw new ScopeSyntaxException("'!' must be followed by '=' (use != or NOT)", start + 1);
                }

                i += op.Length;
                tokens.Add(new ScopeToken(TokenKind.Operator, op == "<>" ? "!=" : op, start + 1));
            }
            else if (c is '(' or ')' or ',')
            {
                i++;
                tokens.Add(new ScopeToken(c == '(' ? TokenKind.OpenParen : c == ')' ? TokenKind.CloseParen : TokenKind.Comma, c.ToString(), start + 1));
            }
            else
            {
                throw new ScopeSyntaxException($"unexpected character '{c}'", start + 1);
            }
        }
    }

    private static string Unescape(char c, int index) => c switch
    {
        '\\' => "\\",
        '\'' => "'",
        '"' => "\"",
        'n' => "\n",
        'r' => "\r",
        't' => "\t",
        'b' => "\b",
        'f' => "\f",
        '%' => "%",
        '_' => "_",
        _ => throw new ScopeSyntaxException($"'\\{c}' is not an escape (use \\\\, \\', \\\", \\n, \\r, \\t, \\b, \\f, \\% or \\_)", index),
    };

    private static string Word(string text, int start)
    {
        var end = start;
        while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] is not ')' and not ',')
        {
            end++;
        }

        return text[start..end];
    }
}
