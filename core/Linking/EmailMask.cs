namespace SfSync.Linking;

/// <summary>An e-mail as operators may see it in statuses and listings: the first letter and the domain (a***@acme.com).</summary>
internal static class EmailMask
{
    public static string Of(string email)
    {
        var trimmed = email.Trim();
        var at = trimmed.LastIndexOf('@');
        return at <= 0 ? "***" : $"{trimmed[0]}***{trimmed[at..]}".ToLowerInvariant();
    }
}
