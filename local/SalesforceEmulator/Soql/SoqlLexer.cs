using System.Globalization;
using System.Text;

namespace SfSync.SalesforceEmulator.Soql;

internal enum TokenKind
{
    Word,
    String,
    Number,
    DateTime,
    Date,
    Symbol,
    End,
}

internal readonly record struct Token(TokenKind Kind, string Text, object? Value, int Position)
{
    public bool IsWord(string word) => Kind == TokenKind.Word && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string symbol) => Kind == TokenKind.Symbol && Text == symbol;
}

/// <summary>Splits SOQL into tokens, with Salesforce's string escapes and unquoted date and dateTime literals.</summary>
internal static class SoqlLexer
{
    public static List<Token> Tokenize(string soql)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < soql.Length)
        {
            var c = soql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '\'')
            {
                tokens.Add(ReadString(soql, ref i));
            }
            else if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < soql.Length && char.IsAsciiDigit(soql[i + 1]) && !PrecededByValue(tokens)))
            {
                tokens.Add(ReadNumberOrDate(soql, ref i));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < soql.Length && (char.IsAsciiLetterOrDigit(soql[i]) || soql[i] is '_' or '.'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Word, soql[start..i], null, start));
            }
            else
            {
                var two = i + 1 < soql.Length ? soql.Substring(i, 2) : "";
                if (two is "!=" or "<=" or ">=" or "<>")
                {
                    tokens.Add(new Token(TokenKind.Symbol, two == "<>" ? "!=" : two, null, i));
                    i += 2;
                }
                else if (c is '=' or '<' or '>' or '(' or ')' or ',')
                {
                    tokens.Add(new Token(TokenKind.Symbol, c.ToString(), null, i));
                    i++;
                }
                else
                {
                    throw SoqlException.Malformed($"unexpected character '{c}' at position {i}");
                }
            }
        }

        tokens.Add(new Token(TokenKind.End, "", null, soql.Length));
        return tokens;
    }

    private static bool PrecededByValue(List<Token> tokens) =>
        tokens.Count > 0 && tokens[^1].Kind is TokenKind.Number or TokenKind.String or TokenKind.DateTime or TokenKind.Date;

    private static Token ReadString(string soql, ref int i)
    {
        var start = i++;
        var value = new StringBuilder();
        while (i < soql.Length)
        {
            var c = soql[i++];
            if (c == '\'')
            {
                return new Token(TokenKind.String, soql[start..i], value.ToString(), start);
            }

            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            if (i >= soql.Length)
            {
                break;
            }

            var escaped = soql[i++];
            switch (escaped)
            {
                case 'n': value.Append('\n'); break;
                case 'r': value.Append('\r'); break;
                case 't': value.Append('\t'); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case '"' or '\'' or '\\': value.Append(escaped); break;
                case '_' or '%': value.Append('\\').Append(escaped); break; // kept for LIKE, where they are literal
                case 'u' when i + 4 <= soql.Length && int.TryParse(soql.AsSpan(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                    value.Append((char)code);
                    i += 4;
                    break;
                default:
                    throw SoqlException.Malformed($"invalid escape sequence '\\{escaped}' at position {i - 2}");
            }
        }

        throw SoqlException.Malformed($"unterminated string literal at position {start}");
    }

    private static Token ReadNumberOrDate(string soql, ref int i)
    {
        var start = i;
        while (i < soql.Length && (char.IsAsciiLetterOrDigit(soql[i]) || soql[i] is '-' or ':' or '.' or '+'))
        {
            if (soql[i] == '+' && !soql.AsSpan(start, i - start).Contains('T'))
            {
                break;
            }

            i++;
        }

        var text = soql[start..i];
        if (text.Length >= 10 && text[4] == '-' && text[7] == '-')
        {
            if (text.Length == 10 && DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
            {
                return new Token(TokenKind.Date, text, new DateTimeOffset(date, TimeSpan.Zero), start);
            }

            // Offsets may be written +hh:mm or +hhmm; .NET parses the first.
            var normalized = text.Length > 5 && text[^5] is '+' or '-' && text[^3] != ':' ? text[..^2] + ":" + text[^2..] : text;
            string[] formats = ["yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.fffZ", "yyyy-MM-ddTHH:mm:sszzz", "yyyy-MM-ddTHH:mm:ss.fffzzz"];
            if (DateTimeOffset.TryParseExact(normalized, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dateTime))
            {
                return new Token(TokenKind.DateTime, text, dateTime.ToUniversalTime(), start);
            }

            throw SoqlException.Malformed($"invalid date or dateTime literal '{text}' (use YYYY-MM-DDThh:mm:ssZ)");
        }

        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return new Token(TokenKind.Number, text, number, start);
        }

        throw SoqlException.Malformed($"unexpected token '{text}' at position {start}");
    }
}
