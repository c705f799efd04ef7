using System.Text;

namespace SfSync.Scope;

/// <summary>Turns a LIKE literal's body, as written, into parts: an escaped <c>\%</c> or <c>\_</c> is text.</summary>
internal static class LikePatterns
{
    public static LikePattern FromRaw(string raw)
    {
        var parts = new List<LikePart>();
        var text = new StringBuilder();
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '\\' && i + 1 < raw.Length)
            {
                var e = raw[++i];
                text.Append(e switch { 'n' => '\n', 'r' => '\r', 't' => '\t', 'b' => '\b', 'f' => '\f', _ => e });
                continue;
            }

            if (c is '%' or '_')
            {
                Flush(parts, text);
                parts.Add(new LikePart(c == '%' ? LikePartKind.AnyRun : LikePartKind.AnyOne));
                continue;
            }

            text.Append(c);
        }

        Flush(parts, text);
        return new LikePattern(parts);
    }

    private static void Flush(List<LikePart> parts, StringBuilder text)
    {
        if (text.Length > 0)
        {
            parts.Add(new LikePart(LikePartKind.Text, text.ToString()));
            text.Clear();
        }
    }
}
