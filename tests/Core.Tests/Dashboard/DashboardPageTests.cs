using SfSync.Functions.Dashboard;
using SfSync.Linking;
using SfSync.Model;

namespace SfSync.Tests.Dashboard;

/// <summary>The History page's open-duplicates section, rendered from its model (the browser test covers the rest).</summary>
public sealed class DashboardPageTests
{
    private static DashboardModel Model() => new(DateTimeOffset.Parse("2026-12-01T10:00:00Z"), [], null, [], null, 0.8, null, "not read", null, null, null);

    [Fact]
    public void Open_duplicates_are_listed_with_the_synced_contact_and_the_others_and_none_says_so()
    {
        var since = DateTimeOffset.Parse("2026-12-01T09:30:00Z");
        var page = DashboardPage.Render(Model() with { Duplicates = [new OpenDuplicate(EntityKind.Contact, "j***@example.com", "003000000000001AAA", ["003000000000002AAA", "003000000000003AAA"], since)] });
        var none = DashboardPage.Render(Model() with { Duplicates = [] });
        var unreadable = DashboardPage.Render(Model() with { DuplicatesProblem = "Table Storage is unavailable" });

        Assert.Contains("data-count=\"1\"", page, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">j***@example.com</th><td><code>003000000000001AAA</code></td><td><code>003000000000002AAA</code>, <code>003000000000003AAA</code></td><td>2026-12-01 09:30:00</td>", page, StringComparison.Ordinal);
        Assert.Contains("data-count=\"0\"", none, StringComparison.Ordinal);
        Assert.DoesNotContain("duplicate-grid", none, StringComparison.Ordinal);
        Assert.Contains("The duplicates could not be read: Table Storage is unavailable", unreadable, StringComparison.Ordinal);
    }
}
