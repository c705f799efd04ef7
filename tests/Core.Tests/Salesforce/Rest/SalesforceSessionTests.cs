using SfSync.Model;
using SfSync.Salesforce.Rest;

namespace SfSync.Tests.Salesforce.Rest;

/// <summary>The session learns which user it signs in from the token response's identity URL.</summary>
public sealed class SalesforceSessionTests
{
    private const string Org15 = "00Dxx0000000123";
    private const string User15 = "005xx000000456A";

    [Theory]
    [InlineData("https://login.salesforce.com/id/{org}/{user}", true)]
    [InlineData("https://test.salesforce.com/id/{org15}/{user15}", true)] // 15 characters: held as 18
    [InlineData("https://mydomain.my.salesforce.com/id/{org}/{user}/", true)]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("not a url", false)]
    [InlineData("https://login.salesforce.com/id/{org}", false)]
    [InlineData("https://login.salesforce.com/id/{org}/{account}", false)] // not a user
    [InlineData("https://login.salesforce.com/id/{account}/{user}", false)] // not an org
    public void The_user_id_is_the_last_segment_of_the_identity_URL(string? template, bool named)
    {
        var user = SalesforceId.Parse(User15);
        var identityUrl = template?
            .Replace("{org15}", Org15, StringComparison.Ordinal)
            .Replace("{user15}", User15, StringComparison.Ordinal)
            .Replace("{org}", SalesforceId.Parse(Org15).Value, StringComparison.Ordinal)
            .Replace("{user}", user.Value, StringComparison.Ordinal)
            .Replace("{account}", SalesforceId.Parse("001xx000000789B").Value, StringComparison.Ordinal);

        var userId = SessionToken.UserIdFrom(identityUrl);

        Assert.Equal(named ? user : null, userId);
    }
}
